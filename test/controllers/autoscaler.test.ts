import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/api.js';
import { clone, splitNsName, type KubeObject } from '../../src/api/meta.js';
import {
  NODE_POOL_LABEL,
  clusterAutoscalerFactory,
  nodeUtilization,
  parseNodePool,
  planScaleUp,
  podRequest,
  type NodePool,
} from '../../src/controllers/cluster-autoscaler.js';
import { Controller } from '../../src/controllers/controller.js';
import type { ControllerDeps } from '../../src/controllers/index.js';
import { newReplicaSetController } from '../../src/controllers/replicaset.js';
import { events, replicaSet, setup } from './harness.js';

describe('--node-pool parsing', () => {
  it('parses a pool and defaults pods/min', () => {
    expect(parseNodePool('small:min=1,max=10,cpu=2,memory=4Gi')).toEqual({ name: 'small', min: 1, max: 10, cpu: '2', memory: '4Gi', pods: 110 });
    expect(parseNodePool('big:max=3,cpu=8,memory=32Gi,pods=50')).toMatchObject({ min: 0, pods: 50 });
  });
  it.each([
    ['small', 'expected <name>:min=N,max=N,cpu=Q,memory=Q'],
    ['Small:max=1,cpu=1,memory=1Gi', 'must be a DNS label'],
    ['small:min=1,cpu=2,memory=4Gi', 'missing max=<number>'],
    ['small:max=2,memory=4Gi', 'missing cpu=<quantity>'],
    ['small:max=x,cpu=2,memory=4Gi', 'max must be a whole number, got "x"'],
    ['small:min=5,max=2,cpu=2,memory=4Gi', 'min (5) must not exceed max (2)'],
    ['small:max=2,cpu=two,memory=4Gi', 'cpu must be a positive quantity like 2 or 500m, got "two"'],
    ['small:max=2,cpu=2,memory=4Gi,gpu=1', 'unknown field "gpu"'],
  ])('refuses %s', (spec, msg) => {
    expect(() => parseNodePool(spec)).toThrow(msg);
    expect(() => parseNodePool(spec)).toThrow(`--node-pool ${spec}`);
  });
});

const pool: NodePool = { name: 'small', min: 1, max: 3, cpu: '2', memory: '4Gi', pods: 110 };

function podNeeding(name: string, cpu: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, uid: name }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu, memory: '256Mi' } } }] } };
}

describe('autoscaler decisions', () => {
  it('bin-packs pending pods onto new pool nodes within max', () => {
    const plan = planScaleUp([podNeeding('a', '1500m'), podNeeding('b', '1500m'), podNeeding('c', '400m')], [pool], new Map([['small', 1]]));
    expect(plan.map((p) => [p.pool.name, p.add, p.pods.length])).toEqual([['small', 2, 3]]);
    expect(planScaleUp([podNeeding('a', '1500m'), podNeeding('b', '1500m')], [pool], new Map([['small', 2]]))[0].add).toBe(1);
    expect(planScaleUp([podNeeding('huge', '3')], [pool], new Map())).toEqual([]);
  });
  it('utilization is the larger of the cpu and memory request shares', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } };
    expect(nodeUtilization(node, [podNeeding('a', '500m')])).toBe(0.25);
    expect(podRequest(podNeeding('a', '500m'))).toEqual({ cpu: 500, memory: 256 * 1024 * 1024, pods: 1 });
  });
});

/** A tiny scheduler + kubelet: binds where requests fit, else reports Unschedulable as the real scheduler does. */
class FitScheduler {
  api?: Api;
  controller?: Controller;
  readonly factory = (deps: ControllerDeps): Controller => {
    this.api = deps.api;
    const pending = () =>
      deps.api
        .list('Pod', { filter: (p) => !p.spec?.nodeName })
        .items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    this.controller = new Controller({
      name: 'fit-scheduler',
      api: deps.api,
      clock: deps.clock,
      reconcile: (k) => this.reconcile(k),
      watches: [
        { kind: 'Pod', toKeys: (ev) => (ev.type === 'DELETED' ? pending() : [`${ev.object.metadata.namespace}/${ev.object.metadata.name}`]) },
        { kind: 'Node', toKeys: () => pending() },
      ],
    });
    return this.controller;
  };

  private async reconcile(key: string): Promise<void> {
    const api = this.api!;
    const { namespace, name } = splitNsName(key);
    const pod = api.get('Pod', namespace, name);
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      await api.delete('Pod', namespace, name, { gracePeriodSeconds: 0 });
      return;
    }
    if (pod.spec?.nodeName) {
      if (pod.status?.phase !== 'Running') {
        await api.modify('Pod', namespace, name, (p) => {
          p.status = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] };
        }, { status: true });
      }
      return;
    }
    const nodes = api.list('Node').items.filter((n) => !n.spec?.unschedulable);
    const need = podRequest(pod);
    for (const n of nodes) {
      const used = api.list('Pod', { filter: (p) => p.spec?.nodeName === n.metadata.name }).items.reduce((s, p) => s + podRequest(p).cpu, 0);
      if (used + need.cpu <= 2000) {
        const bound = clone(pod);
        bound.spec.nodeName = n.metadata.name;
        await api.store.update(bound);
        return;
      }
    }
    const msg = `0/${nodes.length} nodes are available: ${nodes.length} Insufficient cpu. preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.`;
    if (pod.status?.conditions?.[0]?.message === msg) return;
    await api.modify('Pod', namespace, name, (p) => {
      p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg }] };
    }, { status: true });
  }
}

