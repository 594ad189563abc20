// The garbage collector (kubernetes pkg/controller/garbagecollector), level
// based: an object whose owners are all gone (by uid) is deleted in the
// background; an owner being deleted in the foreground (finalizer
// foregroundDeletion) has its dependents deleted first — blocking ones in the
// foreground too — and loses the finalizer once no blocking dependent is
// left; an owner being orphaned (finalizer orphan) has its ownerReferences
// removed from every dependent, then loses the finalizer.
//
// It keeps one derived index, rebuilt from the watch on start: owner uid →
// dependents, so finding the dependents of an owner does not scan the store.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject, OwnerReference } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

interface ObjRef {
  kind: string;
  namespace: string;
  name: string;
}

const keyOf = (r: ObjRef): string => `${r.kind}|${r.namespace}|${r.name}`;
function parseKey(k: string): ObjRef {
  const [kind, namespace, name] = k.split('|');
  return { kind, namespace, name };
}

export interface GarbageCollectorOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

export function newGarbageCollector(opts: GarbageCollectorOptions): Controller {
  const { api } = opts;
  /** owner uid → keys of objects that list it in ownerReferences. */
  const dependents = new Map<string, Set<string>>();
  /** uid → key, so a dependent's event can wake its owner. */
  const byUid = new Map<string, string>();

  const index = (obj: KubeObject, add: boolean): void => {
    const key = keyOf({ kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' });
    for (const r of obj.metadata.ownerReferences ?? []) {
      let s = dependents.get(r.uid);
      if (add) {
        if (!s) dependents.set(r.uid, (s = new Set()));
        s.add(key);
      } else if (s) {
        s.delete(key);
        if (!s.size) dependents.delete(r.uid);
      }
    }
    if (obj.metadata.uid) {
      if (add) byUid.set(obj.metadata.uid, key);
      else if (byUid.get(obj.metadata.uid) === key) byUid.delete(obj.metadata.uid);
    }
  };

  const toKeys = (ev: WatchEvent): string[] => {
    const obj = ev.object;
    if (ev.oldObject) index(ev.oldObject, false);
    index(obj, ev.type !== 'DELETED');
    const key = keyOf({ kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' });
    const keys = new Set<string>();
    if (ev.type !== 'DELETED') {
      if (obj.metadata.ownerReferences?.length) keys.add(key);
      if (obj.metadata.deletionTimestamp && hasGcFinalizer(obj)) keys.add(key);
    } else if (obj.metadata.uid) {
      // The owner is gone: its dependents must be looked at.
      for (const dep of dependents.get(obj.metadata.uid) ?? []) keys.add(dep);
      if (!dependents.get(obj.metadata.uid)?.size) dependents.delete(obj.metadata.uid);
    }
    // A dependent changed or left: an owner waiting in the foreground may be done.
    for (const r of [...(obj.metadata.ownerReferences ?? []), ...(ev.oldObject?.metadata.ownerReferences ?? [])]) {
      const ok = byUid.get(r.uid);
      if (ok) keys.add(ok);
    }
    return [...keys];
  };

  const reconcile = async (key: string): Promise<void> => {
    const ref = parseKey(key);
    const obj = api.get(ref.kind, ref.namespace, ref.name);
    if (!obj) return;
    if (obj.metadata.deletionTimestamp) {
      const f = obj.metadata.finalizers ?? [];
      if (f.includes(ORPHAN_FINALIZER)) await orphanDependents(obj);
      else if (f.includes(FOREGROUND_FINALIZER)) await deleteDependentsInForeground(obj);
      return;
    }
    await collectIfOwnersGone(obj);
  };

  const dependentsOf = (owner: KubeObject): KubeObject[] => {
    const out: KubeObject[] = [];
    for (const k of dependents.get(owner.metadata.uid ?? '') ?? []) {
      const r = parseKey(k);
      const o = api.get(r.kind, r.namespace, r.name);
      if (o?.metadata.ownerReferences?.some((x) => x.uid === owner.metadata.uid)) out.push(o);
    }
    return out;
  };

  const orphanDependents = async (owner: KubeObject): Promise<void> => {
    const uid = owner.metadata.uid;
    for (const dep of dependentsOf(owner)) {
      await ignoreNotFound(
        api.modify(dep.kind, dep.metadata.namespace ?? '', dep.metadata.name ?? '', (o) => {
          const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (refs.length) o.metadata.ownerReferences = refs;
          else delete o.metadata.ownerReferences;
        }),
      );
    }
    await removeFinalizer(owner, ORPHAN_FINALIZER);
  };

  const deleteDependentsInForeground = async (owner: KubeObject): Promise<void> => {
    const uid = owner.metadata.uid;
    let blocking = 0;
    for (const dep of dependentsOf(owner)) {
      const r = dep.metadata.ownerReferences!.find((x) => x.uid === uid)!;
      if (r.blockOwnerDeletion) blocking++;
      if (dep.metadata.deletionTimestamp) continue;
      await ignoreNotFound(
        api.delete(dep.kind, dep.metadata.namespace ?? '', dep.metadata.name ?? '', {
          propagationPolicy: r.blockOwnerDeletion ? 'Foreground' : 'Background',
        }),
      );
    }
    // Pods stopped gracefully, or dependents with their own dependents, come back through their events.
    if (blocking === 0) await removeFinalizer(owner, FOREGROUND_FINALIZER);
  };

  const removeFinalizer = async (obj: KubeObject, finalizer: string): Promise<void> => {
    await ignoreNotFound(
      api.modify(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '', (o) => {
        if (o.metadata.uid !== obj.metadata.uid) return undefined;
        const f = (o.metadata.finalizers ?? []).filter((x) => x !== finalizer);
        if (f.length) o.metadata.finalizers = f;
        else delete o.metadata.finalizers;
      }),
    );
  };

  /** An owner reference is dangling when no object of that kind and name has that uid. */
  const ownerState = (dep: KubeObject, r: OwnerReference): 'absent' | 'waiting' | 'present' | 'unknown' => {
    const info = api.kinds.get(r.kind); // custom kinds too, while their CRD is served
    if (!info) return 'unknown';
    const owner = api.get(r.kind, info.namespaced ? dep.metadata.namespace ?? '' : '', r.name);
    if (!owner || owner.metadata.uid !== r.uid) return 'absent';
    if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) return 'waiting';
    return 'present';
  };

  const collectIfOwnersGone = async (obj: KubeObject): Promise<void> => {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const states = refs.map((r) => ownerState(obj, r));
    if (states.some((s) => s === 'present' || s === 'unknown')) {
      // Solid owners remain: only drop references to owners that are gone.
      if (states.includes('absent')) {
        const gone = new Set(refs.filter((_, i) => states[i] === 'absent').map((r) => r.uid));
        await ignoreNotFound(
          api.modify(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '', (o) => {
            o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => !gone.has(r.uid));
          }),
        );
      }
      return;
    }
    // Every owner is gone or being deleted in the foreground: delete; foreground when one waits on us.
    const foreground = refs.some((r, i) => states[i] === 'waiting' && r.blockOwnerDeletion);
    await ignoreNotFound(
      api.delete(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '', {
        propagationPolicy: foreground ? 'Foreground' : 'Background',
      }),
    );
  };

  return new Controller({
    name: 'garbage-collector',
    api,
    clock: opts.clock,
    workers: opts.workers,
    reconcile,
    watches: [{ kind: '*', toKeys }],
  });
}

function hasGcFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata.finalizers ?? [];
  return f.includes(FOREGROUND_FINALIZER) || f.includes(ORPHAN_FINALIZER);
}

async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return undefined;
    throw e;
  }
}
