// What the disruption controller and the eviction subresource share about
// PodDisruptionBudgets: which budgets cover a pod (a null selector covers none,
// `{}` every pod of the namespace, an invalid one none), pod health as
// IsPodReady, and the DisruptionAllowed condition as
// component-helpers/apps/poddisruptionbudget keeps it.
import { setCondition } from './conditions.js';
import type { Condition, KubeObject } from './meta.js';
import { rfc3339 } from './time.js';
import { findCondition } from './meta.js';
import { labelSelectorAsSelector } from './selectors.js';
import {
  DISRUPTION_ALLOWED_CONDITION,
  INSUFFICIENT_PODS_REASON,
  SUFFICIENT_PODS_REASON,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from './types/policy.js';

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export const metaTime = rfc3339;

export function isPodReady(pod: KubeObject): boolean {
  return findCondition<{ type: string; status: string }>(pod.status?.conditions, 'Ready')?.status === 'True';
}

/** Does the budget's selector cover these labels? Invalid selectors cover nothing. */
export function pdbCovers(pdb: PodDisruptionBudget, labels: Record<string, string> | undefined): boolean {
  try {
    return labelSelectorAsSelector(pdb.spec?.selector).matches(labels);
  } catch {
    return false;
  }
}

/** The budgets of the pod's namespace whose selector covers it (GetPodPodDisruptionBudgets). */
export function pdbsForPod(pdbs: readonly PodDisruptionBudget[], pod: KubeObject): PodDisruptionBudget[] {
  return pdbs.filter((b) => b.metadata.namespace === pod.metadata.namespace && pdbCovers(b, pod.metadata.labels));
}

/**
 * apimeta.SetStatusCondition: replaces the condition of the same type, keeping
 * lastTransitionTime unless the status changed. Returns a new list.
 */
export function setStatusCondition(conds: readonly Condition[] | undefined, c: Condition, now: number): Condition[] {
  return setCondition(conds, c, now);
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  return {
    ...status,
    conditions: setStatusCondition(
      status.conditions,
      {
        type: DISRUPTION_ALLOWED_CONDITION,
        status: allowed ? 'True' : 'False',
        reason: allowed ? SUFFICIENT_PODS_REASON : INSUFFICIENT_PODS_REASON,
        message: '',
        observedGeneration: status.observedGeneration,
      },
      now,
    ),
  };
}

/** ConditionsAreUpToDate. */
export function disruptionConditionUpToDate(pdb: PodDisruptionBudget): boolean {
  const s = pdb.status;
  const c = findCondition(s?.conditions, DISRUPTION_ALLOWED_CONDITION);
  if (!c || !s) return false;
  if ((s.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  return s.disruptionsAllowed > 0 ? c.status === 'True' && c.reason === SUFFICIENT_PODS_REASON : c.status === 'False' && c.reason === INSUFFICIENT_PODS_REASON;
}
