// The eviction subresource (pkg/registry/core/pod/storage/eviction.go) as an
// operation over the Api, shared by POST pods/NAME/eviction and the embedded
// drain: a pod is deleted only if the PodDisruptionBudget covering it allows a
// disruption. Admitting an eviction decrements the budget's
// status.disruptionsAllowed and records the pod in status.disruptedPods in
// one resourceVersion-checked status write, so two evictions racing for the
// last allowed disruption cannot both pass: the loser re-reads the budget and
// is refused with 429. Terminal, pending and terminating pods are deleted
// without consulting budgets; a not-Ready pod may go when its budget is
// healthy (IfHealthyBudget) or always (AlwaysAllow), without spending the
// budget.
import type { Api, PropagationPolicy } from './api.js';
import { StatusError, forbidden, isStatusError, tooManyRequests, type StatusReason } from './errors.js';
import { clone, type Condition, type KubeObject } from './meta.js';
import { setCondition } from './conditions.js';
import { isPodReady, metaTime, pdbsForPod, withDisruptionAllowedCondition } from './disruption.js';
import { DISRUPTION_BUDGET_CAUSE, type PodDisruptionBudget } from './types/policy.js';

/** Beyond this many admitted-but-unconfirmed evictions a budget refuses more (MaxDisruptedPodSize). */
export const MAX_DISRUPTED_POD_SIZE = 2000;
/** Conflicts on the budget are retried this many times (EvictionsRetry.Steps). */
const EVICTION_RETRY_STEPS = 20;

export const EVICTION_REFUSED_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_PDBS_MESSAGE = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

export interface EvictionDeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The 429 of a budget whose status lags its spec (createTooManyRequestsError). */
function stillProcessing(pdbName: string): StatusError {
  return tooManyRequests(EVICTION_REFUSED_MESSAGE, 10, [{ reason: DISRUPTION_BUDGET_CAUSE, message: `The disruption budget ${pdbName} is still being processed by the server.` }]);
}

/** The 429 of a budget that allows no disruption now. */
export function budgetExhausted(pdb: PodDisruptionBudget): StatusError {
  const s = pdb.status;
  return tooManyRequests(EVICTION_REFUSED_MESSAGE, 0, [
    { reason: DISRUPTION_BUDGET_CAUSE, message: `The disruption budget ${pdb.metadata.name} needs ${s?.desiredHealthy ?? 0} healthy pods and has ${s?.currentHealthy ?? 0} currently` },
  ]);
}

/** A budget's refusal with its cause, as one line: what drain reports. */
export function evictionErrorText(e: StatusError): string {
  const causes = (e.details?.causes ?? []).map((c) => c.message).filter(Boolean);
  return causes.length ? `${e.message} ${causes.join('; ')}` : e.message;
}

