import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { deployment, podsOf, setup } from './harness.js';

const count = (h: Awaited<ReturnType<typeof setup>>, kind: string, ns = 'default') => h.api.list(kind, { namespace: ns }).items.length;

describe('garbage collector', () => {
  it('background: deleting a Deployment removes its ReplicaSets and pods afterwards', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 3 }));
    await h.settle();
    expect(count(h, 'Pod')).toBe(3);
    await h.api.delete('Deployment', 'default', 'web');
    expect(h.api.get('Deployment', 'default', 'web')).toBeUndefined();
    await h.settle();
    expect(count(h, 'ReplicaSet')).toBe(0);
    expect(count(h, 'Pod')).toBe(0);
    await h.mgr.stop();
  });

  it('foreground: the owner stays (finalizer foregroundDeletion) until blocking dependents are gone', async () => {
    const h = await setup({ kubelet: { finishDeletes: false } });
    await h.api.create(deployment('web', { replicas: 2 }));
    await h.settle();
    await h.api.delete('Deployment', 'default', 'web', { propagationPolicy: 'Foreground' });
    await h.settle();
    const d = h.api.get('Deployment', 'default', 'web')!;
    expect(d.metadata.deletionTimestamp).toBeTruthy();
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    const rs = h.api.list('ReplicaSet', { namespace: 'default' }).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.finalizers).toContain('foregroundDeletion');
    // pods are Terminating (their kubelet has not finished): nothing new was created
    expect(podsOf(h.api).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    expect(podsOf(h.api)).toHaveLength(2);
    await h.kubelet.finishTerminating();
    await h.settle();
    expect(count(h, 'Pod')).toBe(0);
    expect(count(h, 'ReplicaSet')).toBe(0);
    expect(h.api.get('Deployment', 'default', 'web')).toBeUndefined();
    await h.mgr.stop();
  });

  it('orphan: dependents lose the ownerReference and stay; the owner goes', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 2 }));
    await h.settle();
    await h.api.delete('Deployment', 'default', 'web', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.api.get('Deployment', 'default', 'web')).toBeUndefined();
    const rs = h.api.list('ReplicaSet', { namespace: 'default' }).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
    expect(count(h, 'Pod')).toBe(2);
    // the orphaned ReplicaSet still does its job
    await h.api.scale('ReplicaSet', 'default', rs[0].metadata.name!, 3);
    await h.settle();
    expect(count(h, 'Pod')).toBe(3);
    await h.mgr.stop();
  });

  it('deletes dependents whose owner uid does not exist, drops only the dangling ref when another owner lives', async () => {
    const h = await setup();
    const owner = await h.api.create<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
    await h.api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orphaned', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'not-the-uid' }] },
    });
    await h.api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'two-owners',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: 'gone' },
        ],
      },
    });
    await h.settle();
    expect(h.api.get('ConfigMap', 'default', 'orphaned')).toBeUndefined();
    expect(h.api.get('ConfigMap', 'default', 'two-owners')!.metadata.ownerReferences!.map((r) => r.name)).toEqual(['owner']);
    await h.api.delete('ConfigMap', 'default', 'owner');
    await h.settle();
    expect(h.api.get('ConfigMap', 'default', 'two-owners')).toBeUndefined();
    await h.mgr.stop();
  });
});

describe('namespace controller', () => {
  it('creates the system namespaces on start', async () => {
    const h = await setup();
    const names = h.api.list('Namespace').items.map((n) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(h.api.get('Namespace', '', 'default')!.status?.phase).toBe('Active');
    await h.mgr.stop();
  });

  it('deleting a namespace deletes everything in it, then the namespace itself', async () => {
    const h = await setup({ kubelet: { finishDeletes: false } });
    await h.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await h.api.create({ ...deployment('web', { replicas: 2 }), metadata: { name: 'web', namespace: 'team' } });
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' }, data: { a: 'b' } });
    await h.settle();
    expect(count(h, 'Pod', 'team')).toBe(2);
    await h.api.delete('Namespace', '', 'team');
    await h.settle();
    const ns = h.api.get('Namespace', '', 'team')!;
    expect(ns.status!.phase).toBe('Terminating');
    const conds = Object.fromEntries(ns.status!.conditions!.map((c) => [c.type, c]));
    expect(conds.NamespaceContentRemaining).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 2 resource instances' });
    expect(conds.NamespaceDeletionContentFailure).toMatchObject({ status: 'False', reason: 'ContentDeleted' });
    expect(conds.NamespaceFinalizersRemaining).toMatchObject({ status: 'False', reason: 'ContentHasNoFinalizers' });
    // bound pods are still stopping: the namespace waits for them
    expect(count(h, 'Pod', 'team')).toBe(2);
    expect(count(h, 'Deployment', 'team') + count(h, 'ConfigMap', 'team') + count(h, 'ReplicaSet', 'team')).toBe(0);
    await expect(h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'team' } })).rejects.toThrow(/being terminated/);
    await h.kubelet.finishTerminating();
    await h.settle();
    expect(h.api.get('Namespace', '', 'team')).toBeUndefined();
    expect(h.api.list('*', { namespace: 'team' }).items).toHaveLength(0);
    await h.mgr.stop();
  });
});