function nodeObj(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [NODE_POOL_LABEL]: 'small', 'kubernetes.io/hostname': name } },
    status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, capacity: { cpu: '2', memory: '4Gi', pods: '110' } },
  };
}

describe('cluster autoscaler', () => {
  it('adds a node when pods are Pending for lack of cpu, then removes an underused one after 10 minutes', async () => {
    const sched = new FitScheduler();
    let seq = 1;
    const added: string[] = [];
    const removed: string[] = [];
    const ref: { api?: Api } = {};
    const ca = clusterAutoscalerFactory({
      pools: [pool],
      async addNode(p) {
        const name = `${p.name}-${++seq}`;
        added.push(name);
        await ref.api!.create(nodeObj(name));
      },
      async removeNode(name) {
        removed.push(name);
        await ref.api!.delete('Node', '', name);
      },
    });
    const h = await setup({ factories: [newReplicaSetController, sched.factory, ca] });
    ref.api = h.api;
    await h.api.create(nodeObj('small-1'));
    const rs = replicaSet('web', 3);
    rs.spec.template.spec.containers[0].resources = { requests: { cpu: '800m', memory: '256Mi' } };
    await h.api.create(rs);
    await h.settle();
    await h.settle(10_000);
    await h.settle();
    expect(added).toEqual(['small-2']);
    const placed = h.api.list('Pod').items.map((p) => p.spec.nodeName).sort();
    expect(placed).toEqual(['small-1', 'small-1', 'small-2']);
    expect(events(h.api, 'TriggeredScaleUp').map((e) => e.message)).toEqual(['pod triggered scale-up: [{small 1->2 (max: 3)}]']);
    // load goes away: one pod left; a node under 50% for 10 minutes is drained and removed (min 1)
    await h.api.scale('ReplicaSet', 'default', 'web', 1);
    await h.settle();
    for (let i = 0; i < 70; i++) await h.settle(10_000);
    expect(removed).toHaveLength(1);
    expect(h.api.list('Node').items).toHaveLength(1);
    const pods = h.api.list('Pod').items;
    expect(pods).toHaveLength(1);
    expect(pods[0].spec.nodeName).toBe(h.api.list('Node').items[0].metadata.name);
    expect(events(h.api, 'ScaleDown').map((e) => e.message)).toContain(`node ${removed[0]} removed by cluster autoscaler`);
    // min 1: the last node stays however idle it is
    for (let i = 0; i < 70; i++) await h.settle(10_000);
    expect(h.api.list('Node').items).toHaveLength(1);
    await h.mgr.stop();
  });

  it('keeps a node whose pods a PodDisruptionBudget holds, and removes it once the budget is gone', async () => {
    const removed: string[] = [];
    const ref: { api?: Api } = {};
    const ca = clusterAutoscalerFactory({
      pools: [pool],
      async addNode() {
        throw new Error('no scale-up expected');
      },
      async removeNode(name) {
        removed.push(name);
        await ref.api!.delete('Node', '', name);
      },
    });
    // The fit scheduler also plays the kubelet: bound pods run and are Ready, terminating ones finish.
    const sched = new FitScheduler();
    const h = await setup({ factories: [sched.factory, ca] });
    ref.api = h.api;
    await h.api.create(nodeObj('small-1'));
    await h.api.create(nodeObj('small-2'));
    // One controlled pod on each node, 30 % of its cpu: each node is underused and its pod would fit on the other.
    for (const [pod, node] of [['web-a', 'small-1'], ['web-b', 'small-2']]) {
      const p = podNeeding(pod, '600m');
      await h.api.create({
        ...p,
        metadata: { name: pod, namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] },
        spec: { ...p.spec, nodeName: node },
      } as KubeObject);
    }
    await h.settle();
    // Running and Ready pods only: a pending pod would be evicted whatever the budget says, as Kubernetes does.
    expect(h.api.list('Pod').items.every((p) => p.status?.phase === 'Running')).toBe(true);
    await h.api.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } } as KubeObject);
    for (let i = 0; i < 70; i++) await h.settle(10_000);
    expect(removed).toEqual([]);
    expect(h.api.list('Pod').items).toHaveLength(2);
    expect(h.api.list('Node').items.every((n) => !n.spec?.unschedulable)).toBe(true);
    expect(events(h.api, 'ScaleDownNotPossible')[0]?.message).toMatch(/^node small-[12] is not suitable for removal: pod default\/web-[ab]: Cannot evict pod as it would violate the pod's disruption budget\./);
    // Without the budget, one of the two goes (min 1).
    await h.api.delete('PodDisruptionBudget', 'default', 'web');
    for (let i = 0; i < 70; i++) await h.settle(10_000);
    expect(removed).toHaveLength(1);
    await h.mgr.stop();
  });
});