function canIgnorePDB(pod: KubeObject): boolean {
  const phase = pod.status?.phase ?? 'Pending'; // the registry sets Pending on create
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function shouldEnforceResourceVersion(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

/**
 * Evicts one pod. Resolves when the pod was deleted (or marked for graceful
 * deletion); rejects with Kubernetes' StatusErrors: 404 for a missing pod, 429
 * TooManyRequests when a budget forbids it (cause type DisruptionBudget), 500
 * when more than one budget covers the pod, 403 for a corrupt budget.
 */
export async function evictPod(api: Api, namespace: string, name: string, opts: EvictionDeleteOptions = {}): Promise<void> {
  const rvUnset = opts.preconditions?.resourceVersion === undefined;
  let pod: KubeObject | undefined;
  for (let attempt = 0; ; attempt++) {
    pod = api.mustGet('Pod', namespace, name);
    if (!canIgnorePDB(pod)) break;
    const pre = shouldEnforceResourceVersion(pod) && rvUnset ? { ...opts.preconditions, resourceVersion: pod.metadata.resourceVersion } : opts.preconditions;
    try {
      await addConditionAndDelete(api, namespace, name, { ...opts, preconditions: pre });
      return;
    } catch (e) {
      if (rvUnset && isStatusError(e, 'Conflict') && attempt < EVICTION_RETRY_STEPS) continue;
      throw e;
    }
  }

  const covering = pdbsForPod(api.list('PodDisruptionBudget', { namespace }).items, pod);
  if (covering.length > 1) throw new StatusError(500, '' as StatusReason, MULTIPLE_PDBS_MESSAGE);
  let pinToReadState = false;
  const pdb = covering[0];
  if (pdb) {
    const unhealthyMayGo =
      !isPodReady(pod) &&
      (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' ||
        ((pdb.status?.currentHealthy ?? 0) >= (pdb.status?.desiredHealthy ?? 0) && (pdb.status?.desiredHealthy ?? 0) > 0));
    if (unhealthyMayGo) pinToReadState = true; // not healthy: deleting it does not spend the budget
    else await checkAndDecrement(api, pdb, name, !!opts.dryRun);
  }
  // An unhealthy pod goes only if it did not become Ready meanwhile.
  const pre = pinToReadState && rvUnset ? { ...opts.preconditions, resourceVersion: pod.metadata.resourceVersion } : opts.preconditions;
  try {
    await addConditionAndDelete(api, namespace, name, { ...opts, preconditions: pre });
  } catch (e) {
    if (isStatusError(e, 'Conflict') && pinToReadState && rvUnset) throw stillProcessing(pdb!.metadata.name ?? '');
    throw e;
  }
}

/** Verify-and-decrement with a resourceVersion-checked status write; conflicts re-read the budget. */
async function checkAndDecrement(api: Api, first: PodDisruptionBudget, podName: string, dryRun: boolean): Promise<void> {
  let pdb = first;
  for (let attempt = 0; ; attempt++) {
    const s = pdb.status;
    if ((s?.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillProcessing(pdb.metadata.name ?? '');
    if ((s?.disruptionsAllowed ?? 0) < 0) throw forbidden('PodDisruptionBudget', pdb.metadata.name ?? '', 'pdb disruptions allowed is negative');
    if (Object.keys(s?.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
      throw forbidden('PodDisruptionBudget', pdb.metadata.name ?? '', 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if (!s || s.disruptionsAllowed === 0) throw budgetExhausted(pdb);
    if (dryRun) return;
    const now = api.nowMs();
    let status = { ...clone(s), disruptionsAllowed: s.disruptionsAllowed - 1 };
    if (status.disruptionsAllowed === 0) status = withDisruptionAllowedCondition(status, now);
    status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: metaTime(now) };
    try {
      await api.updateStatus<PodDisruptionBudget>({ ...pdb, status });
      return;
    } catch (e) {
      if (!isStatusError(e, 'Conflict') || attempt >= EVICTION_RETRY_STEPS) {
        if (isStatusError(e, 'Conflict')) throw new StatusError(504, 'Timeout', `couldn't update PodDisruptionBudget "${pdb.metadata.name}" due to conflicts`, { retryAfterSeconds: 10 });
        throw e;
      }
      pdb = api.mustGet('PodDisruptionBudget', pdb.metadata.namespace ?? '', pdb.metadata.name ?? '');
    }
  }
}

/** Marks the pod DisruptionTarget (EvictionByEvictionAPI), then deletes it under the same preconditions. */
async function addConditionAndDelete(api: Api, namespace: string, name: string, opts: EvictionDeleteOptions): Promise<void> {
  const del = { gracePeriodSeconds: opts.gracePeriodSeconds, propagationPolicy: opts.propagationPolicy, preconditions: opts.preconditions, dryRun: opts.dryRun };
  if (opts.dryRun) {
    await api.delete('Pod', namespace, name, del);
    return;
  }
  const cur = api.mustGet('Pod', namespace, name);
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== cur.metadata.uid) {
    await api.delete('Pod', namespace, name, del); // refused with Kubernetes' precondition Conflict
    return;
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== cur.metadata.resourceVersion) {
    await api.delete('Pod', namespace, name, del);
    return;
  }
  const conds = (cur.status?.conditions as Condition[] | undefined) ?? [];
  const target: Condition = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null };
  const next = setCondition(conds, target, api.nowMs(), { skipUnchanged: true });
  let updated = cur;
  if (next !== conds) updated = await api.updateStatus({ ...cur, status: { ...(cur.status ?? {}), conditions: next } });
  // The condition write bumped the resourceVersion the caller pinned: pin the new one.
  const pinned = pre?.resourceVersion !== undefined ? { ...pre, resourceVersion: updated.metadata.resourceVersion } : pre;
  await api.delete('Pod', namespace, name, { ...del, preconditions: pinned });
}
