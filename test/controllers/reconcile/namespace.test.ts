// Namespace controller, one sync at a time (pkg/controller/namespace
// namespaced_resources_deleter_test.go): a missing system namespace is made;
// a terminating one has its content deleted, its conditions written, then is
// finalized and removed; an active one, or one still waiting on its content
// with nothing new to say, is not written.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newNamespaceController } from '../../../src/controllers/namespace.js';
import { create, del, expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, update, updateStatus } from './fixture.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
const pod = (name: string, namespace: string, nodeName?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'app', image: 'nginx:1.25' }] },
});

describe('namespace reconcile', () => {
  it('creates a missing system namespace', async () => {
    const f = newFixture();
    const c = newNamespaceController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'kube-system')).toEqual([create('namespaces', undefined, 'kube-system')]);
  });

  it('deletes the content of a terminating namespace, then finalizes and removes it', async () => {
    const f = newFixture();
    await f.seed(ns('team'), cm('settings', 'team'), pod('loose', 'team'));
    await f.api.delete('Namespace', '', 'team');
    const c = newNamespaceController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'team')).toEqual([
      del('configmaps', 'team', 'settings'),
      del('pods', 'team', 'loose'),
      updateStatus('namespaces', undefined, 'team'),
      update('namespaces', undefined, 'team'), // the finalize write: spec.finalizers loses `kubernetes`
      del('namespaces', undefined, 'team'),
    ]);
    expect(f.api.get('Namespace', '', 'team')).toBeUndefined();
  });

  it('does nothing to an active namespace', async () => {
    const { f, c } = await seededWith(newNamespaceController, ns('team'));
    await f.converge(c, 'team');
    await expectNoWritesNowOrLater(f, c, 'team');
  });

  it('does nothing more while a terminating namespace waits on a pod’s grace period', async () => {
    const f = newFixture();
    await f.seed(ns('team'), pod('running', 'team', 'node-1'));
    await f.api.delete('Namespace', '', 'team');
    const c = newNamespaceController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'team')).toEqual([del('pods', 'team', 'running'), updateStatus('namespaces', undefined, 'team')]);
    // The pod is marked and waits for its kubelet: the next sync has nothing to add.
    expect(await syncOnce(f, c, 'team')).toEqual([]);
  });

  it('does nothing more while content holds a finalizer of its own', async () => {
    const f = newFixture();
    await f.seed(ns('team'), { ...cm('held', 'team'), metadata: { name: 'held', namespace: 'team', finalizers: ['example.com/hold'] } });
    await f.api.delete('Namespace', '', 'team');
    const c = newNamespaceController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'team')).toEqual([del('configmaps', 'team', 'held'), updateStatus('namespaces', undefined, 'team')]);
    const conds = f.api.get('Namespace', '', 'team')?.status?.conditions as { type: string; status: string; message: string }[];
    expect(conds.find((x) => x.type === 'NamespaceFinalizersRemaining')).toMatchObject({ status: 'True', message: expect.stringContaining('example.com/hold in 1 resource instances') });
    for (let i = 0; i < 3; i++) {
      f.clock.advance(5_000); // the controller's recheck period
      expect(await syncOnce(f, c, 'team')).toEqual([]);
    }
  });
});
