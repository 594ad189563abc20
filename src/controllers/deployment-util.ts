// Pure helpers of the Deployment controller, after kubernetes
// pkg/controller/deployment/util: surge/unavailable fenceposts, replica sums,
// orderings, annotations and the Deployment conditions.
import {
  ANNOTATIONS_TO_SKIP,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  revisionOf,
} from '../api/rollout.js';
import type { Condition } from '../api/meta.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../api/types/apps.js';
import type { IntOrString } from '../api/types/pod.js';
import { rfc3339 } from '../api/time.js';
import { setCondition as setStatusCondition } from '../api/conditions.js';

export const MAX_INT32 = 2147483647;
/** Kubernetes keeps the revision-history annotation under this many characters. */
const MAX_REV_HISTORY_LENGTH = 2000;

export function replicasOf(o: { spec?: { replicas?: number } }): number {
  return o.spec?.replicas ?? 1;
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean, dflt: IntOrString): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x.trim());
  if (!m) {
    const n = Number(x);
    return Number.isFinite(n) ? n : 0;
  }
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 → unavailable 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = replicasOf(d);
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true, '25%');
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

export const specReplicas = (rss: (ReplicaSet | undefined)[]): number => rss.reduce((s, r) => s + (r ? replicasOf(r) : 0), 0);
export const actualReplicas = (rss: (ReplicaSet | undefined)[]): number => rss.reduce((s, r) => s + (r?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: (ReplicaSet | undefined)[]): number => rss.reduce((s, r) => s + (r?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: (ReplicaSet | undefined)[]): number => rss.reduce((s, r) => s + (r?.status?.availableReplicas ?? 0), 0);

export function filterActive(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((r): r is ReplicaSet => !!r && replicasOf(r) > 0);
}

function createdMs(r: ReplicaSet): number {
  return r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return createdMs(a) - createdMs(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** ReplicaSetsByRevision: lowest revision first, ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Larger first; equal sizes: newer first (scale up) or older first (scale down). */
export function bySize(newerFirst: boolean) {
  return (a: ReplicaSet, b: ReplicaSet): number => {
    const d = replicasOf(b) - replicasOf(a);
    if (d) return d;
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, r) => Math.max(m, revisionOf(r)), 0);
}

function intAnnotation(r: ReplicaSet, key: string): number | undefined {
  const v = r.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

export const desiredReplicasAnnotation = (r: ReplicaSet) => intAnnotation(r, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (r: ReplicaSet) => intAnnotation(r, MAX_REPLICAS_ANNOTATION);

/** SetReplicasAnnotations on a private copy; true when something changed. */
export function setReplicasAnnotations(r: ReplicaSet, desired: number, max: number): boolean {
  const a = (r.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(r: ReplicaSet, desired: number, max: number): boolean {
  const a = r.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations on a private copy: copies the Deployment's
 * annotations (change-cause …), raises the revision to `newRevision` keeping
 * the old one in revision-history, and for a new ReplicaSet sets the replica
 * annotations. True when something changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k)) continue;
    if (a[k] !== v) {
      a[k] = v;
      changed = true;
    }
  }
  const oldRevision = a[REVISION_ANNOTATION];
  const oldRev = oldRevision === undefined ? 0 : Number(oldRevision);
  if (oldRevision !== undefined && !Number.isInteger(oldRev)) return changed;
  if (oldRev < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const hist = a[REVISION_HISTORY_ANNOTATION];
      let next = hist ? `${hist},${oldRevision}` : oldRevision;
      while (next.length > MAX_REV_HISTORY_LENGTH && next.includes(',')) next = next.slice(next.indexOf(',') + 1);
      a[REVISION_HISTORY_ANNOTATION] = next;
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds ?? 600;
  return p !== MAX_INT32;
}

export function progressDeadlineMs(d: Deployment): number {
  return (d.spec.progressDeadlineSeconds ?? 600) * 1000;
}

export function getCondition(s: DeploymentStatus | undefined, type: string): Condition | undefined {
  return s?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** SetDeploymentCondition: no-op when status and reason are unchanged; keeps lastTransitionTime when status is. */
export function setCondition(s: DeploymentStatus, c: Condition, now: number): void {
  s.conditions = setStatusCondition(s.conditions, c, now, { skipUnchanged: true, ignoreMessage: true, moveToEnd: true });
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (!s.conditions) return;
  s.conditions = s.conditions.filter((c) => c.type !== type);
}

/** DeploymentComplete: every replica updated and available, and the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === n &&
    (s.replicas ?? 0) === n &&
    (s.availableReplicas ?? 0) === n &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition has not moved for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + progressDeadlineMs(d) < now;
}

/**
 * getReplicaSetFraction: how many replicas this ReplicaSet gains or loses when
 * the Deployment is scaled mid-rollout (proportional scaling).
 */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (!annotated) return 0;
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return roundHalfAwayFromZero(size) - replicasOf(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** IsSaturated: the new ReplicaSet runs every desired replica, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const n = replicasOf(d);
  return desiredReplicasAnnotation(rs) === n && replicasOf(rs) === n && (rs.status?.availableReplicas ?? 0) === n;
}
