// Rollout history of a Deployment, computed as `kubectl rollout history` does:
// the ReplicaSets it controls, each carrying deployment.kubernetes.io/revision.
// `undo` goes to the newest revision below the current one unless told which.
import { controllerRef, type KubeObject } from '../../src/api/meta.js';
import type { Deployment, ReplicaSet } from '../../src/api/types/index.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export interface Revision {
  revision: number;
  replicaSet: string;
  images: string[];
  changeCause?: string;
  replicas: number;
  created?: string;
}

function revisionOf(obj: KubeObject): number {
  const v = Number(obj.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(v) ? v : 0;
}

/** Revisions oldest first. */
export function deploymentRevisions(deploy: KubeObject, replicaSets: readonly KubeObject[]): Revision[] {
  const uid = deploy.metadata.uid;
  const out: Revision[] = [];
  for (const rs of replicaSets as ReplicaSet[]) {
    if (rs.metadata.namespace !== deploy.metadata.namespace) continue;
    const ref = controllerRef(rs);
    if (!ref || ref.kind !== 'Deployment' || (uid ? ref.uid !== uid : ref.name !== deploy.metadata.name)) continue;
    const rev = revisionOf(rs);
    if (!rev) continue;
    out.push({
      revision: rev,
      replicaSet: rs.metadata.name ?? '',
      images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
      replicas: rs.status?.replicas ?? 0,
      created: rs.metadata.creationTimestamp,
    });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

export function currentRevision(deploy: KubeObject, revisions: readonly Revision[]): number {
  const fromAnnotation = revisionOf(deploy);
  if (fromAnnotation) return fromAnnotation;
  return revisions.length ? revisions[revisions.length - 1].revision : 0;
}

export type RollbackPlan = { ok: true; from: Revision | { revision: number; images: string[] }; to: Revision } | { ok: false; error: string };

export function rollbackPlan(deploy: KubeObject, replicaSets: readonly KubeObject[], toRevision?: number): RollbackPlan {
  const revs = deploymentRevisions(deploy, replicaSets);
  const cur = currentRevision(deploy, revs);
  const name = deploy.metadata.name;
  const from = revs.find((r) => r.revision === cur) ?? {
    revision: cur,
    images: ((deploy as Deployment).spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
  };
  if (toRevision !== undefined) {
    const to = revs.find((r) => r.revision === toRevision);
    if (!to) return { ok: false, error: `unable to find specified revision ${toRevision} in history` };
    if (to.revision === cur) return { ok: false, error: `deployment "${name}" is already at revision ${cur}` };
    return { ok: true, from, to };
  }
  const older = revs.filter((r) => r.revision < cur);
  if (!older.length) return { ok: false, error: `no rollout history found for deployment "${name}"` };
  return { ok: true, from, to: older[older.length - 1] };
}
