// The CustomResourceDefinition controller: apiextensions-apiserver's naming,
// establishing and finalizing controllers in one loop.
// - Names: a CRD's plural, singular and short names must be free in its group
//   (and must not shadow a built-in resource name); its kind must be free in
//   the whole registry, since kubeterm's store keys objects by kind. The
//   outcome is the NamesAccepted condition and status.acceptedNames.
// - Established: once the names are accepted the kind is registered (served
//   by the API, listed by discovery, known to the folder sync and the UI).
// - Deletion: the `customresourcecleanup.apiextensions.k8s.io` finalizer
//   holds the CRD until every custom resource of its kind is gone; then the
//   kind is unregistered and the CRD removed. Both steps are level-based, so a
//   kill -9 mid-deletion resumes on the next start.
import { CRD_CLEANUP_FINALIZER, type Api } from '../api/api.js';
import { setCondition } from '../api/conditions.js';
import { isStatusError } from '../api/errors.js';
import { kindFromCrd, requestedNames } from '../api/crd/kind-from-crd.js';
import { KINDS, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';

export { CRD_CLEANUP_FINALIZER };
const CRD = 'CustomResourceDefinition';
/** Re-check a terminating CRD this often while its custom resources finish (their own finalizers). */
const RECHECK_MS = 1_000;

interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface CrdControllerOptions {
  api: Api;
  clock: Clock;
}

function conditionsOf(crd: KubeObject): CrdCondition[] {
  const c = (crd.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as CrdCondition[]) : [];
}

export function crdCondition(crd: KubeObject, type: string): CrdCondition | undefined {
  return conditionsOf(crd).find((c) => c.type === type);
}

export function isEstablished(crd: KubeObject): boolean {
  return crdCondition(crd, 'Established')?.status === 'True';
}

/**
 * Why a CRD's names cannot be accepted, as the naming controller words it
 * (`"foos" is already in use`), or undefined when they are free.
 */
export function namesConflict(crd: KubeObject, others: readonly KubeObject[], builtins: readonly KindInfo[] = KINDS): { reason: string; message: string } | undefined {
  const want = requestedNames(crd);
  const group = (crd.spec as { group?: string } | undefined)?.group ?? '';
  const resources = new Set<string>();
  const kinds = new Map<string, string>();
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name) continue;
    const n = requestedNames(o);
    const accepted = (o.status as { acceptedNames?: { plural?: string } } | undefined)?.acceptedNames;
    if (!accepted?.plural) continue; // only names another CRD holds count
    const g = (o.spec as { group?: string } | undefined)?.group ?? '';
    if (g === group) for (const r of [n.plural, n.singular, ...n.shortNames]) resources.add(r);
    kinds.set(n.kind, `${o.metadata.name}`);
    if (g === group) kinds.set(n.listKind, `${o.metadata.name}`);
  }
  // A built-in's names are taken in every group: `kubectl get po` must stay unambiguous.
  for (const b of builtins) {
    for (const r of [b.plural, b.singular, ...b.shortNames]) resources.add(r);
    kinds.set(b.kind, `${b.plural}${b.group ? `.${b.group}` : ''} (built in)`);
  }
  const taken = (name: string) => `"${name}" is already in use`;
  if (resources.has(want.plural)) return { reason: 'PluralConflict', message: taken(want.plural) };
  if (resources.has(want.singular)) return { reason: 'SingularConflict', message: taken(want.singular) };
  const shorts = want.shortNames.filter((s) => resources.has(s));
  if (shorts.length) return { reason: 'ShortNamesConflict', message: shorts.map(taken).join(', ') };
  if (kinds.has(want.kind)) {
    return { reason: 'KindConflict', message: `${taken(want.kind)} by ${kinds.get(want.kind)} (kubeterm serves each kind name once, across groups)` };
  }
  if (kinds.has(want.listKind)) return { reason: 'ListKindConflict', message: taken(want.listKind) };
  return undefined;
}

/** Registers the kinds of every Established CRD in the store: an engine does this before anything serves requests. */
export function registerEstablishedCrds(api: Api): void {
  for (const crd of api.list(CRD).items) {
    if (!isEstablished(crd)) continue;
    try {
      api.kinds.register(kindFromCrd(crd));
    } catch {
      // A stored CRD whose kind became unservable (a built-in now has its name) is reported by reconcile.
    }
  }
}

function sameKind(a: KindInfo | undefined, b: KindInfo): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

