// policy/v1 PodDisruptionBudget and the Eviction a pods/eviction POST carries.
import type { Condition, KubeObject, LabelSelector } from '../meta.js';
import type { IntOrString } from './pod.js';

/** How unhealthy (not Ready) running pods are treated by the eviction subresource. */
export type UnhealthyPodEvictionPolicyType = 'IfHealthyBudget' | 'AlwaysAllow';

export interface PodDisruptionBudgetSpec {
  /** At least this many (or this percent of the expected) selected pods stay available. */
  minAvailable?: IntOrString;
  /** At most this many (or this percent of the expected) selected pods may be unavailable. */
  maxUnavailable?: IntOrString;
  /** null selects no pods; `{}` selects every pod in the namespace. */
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicyType;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pod name → when the eviction subresource admitted its eviction (RFC 3339). */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  spec: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

/** The body of POST pods/NAME/eviction (policy/v1, also accepted as v1beta1). */
export interface Eviction {
  apiVersion?: string;
  kind?: 'Eviction';
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
}

/** The DisruptionAllowed condition type and its reasons (policy/v1). */
export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SYNC_FAILED_REASON = 'SyncFailed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
/** StatusCause type of an eviction refused by a budget. */
export const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
