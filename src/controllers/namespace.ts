// The namespace controller (kubernetes pkg/controller/namespace): makes sure
// the system namespaces exist, and finalizes a namespace being deleted —
// deletes every namespaced object in it, waits until none is left, then drops
// the `kubernetes` spec finalizer and removes the namespace for good.
import type { Api } from '../api/api.js';
import { setCondition } from '../api/conditions.js';
import { SYSTEM_NAMESPACES } from '../api/system-namespaces.js';
import { isStatusError } from '../api/errors.js';
import { clone, type Condition, type KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';

export { SYSTEM_NAMESPACES };
const SPEC_FINALIZER = 'kubernetes';
/** Re-check a terminating namespace this often even without events (pods finishing gracefully). */
const RECHECK_MS = 5_000;

export interface NamespaceControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

export function newNamespaceController(opts: NamespaceControllerOptions): Controller {
  const { api, clock } = opts;
  /** Every namespaced kind served now, custom kinds included (read per reconcile: CRDs come and go). */
  const namespacedKinds = () => api.kinds.all().filter((k) => k.namespaced && !k.virtual);

  const nsKeys = (ev: WatchEvent): string[] => [ev.object.metadata.name ?? ''];
  /** Anything leaving a terminating namespace may make it empty. */
  const contentKeys = (ev: WatchEvent): string[] => {
    const ns = ev.object.metadata.namespace;
    if (ev.type !== 'DELETED' || !ns || ev.object.kind === 'Namespace') return [];
    return api.get('Namespace', '', ns)?.metadata.deletionTimestamp ? [ns] : [];
  };

  const reconcile = async (name: string): Promise<ReconcileResult | void> => {
    const ns = api.get('Namespace', '', name);
    if (!ns) {
      if (SYSTEM_NAMESPACES.includes(name)) await ensureNamespace(api, name);
      return;
    }
    if (!ns.metadata.deletionTimestamp) {
      if (!ns.status?.phase) {
        await api.modify('Namespace', '', name, (o) => {
          o.status = { ...(o.status ?? {}), phase: 'Active' };
        }, { status: true });
      }
      return;
    }
    if (ns.status?.phase !== 'Terminating') {
      await api.modify('Namespace', '', name, (o) => {
        o.status = { ...(o.status ?? {}), phase: 'Terminating' };
      }, { status: true });
    }
    const deleteErrors: string[] = [];
    for (const { kind } of namespacedKinds()) {
      for (const obj of api.list(kind, { namespace: name }).items) {
        if (obj.metadata.deletionTimestamp) continue;
        const err = await deleteQuietly(api, obj);
        if (err) deleteErrors.push(err);
      }
    }
    // Objects that went at once are gone; what is left is waiting on grace periods or finalizers.
    const byResource = new Map<string, number>();
    const byFinalizer = new Map<string, number>();
    for (const info of namespacedKinds()) {
      const left = api.list(info.kind, { namespace: name }).items;
      if (!left.length) continue;
      byResource.set(`${info.plural}.${info.group}`, left.length);
      for (const o of left) for (const f of o.metadata.finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
    }
    await writeDeletionConditions(api, name, clock.now(), deleteErrors, byResource, byFinalizer);
    if (deleteErrors.length) throw new Error(`namespace ${name}: ${deleteErrors.join(', ')}`);
    if (byResource.size > 0) return { requeueAfterMs: RECHECK_MS };
    await finalize(api, ns);
  };

  return new Controller({
    name: 'namespace-controller',
    api,
    clock,
    workers: opts.workers,
    reconcile,
    watches: [
      { kind: 'Namespace', toKeys: nsKeys },
      { kind: '*', toKeys: contentKeys },
    ],
  });
}

/** Creates the namespace unless it exists (startup: default, kube-system, …). */
export async function ensureNamespace(api: Api, name: string): Promise<void> {
  try {
    await api.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      spec: { finalizers: [SPEC_FINALIZER] },
      status: { phase: 'Active' },
    });
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
  }
}

/** Deletes one object; returns the error message when it could not be deleted. */
async function deleteQuietly(api: Api, obj: KubeObject): Promise<string | undefined> {
  try {
    await api.delete(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '', { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) return (e as Error).message;
  }
  return undefined;
}

/** The deletion conditions as Kubernetes' namespace deleter writes them, with their "ok" variants. */
const OK_CONDITIONS: Record<string, [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};

async function writeDeletionConditions(
  api: Api,
  name: string,
  now: number,
  deleteErrors: string[],
  byResource: Map<string, number>,
  byFinalizer: Map<string, number>,
): Promise<void> {
  const failing = new Map<string, [string, string]>();
  if (deleteErrors.length) {
    failing.set('NamespaceDeletionContentFailure', [
      'ContentDeletionFailed',
      `Failed to delete all resource types, ${deleteErrors.length} remaining: ${[...deleteErrors].sort().join(', ')}`,
    ]);
  }
  if (byResource.size) {
    const parts = [...byResource].map(([r, n]) => `${r} has ${n} resource instances`).sort();
    failing.set('NamespaceContentRemaining', ['SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`]);
  }
  if (byFinalizer.size) {
    const parts = [...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    failing.set('NamespaceFinalizersRemaining', ['SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`]);
  }
  await api.modify('Namespace', '', name, (o) => {
    let conds = (o.status?.conditions ?? []) as Condition[];
    for (const [type, ok] of Object.entries(OK_CONDITIONS)) {
      const bad = failing.get(type);
      const want = { type, status: bad ? 'True' : 'False', reason: bad ? bad[0] : ok[0], message: bad ? bad[1] : ok[1] } as const;
      conds = setCondition(conds, want, now, { skipUnchanged: true });
    }
    o.status = { ...(o.status ?? {}), conditions: conds };
  }, { status: true });
}

/**
 * The finalize step: drop spec.finalizers' `kubernetes`, then remove the
 * namespace. Like Kubernetes' finalize subresource this writes the store
 * directly: an ordinary update would be re-defaulted to finalizers [kubernetes].
 */
async function finalize(api: Api, ns: KubeObject): Promise<void> {
  const name = ns.metadata.name ?? '';
  try {
    const cur = api.get('Namespace', '', name);
    if (!cur) return;
    const rest = ((cur.spec?.finalizers ?? []) as string[]).filter((x) => x !== SPEC_FINALIZER);
    const next = clone(cur);
    next.spec = { ...(next.spec ?? {}) };
    if (rest.length) next.spec.finalizers = rest;
    else delete next.spec.finalizers;
    const after = await api.store.update(next);
    if (rest.length) return; // another finalizer still has work to do
    if (api.get('Namespace', '', name)?.metadata.uid === after.metadata.uid) {
      await api.store.delete('Namespace', '', name, { gracePeriodSeconds: 0, preconditions: { uid: after.metadata.uid } });
    }
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}