export function newCrdController(opts: CrdControllerOptions): Controller {
  const { api, clock } = opts;

  /** The kind a CRD serves now, found by the CRD's name (its kind may have changed since). */
  const servedKindOf = (crdName: string): KindInfo | undefined => api.kinds.all().find((k) => k.custom?.crd === crdName);

  const writeStatus = async (name: string, mutate: (status: Record<string, unknown>) => void): Promise<void> => {
    await api.modify(CRD, '', name, (o) => {
      const status = { ...((o.status as Record<string, unknown> | undefined) ?? {}) };
      mutate(status);
      o.status = status;
    }, { status: true });
  };

  const finalize = async (crd: KubeObject): Promise<ReconcileResult | void> => {
    const name = crd.metadata.name ?? '';
    if (!crdCondition(crd, 'Terminating')) {
      await writeStatus(name, (s) => {
        s.conditions = setCondition(conditionsOf(crd), { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, clock.now());
      });
    }
    // Still serve the kind while its objects are deleted (a restart may not have registered it yet).
    let info = servedKindOf(name);
    if (!info && isEstablished(crd)) {
      try {
        api.kinds.register((info = kindFromCrd(crd)));
      } catch {
        info = undefined;
      }
    }
    if (info) {
      const items = api.list(info.kind).items;
      const failures: string[] = [];
      for (const item of items) {
        if (item.metadata.deletionTimestamp) continue;
        try {
          await api.delete(info.kind, item.metadata.namespace ?? '', item.metadata.name ?? '');
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) failures.push(`${item.metadata.namespace ? `${item.metadata.namespace}/` : ''}${item.metadata.name}: ${(e as Error).message}`);
        }
      }
      if (failures.length) {
        await writeStatus(name, (s) => {
          s.conditions = setCondition(conditionsOf(crd), { type: 'Terminating', status: 'True', reason: 'InstanceDeletionFailed', message: `could not delete instances: ${failures.join('; ')}` }, clock.now());
        });
        throw new Error(`CustomResourceDefinition ${name}: ${failures.join('; ')}`);
      }
      if (api.list(info.kind).items.length) return { requeueAfterMs: RECHECK_MS };
      api.kinds.unregister(info.kind);
    }
    await api.modify(CRD, '', name, (o) => {
      const f = (o.metadata.finalizers ?? []).filter((x) => x !== CRD_CLEANUP_FINALIZER);
      if (f.length) o.metadata.finalizers = f;
      else delete o.metadata.finalizers;
    });
  };

  const reconcile = async (name: string): Promise<ReconcileResult | void> => {
    const crd = api.get(CRD, '', name);
    if (!crd) {
      const gone = servedKindOf(name);
      if (gone) api.kinds.unregister(gone.kind);
      return;
    }
    if (crd.metadata.deletionTimestamp) return finalize(crd);
    if (!crd.metadata.finalizers?.includes(CRD_CLEANUP_FINALIZER)) {
      await api.modify(CRD, '', name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER];
      });
      return; // the write brings us back with the stored object
    }
    const want = requestedNames(crd);
    const status = (crd.status ?? {}) as { acceptedNames?: unknown; storedVersions?: string[] };
    // Names already accepted stay accepted (the naming controller skips a CRD whose spec and accepted names agree).
    const conflict = JSON.stringify(status.acceptedNames) === JSON.stringify(want) ? undefined : namesConflict(crd, api.list(CRD).items);
    const storage = ((crd.spec as { versions?: { name?: string; storage?: boolean }[] }).versions ?? []).find((v) => v.storage)?.name;
    const now = clock.now();
    let conditions = conditionsOf(crd);
    let acceptedNames = status.acceptedNames;
    if (conflict) {
      conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'False', ...conflict }, now);
      if (!isEstablished(crd)) conditions = setCondition(conditions, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
    } else {
      acceptedNames = { ...want };
      conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
      conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
    }
    const storedVersions = [...new Set([...(status.storedVersions ?? []), ...(storage ? [storage] : [])])];
    const next = { ...status, acceptedNames, conditions, storedVersions };
    if (JSON.stringify(next) !== JSON.stringify(crd.status ?? {})) {
      await writeStatus(name, (s) => Object.assign(s, next));
      return; // registered on the pass that sees the written status
    }
    if (!isEstablished(crd)) return;
    const info = kindFromCrd(crd);
    const served = servedKindOf(name);
    if (served && served.kind !== info.kind) api.kinds.unregister(served.kind);
    if (!sameKind(api.kinds.get(info.kind), info)) api.kinds.register(info);
  };

  /** A custom resource going away may let its terminating CRD finish. */
  const customKeys = (ev: WatchEvent): string[] => {
    if (ev.type !== 'DELETED') return [];
    const crdName = api.kinds.get(ev.object.kind)?.custom?.crd;
    return crdName && api.get(CRD, '', crdName)?.metadata.deletionTimestamp ? [crdName] : [];
  };
  /** A CRD coming or going may free or take names other CRDs of its group wait for. */
  const crdKeys = (ev: WatchEvent): string[] => {
    const group = (ev.object.spec as { group?: string } | undefined)?.group;
    const same = api.list(CRD).items.filter((o) => (o.spec as { group?: string } | undefined)?.group === group && o.metadata.name !== ev.object.metadata.name);
    return [ev.object.metadata.name ?? '', ...(ev.type === 'DELETED' ? same.map((o) => o.metadata.name ?? '') : [])];
  };

  return new Controller({
    name: 'crd-controller',
    api,
    clock,
    reconcile,
    watches: [
      { kind: CRD, toKeys: crdKeys },
      { kind: '*', toKeys: customKeys },
    ],
  });
}
