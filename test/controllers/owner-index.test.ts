// OwnerIndex: pods grouped by their controller's uid (and orphans by
// namespace), kept in step with the store through the watch. It must agree
// with a scan of the store after every kind of change, since the ReplicaSet
// controller decides how many pods to create or delete from it.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject, OwnerReference } from '../../src/api/meta.js';
import { OwnerIndex, sharedOwnerIndex } from '../../src/controllers/owner-index.js';
import { MemoryStore } from '../../state/store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function setup() {
  const store = new MemoryStore({ now: () => T0 });
  const api = new Api({ store, now: () => T0 });
  return { store, api };
}

function owner(uid: string, name = `rs-${uid}`): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true };
}

function pod(name: string, ns = 'default', refs?: OwnerReference[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...(refs ? { ownerReferences: refs } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name);

describe('OwnerIndex', () => {
  it('sees the objects that existed before its first use, sorted by name', async () => {
    const { api } = setup();
    await api.create(pod('b', 'default', [owner('u1')]));
    await api.create(pod('a', 'default', [owner('u1')]));
    await api.create(pod('c', 'default', [owner('u2')]));
    await api.create(pod('o1'));
    const idx = new OwnerIndex(api, 'Pod');
    expect(names(idx.owned('u1', 'default'))).toEqual(['a', 'b']);
    expect(names(idx.owned('u2', 'default'))).toEqual(['c']);
    expect(names(idx.orphans('default'))).toEqual(['o1']);
    expect(idx.owned(undefined, 'default')).toEqual([]);
    idx.stop();
  });

  it('follows creates, adoption, release, deletes and namespaces as they happen', async () => {
    const { api } = setup();
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const idx = new OwnerIndex(api, 'Pod');
    expect(idx.owned('u1', 'default')).toEqual([]);
    await api.create(pod('p1'));
    await api.create(pod('p2', 'default', [owner('u1')]));
    await api.create(pod('p3', 'other', [owner('u1')]));
    expect(names(idx.orphans('default'))).toEqual(['p1']);
    expect(names(idx.owned('u1', 'default'))).toEqual(['p2']);
    expect(names(idx.owned('u1', 'other'))).toEqual(['p3']);

    // Adopt p1: it moves from the orphans to u1.
    await api.modify('Pod', 'default', 'p1', (p) => {
      p.metadata.ownerReferences = [owner('u1')];
    });
    expect(names(idx.orphans('default'))).toEqual([]);
    expect(names(idx.owned('u1', 'default'))).toEqual(['p1', 'p2']);
    // The index hands out the store's current object.
    expect(idx.owned('u1', 'default')[0]).toBe(api.get('Pod', 'default', 'p1'));

    // Release p2 (ownerReferences removed): an orphan again.
    await api.modify('Pod', 'default', 'p2', (p) => {
      delete p.metadata.ownerReferences;
    });
    expect(names(idx.owned('u1', 'default'))).toEqual(['p1']);
    expect(names(idx.orphans('default'))).toEqual(['p2']);

    // A non-controller reference does not make a pod owned.
    await api.create(pod('p4', 'default', [{ ...owner('u9'), controller: false }]));
    expect(names(idx.orphans('default'))).toEqual(['p2', 'p4']);

    // Deleted (an unbound pod goes at once): gone from the index.
    await api.delete('Pod', 'default', 'p1');
    expect(api.get('Pod', 'default', 'p1')).toBeUndefined();
    expect(idx.owned('u1', 'default')).toEqual([]);
    idx.stop();
  });

  it('stop() releases the watch; the next use starts afresh from the store', async () => {
    const { api, store } = setup();
    const idx = new OwnerIndex(api, 'Pod');
    await api.create(pod('p1', 'default', [owner('u1')]));
    const watchers = store.watcherCount();
    expect(names(idx.owned('u1', 'default'))).toEqual(['p1']);
    expect(store.watcherCount()).toBe(watchers + 1);
    idx.stop();
    expect(store.watcherCount()).toBe(watchers);
    await api.create(pod('p2', 'default', [owner('u1')]));
    expect(names(idx.owned('u1', 'default'))).toEqual(['p1', 'p2']);
    idx.stop();
  });

  it('sharedOwnerIndex: controllers on one Api share one watch, released by the last of them', async () => {
    const { api, store } = setup();
    await api.create(pod('p1', 'default', [owner('u1')]));
    const base = store.watcherCount();
    const rs = sharedOwnerIndex(api, 'Pod');
    const job = sharedOwnerIndex(api, 'Pod');
    expect(names(rs.owned('u1', 'default'))).toEqual(['p1']);
    expect(names(job.owned('u1', 'default'))).toEqual(['p1']);
    expect(store.watcherCount()).toBe(base + 1);
    rs.stop();
    rs.stop(); // twice is once
    await api.create(pod('p2', 'default', [owner('u1')]));
    expect(names(job.owned('u1', 'default'))).toEqual(['p1', 'p2']);
    expect(store.watcherCount()).toBe(base + 1);
    job.stop();
    expect(store.watcherCount()).toBe(base);
    // Another Api (another engine) never sees this one's objects.
    const other = setup();
    expect(sharedOwnerIndex(other.api, 'Pod').owned('u1', 'default')).toEqual([]);
  });
});
