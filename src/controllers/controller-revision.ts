// ControllerRevisions as the DaemonSet and StatefulSet controllers keep them
// (pkg/controller/history): one per distinct pod template, named
// <owner>-<hash>, holding a patch that restores the template, with a
// revision number that grows each time a template becomes current again, and
// the oldest unused ones pruned to revisionHistoryLimit.
import { ownerRef, type Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { controllerRevisionHash } from '../api/hash.js';
import { clone, controllerRef, type KubeObject } from '../api/meta.js';
import type { ControllerRevision } from '../api/types/apps.js';
import { normalizeTemplate } from './template-hash.js';

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** The patch stored in a revision: `{spec: {template: {..., $patch: replace}}}` (getPatch). */
export function revisionData(owner: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...clone(owner.spec.template), $patch: 'replace' } } };
}

/** The hash of the owner's current template (controller-revision-hash label value). */
export function templateRevisionHash(owner: KubeObject): string {
  return controllerRevisionHash(normalizeTemplate(owner.spec.template), owner.status?.collisionCount);
}

export function ownedRevisions(api: Api, owner: KubeObject): ControllerRevision[] {
  const uid = owner.metadata.uid;
  return api
    .list('ControllerRevision', { namespace: owner.metadata.namespace, filter: (r) => controllerRef(r)?.uid === uid })
    .items.sort((a, b) => a.revision - b.revision || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

function sameTemplate(r: ControllerRevision, owner: KubeObject): boolean {
  const t = (r.data as { spec?: { template?: unknown } } | undefined)?.spec?.template as Record<string, unknown> | undefined;
  if (!t) return false;
  const rest = { ...t };
  delete rest.$patch;
  return JSON.stringify(normalizeTemplate(rest as never)) === JSON.stringify(normalizeTemplate(owner.spec.template));
}

/**
 * Ensures a revision for the owner's current template exists and is the
 * newest, returning it with its hash. Revisions of other templates are left
 * for cleanup.
 */
export async function ensureCurrentRevision(api: Api, owner: KubeObject): Promise<{ revision: ControllerRevision; hash: string; all: ControllerRevision[] }> {
  const all = ownedRevisions(api, owner);
  const max = all.reduce((m, r) => Math.max(m, r.revision), 0);
  const hash = templateRevisionHash(owner);
  const existing = all.find((r) => r.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash && sameTemplate(r, owner)) ?? all.find((r) => sameTemplate(r, owner));
  if (existing) {
    if (existing.revision === max) return { revision: existing, hash: existing.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? hash, all };
    const updated = (await api.modify<ControllerRevision>('ControllerRevision', existing.metadata.namespace ?? '', existing.metadata.name ?? '', (r) => {
      r.revision = max + 1;
    }))!;
    return { revision: updated, hash: updated.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? hash, all: ownedRevisions(api, owner) };
  }
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash },
      ownerReferences: [ownerRef(owner)],
    },
    data: revisionData(owner),
    revision: max + 1,
  };
  try {
    const created = await api.create(rev);
    return { revision: created, hash, all: ownedRevisions(api, owner) };
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
    // A hash collision with a revision of another template: bump collisionCount and let the next sync retry.
    await api.modify(owner.kind, owner.metadata.namespace ?? '', owner.metadata.name ?? '', (o) => {
      o.status = { ...(o.status ?? {}), collisionCount: (o.status?.collisionCount ?? 0) + 1 };
    }, { status: true });
    throw new Error(`controller revision ${rev.metadata.name} already exists for another template; collisionCount bumped`, { cause: e });
  }
}

/** Deletes the oldest revisions no live pod uses, keeping revisionHistoryLimit (default 10) of them. */
export async function truncateHistory(api: Api, owner: KubeObject, liveHashes: Set<string>, current: string): Promise<void> {
  const limit = owner.spec.revisionHistoryLimit ?? 10;
  const history = ownedRevisions(api, owner).filter((r) => {
    const h = r.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';
    return h !== current && !liveHashes.has(h);
  });
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    try {
      await api.delete('ControllerRevision', r.metadata.namespace ?? '', r.metadata.name ?? '');
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
