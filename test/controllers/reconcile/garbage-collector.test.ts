// Garbage collector, one sync at a time (pkg/controller/garbagecollector
// garbagecollector_test.go: TestOrphaning, TestDeleteOwnerRefPatch,
// TestAttemptToDeleteItem): a dependent whose owners are gone is deleted; a
// dangling reference beside a live owner is dropped; an owner deleted in the
// foreground deletes its dependents, then loses its finalizer; an orphaning
// owner frees its dependents, then loses its finalizer.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newGarbageCollector } from '../../../src/controllers/garbage-collector.js';
import { del, newFixture, seededWith, syncOnce, update } from './fixture.js';

const cm = (name: string, owners: KubeObject[] = [], block = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'default',
    ...(owners.length
      ? { ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) })) }
      : {}),
  },
  data: {},
});
const ghost = { metadata: { name: 'ghost', uid: 'no-such-uid' } } as KubeObject;
const key = (name: string) => `ConfigMap|default|${name}`;

/** An owner with dependents a and b, the collector's index warmed, then the owner deleted with `propagationPolicy`. */
async function ownerDeleted(propagationPolicy: 'Foreground' | 'Orphan') {
  const f = newFixture();
  const [owner] = await f.seed(cm('owner'));
  await f.seed(cm('a', [owner]), cm('b', [owner]));
  const gc = newGarbageCollector({ api: f.api, clock: f.clock });
  await f.warm(gc);
  await f.api.delete('ConfigMap', 'default', 'owner', { propagationPolicy });
  return { f, gc };
}

describe('garbage-collector reconcile', () => {
  it('deletes a dependent whose only owner is gone', async () => {
    const { f, c: gc } = await seededWith(newGarbageCollector, cm('orphaned', [ghost]));
    expect(await syncOnce(f, gc, key('orphaned'))).toEqual([del('configmaps', 'default', 'orphaned')]);
  });

  it('drops the dangling reference of a dependent that still has a live owner', async () => {
    const f = newFixture();
    const [owner] = await f.seed(cm('owner'));
    await f.seed(cm('dep', [owner, ghost]));
    const gc = newGarbageCollector({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, gc, key('dep'))).toEqual([update('configmaps', 'default', 'dep')]);
    expect(f.api.get('ConfigMap', 'default', 'dep')?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['owner']);
  });

  it('deletes the dependents of an owner deleted in the foreground, then removes its finalizer', async () => {
    const { f, gc } = await ownerDeleted('Foreground');
    expect(await syncOnce(f, gc, key('owner'))).toEqual([
      del('configmaps', 'default', 'a'),
      del('configmaps', 'default', 'b'),
      update('configmaps', 'default', 'owner'),
    ]);
    expect(f.api.get('ConfigMap', 'default', 'owner')).toBeUndefined();
  });

  it('orphans the dependents of an owner deleted with propagationPolicy Orphan, then removes its finalizer', async () => {
    const { f, gc } = await ownerDeleted('Orphan');
    expect(await syncOnce(f, gc, key('owner'))).toEqual([
      update('configmaps', 'default', 'a'),
      update('configmaps', 'default', 'b'),
      update('configmaps', 'default', 'owner'),
    ]);
    expect(f.api.get('ConfigMap', 'default', 'a')?.metadata.ownerReferences).toBeUndefined();
  });

  it('does nothing to a dependent whose owner is alive', async () => {
    const f = newFixture();
    const [owner] = await f.seed(cm('owner'));
    await f.seed(cm('dep', [owner]));
    const gc = newGarbageCollector({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, gc, key('dep'))).toEqual([]);
  });

  it('does nothing more while a foreground owner waits on a blocking dependent', async () => {
    const f = newFixture();
    const [owner] = await f.seed(cm('owner'));
    await f.seed(cm('blocker', [owner], true));
    // The blocker cannot finish yet: it holds a finalizer of its own.
    await f.api.modify('ConfigMap', 'default', 'blocker', (o) => {
      o.metadata.finalizers = ['example.com/hold'];
    });
    const gc = newGarbageCollector({ api: f.api, clock: f.clock });
    await f.warm(gc);
    await f.api.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Foreground' });
    expect(await syncOnce(f, gc, key('owner'))).toEqual([del('configmaps', 'default', 'blocker')]);
    expect(await syncOnce(f, gc, key('owner'))).toEqual([]);
    expect(f.api.get('ConfigMap', 'default', 'owner')?.metadata.finalizers).toEqual(['foregroundDeletion']);
  });
});
