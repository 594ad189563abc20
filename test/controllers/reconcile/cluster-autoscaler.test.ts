// Cluster autoscaler, one scan at a time (kubernetes/autoscaler
// cluster-autoscaler static_autoscaler_test.go: TestStaticAutoscalerRunOnce):
// an Unschedulable pod adds a node of a pool that fits it; a node under the
// utilization threshold for scaleDownUnneeded is cordoned and drained, then
// removed; a cluster where everything fits and everything is used is not written.
import { describe, expect, it } from 'vitest';
import { ownerRef } from '../../../src/api/api.js';
import type { KubeObject } from '../../../src/api/meta.js';
import { NODE_POOL_LABEL, newClusterAutoscaler, type NodePool } from '../../../src/controllers/cluster-autoscaler.js';
import { replicaSet } from '../harness.js';
import { create, del, newFixture, syncOnce, update, updateStatus, type Fixture } from './fixture.js';

const pool: NodePool = { name: 'small', min: 1, max: 3, cpu: '2', memory: '4Gi', pods: 110 };
const KEY = 'cluster';

const node = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { [NODE_POOL_LABEL]: pool.name } },
  status: { allocatable: { cpu: pool.cpu, memory: pool.memory, pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

function podOn(name: string, cpu: string, o: { nodeName?: string; owner?: KubeObject } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}) },
    spec: { ...(o.nodeName ? { nodeName: o.nodeName } : {}), containers: [{ name: 'c', image: 'x', resources: { requests: { cpu, memory: '256Mi' } } }] },
  };
}

async function markUnschedulable(f: Fixture, name: string): Promise<void> {
  await f.api.modify('Pod', 'default', name, (p) => {
    p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }] };
  }, { status: true });
  f.clear();
}

function autoscaler(f: Fixture) {
  let n = 0;
  return newClusterAutoscaler({
    api: f.api,
    clock: f.clock,
    pools: [pool],
    addNode: async () => {
      await f.api.create(node(`small-new-${++n}`));
    },
    removeNode: async (name) => {
      await f.api.delete('Node', '', name);
    },
  });
}

describe('cluster-autoscaler reconcile', () => {
  it('adds a node for a pod left Unschedulable for lack of cpu', async () => {
    const f = newFixture();
    await f.seed(node('small-1'), podOn('busy', '1800m', { nodeName: 'small-1' }), podOn('waiting', '1'));
    await markUnschedulable(f, 'waiting');
    const c = autoscaler(f);
    expect(await syncOnce(f, c, KEY)).toEqual([create('nodes', undefined, 'small-new-1')]);
    expect(f.events()).toEqual(['Normal TriggeredScaleUp pod triggered scale-up: [{small 1->2 (max: 3)}]']);
  });

  it('cordons and drains an underused node after scaleDownUnneeded, then removes it', async () => {
    const f = newFixture();
    const [rs] = await f.seed(replicaSet('web', 2));
    await f.seed(node('small-1'), node('small-2'), podOn('a', '1', { nodeName: 'small-1', owner: rs }), podOn('b', '200m', { nodeName: 'small-2', owner: rs }));
    const c = autoscaler(f);
    expect(await syncOnce(f, c, KEY)).toEqual([]); // small-2 is noted as unneeded
    f.clock.advance(10 * 60_000);
    expect(await syncOnce(f, c, KEY)).toEqual([
      update('nodes', undefined, 'small-2'), // unschedulable + ToBeDeletedByClusterAutoscaler taint
      updateStatus('pods', 'default', 'b'), // eviction: the DisruptionTarget condition
      del('pods', 'default', 'b'),
    ]);
    await f.api.delete('Pod', 'default', 'b', { gracePeriodSeconds: 0 });
    expect(await syncOnce(f, c, KEY)).toEqual([del('nodes', undefined, 'small-2')]);
  });

  it('does nothing when every pod is placed and every node is busy', async () => {
    const f = newFixture();
    const [rs] = await f.seed(replicaSet('web', 2));
    await f.seed(node('small-1'), node('small-2'), podOn('a', '1500m', { nodeName: 'small-1', owner: rs }), podOn('b', '1500m', { nodeName: 'small-2', owner: rs }));
    const c = autoscaler(f);
    expect(await syncOnce(f, c, KEY)).toEqual([]);
    f.clock.advance(10 * 60_000);
    expect(await syncOnce(f, c, KEY)).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('does nothing more for a pod whose scale-up is still being provisioned', async () => {
    const f = newFixture();
    await f.seed(node('small-1'), podOn('busy', '1800m', { nodeName: 'small-1' }), podOn('waiting', '1'));
    await markUnschedulable(f, 'waiting');
    const c = autoscaler(f);
    await syncOnce(f, c, KEY);
    f.clock.advance(10_000);
    expect(await syncOnce(f, c, KEY)).toEqual([]);
    expect(f.events()).toEqual([]);
  });
});
