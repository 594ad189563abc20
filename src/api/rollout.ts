// Rollout history, rollback and restart as kubectl computes them, written as
// pure functions over a Deployment and its ReplicaSets so the embedded engine
// and the remote (kubeconfig) client give the same answers. The Deployment
// controller shares the annotation names and revision parsing.
import { StatusError } from './errors.js';
import type { KubeObject } from './meta.js';
import { rfc3339 } from './time.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * Deployment annotations that are not copied to its ReplicaSets (and that a
 * rollback leaves on the Deployment), as Kubernetes' annotationsToSkip.
 */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** The ReplicaSet's revision number; 0 when absent or not a number (as kubectl treats it). */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export interface HistoryEntry {
  revision: number;
  changeCause?: string;
  rsName: string;
  images: string[];
}

/** ReplicaSets controlled by the Deployment (ownerReference with controller: true and its uid). */
export function ownedReplicaSets(deploy: KubeObject, replicaSets: readonly KubeObject[]): KubeObject[] {
  return replicaSets.filter((rs) =>
    rs.metadata.ownerReferences?.some((r) => r.controller && (r.uid === deploy.metadata.uid || (!deploy.metadata.uid && r.name === deploy.metadata.name && r.kind === 'Deployment'))),
  );
}

/** `kubectl rollout history`: one entry per revision, oldest first. */
export function rolloutHistory(deploy: KubeObject, replicaSets: readonly KubeObject[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const rs of ownedReplicaSets(deploy, replicaSets)) {
    const revision = revisionOf(rs);
    if (!revision) continue;
    const containers: { image?: string }[] = rs.spec?.template?.spec?.containers ?? [];
    out.push({
      revision,
      changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
      rsName: rs.metadata.name ?? '',
      images: containers.map((c) => c.image ?? ''),
    });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

export interface RollbackPlan {
  /** The template to write to spec.template (pod-template-hash removed). */
  template: any;
  /** The annotations the Deployment gets (kubectl replaces /metadata/annotations with these). */
  annotations: Record<string, string>;
  /** Revision now current, and revision rolled back to. */
  from: number;
  to: number;
  rsName: string;
  /** True when the current template already matches the target (kubectl: "skipped rollback"). */
  skipped: boolean;
  /** The JSON patch kubectl sends. */
  patch: { op: 'replace'; path: string; value: unknown }[];
}

function badRollback(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/**
 * `kubectl rollout undo [--to-revision=N]`: the old ReplicaSet's template
 * (minus pod-template-hash) and the annotations to carry, or a BadRequest
 * StatusError in kubectl's words. toRevision 0/undefined means the previous one.
 */
export function rollbackTemplate(deploy: KubeObject, replicaSets: readonly KubeObject[], toRevision?: number): RollbackPlan {
  const name = deploy.metadata.name ?? '';
  if (deploy.spec?.paused) {
    throw badRollback(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`);
  }
  const owned = ownedReplicaSets(deploy, replicaSets);
  let target: KubeObject | undefined;
  let latest: KubeObject | undefined;
  let latestRev = -1;
  let previousRev = -1;
  for (const rs of owned) {
    const v = revisionOf(rs);
    if (!v && rs.metadata.annotations?.[REVISION_ANNOTATION] === undefined) continue;
    if (toRevision) {
      if (v === toRevision) target = rs;
    } else if (latestRev < v) {
      previousRev = latestRev;
      target = latest;
      latestRev = v;
      latest = rs;
    } else if (previousRev < v) {
      previousRev = v;
      target = rs;
    }
  }
  if (toRevision && !target) throw badRollback(`unable to find specified revision ${toRevision} in history`);
  if (!target) throw badRollback(`no rollout history found for deployment "${name}"`);

  const from = revisionOf(deploy) || Math.max(0, ...owned.map(revisionOf));
  const template = JSON.parse(JSON.stringify(target.spec?.template ?? {}));
  if (template.metadata?.labels) {
    delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  const annotations: Record<string, string> = {};
  for (const k of ANNOTATIONS_TO_SKIP) {
    const v = deploy.metadata.annotations?.[k];
    if (v !== undefined) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  }
  const skipped = sameTemplate(template, deploy.spec?.template);
  return {
    template,
    annotations,
    from,
    to: revisionOf(target),
    rsName: target.metadata.name ?? '',
    skipped,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/** kubectl's output line for a rollback. */
export function rollbackMessage(kindResource: string, name: string, plan: RollbackPlan): string {
  return plan.skipped
    ? `${kindResource}/${name} skipped rollback (current template already matches revision ${plan.to})`
    : `${kindResource}/${name} rolled back`;
}

/** `kubectl rollout restart`: the strategic-merge patch that stamps the template. */
export function restartPatch(now: Date | number): { spec: { template: { metadata: { annotations: Record<string, string> } } } } {
  const iso = rfc3339(new Date(now).getTime());
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: iso } } } } };
}

// Template comparison ignoring the hash label and empty values, good enough
// for "already matches" (the controller does the defaulted comparison).
function sameTemplate(a: unknown, b: unknown): boolean {
  return canonical(strip(a)) === canonical(strip(b));
}

function strip(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) {
    const a = v.map((x) => strip(x)).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (key === 'labels' && k === POD_TEMPLATE_HASH_LABEL) continue;
      if (k === 'creationTimestamp') continue;
      const p = strip(x, k);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}
