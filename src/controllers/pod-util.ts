// Pod predicates and orderings the workload controllers share, as
// kubernetes/pkg/controller (FilterActivePods, ActivePods) and
// pkg/api/v1/pod (IsPodReady, IsPodAvailable) define them.
import { findCondition, type KubeObject } from '../api/meta.js';

/** Not terminal and not being deleted: counts towards a controller's replicas. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: KubeObject): boolean {
  return findCondition<{ type: string; status: string }>(pod.status?.conditions, 'Ready')?.status === 'True';
}

/** When the pod last became Ready (ms since epoch), or undefined. */
export function readySince(pod: KubeObject): number | undefined {
  const c = findCondition<{ type: string; status: string; lastTransitionTime?: string }>(pod.status?.conditions, 'Ready');
  if (c?.status !== 'True') return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Ready for at least minReadySeconds at `now`. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const since = readySince(pod);
  if (since === undefined) return false;
  if (!minReadySeconds) return true;
  return since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a Ready pod becomes available (0 if it already is, undefined if not Ready). */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: number): number | undefined {
  const since = readySince(pod);
  if (since === undefined) return undefined;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

function restarts(pod: KubeObject): number {
  let max = 0;
  for (const cs of (pod.status?.containerStatuses ?? []) as { restartCount?: number }[]) max = Math.max(max, cs.restartCount ?? 0);
  return max;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function created(pod: KubeObject): number {
  return pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : 0;
}

/**
 * Kubernetes' ActivePods ordering, most deletable first: unassigned before
 * assigned, Pending < Unknown < Running, not ready before ready, ready for
 * less time before longer, more restarts before fewer, newer before older.
 */
export function compareForDeletion(a: KubeObject, b: KubeObject): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  const ap = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const bp = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (ap !== bp) return ap - bp;
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  if (ar && br) {
    const as = readySince(a) ?? 0;
    const bs = readySince(b) ?? 0;
    if (as !== bs) return bs - as; // became ready later = ready for less time = first
  }
  const ax = restarts(a);
  const bx = restarts(b);
  if (ax !== bx) return bx - ax;
  const ac = created(a);
  const bc = created(b);
  if (ac !== bc) return bc - ac;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
