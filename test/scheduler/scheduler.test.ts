import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Pod } from '../../src/api/types/pod.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { env, node, pod, settle } from './helpers.js';

let sched: Scheduler | undefined;
afterEach(async () => {
  await sched?.stop();
  sched = undefined;
});

function setup() {
  const e = env();
  sched = new Scheduler({ api: e.api, clock: e.clock, random: () => 0.5 });
  return { ...e, sched };
}

function podScheduled(api: ReturnType<typeof env>['api'], name: string) {
  const p = api.get('Pod', 'default', name)!;
  return { nodeName: p.spec.nodeName, cond: p.status?.conditions?.find((c) => c.type === 'PodScheduled') };
}

function events(api: ReturnType<typeof env>['api'], name: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => ({ reason: e.reason, type: e.type, message: e.message }));
}

describe('Scheduler binding', () => {
  it('binds a pod: nodeName, PodScheduled=True and a Scheduled event', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    sched.start();
    await api.create(pod('web-abc', { cpu: '100m' }));
    await settle(sched);
    const s = podScheduled(api, 'web-abc');
    expect(s.nodeName).toBe('node-1');
    expect(s.cond?.status).toBe('True');
    expect(events(api, 'web-abc')).toContainEqual({
      reason: 'Scheduled',
      type: 'Normal',
      message: 'Successfully assigned default/web-abc to node-1',
    });
  });

  it('ignores pods for another scheduler', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    sched.start();
    await api.create(pod('other', { spec: { schedulerName: 'my-scheduler' } }));
    await settle(sched);
    expect(podScheduled(api, 'other').nodeName).toBeUndefined();
  });
});

describe('Scheduler filters and their messages', () => {
  async function unschedulableMessage(nodes: KubeObject[], p: Pod): Promise<string | undefined> {
    const { api, sched } = setup();
    for (const n of nodes) await api.create(n);
    sched.start();
    await api.create(p);
    await settle(sched);
    const s = podScheduled(api, p.metadata.name!);
    expect(s.nodeName).toBeUndefined();
    expect(s.cond?.status).toBe('False');
    expect(s.cond?.reason).toBe('Unschedulable');
    const ev = events(api, p.metadata.name!).find((e) => e.reason === 'FailedScheduling');
    expect(ev?.type).toBe('Warning');
    expect(ev?.message).toBe(s.cond?.message);
    return s.cond?.message;
  }

  it('NodeResourcesFit: Insufficient cpu / memory / Too many pods', async () => {
    expect(await unschedulableMessage([node('node-1', { cpu: '1' })], pod('big', { cpu: '2' }))).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    await sched?.stop();
    expect(await unschedulableMessage([node('node-1', { memory: '1Gi' })], pod('fat', { memory: '2Gi' }))).toBe(
      '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    await sched?.stop();
    expect(await unschedulableMessage([node('node-1', { pods: '0' })], pod('one'))).toBe(
      '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('counts requests of bound pods, not of terminated ones', async () => {
    const { api, sched, clock } = setup();
    const start = clock.now();
    await api.create(node('node-1', { cpu: '1' }));
    sched.start();
    await api.create(pod('a', { cpu: '600m' }));
    await settle(sched);
    await api.create(pod('b', { cpu: '600m' }));
    await settle(sched);
    expect(podScheduled(api, 'a').nodeName).toBe('node-1');
    expect(podScheduled(api, 'b').nodeName).toBeUndefined();
    // a finishes: its request no longer counts and b is retried.
    await api.modify<Pod>('Pod', 'default', 'a', (p) => {
      p.status = { ...(p.status ?? {}), phase: 'Succeeded' };
    }, { status: true });
    await settle(sched);
    // b is retried at once: the scheduler has nothing else to do, so it does not sit out its backoff
    // (SchedulerPopFromBackoffQ); only b's request counts now.
    expect(podScheduled(api, 'b').nodeName).toBe('node-1');
    expect(sched.cache.node('node-1')!.requested.milliCPU).toBe(600);
    expect(clock.now()).toBe(start);
  });

  it('NodeUnschedulable', async () => {
    expect(await unschedulableMessage([node('node-1', { unschedulable: true })], pod('p'))).toBe(
      '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('TaintToleration mixed with Insufficient cpu, counts sorted as Kubernetes sorts them', async () => {
    const msg = await unschedulableMessage(
      [
        node('node-1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
        node('node-2', { cpu: '1' }),
        node('node-3', { cpu: '1' }),
      ],
      pod('web-abc', { cpu: '2' }),
    );
    expect(msg).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('a toleration lets the pod onto a tainted node (NoExecute too)', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }));
    sched.start();
    await api.create(pod('tol', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }] } }));
    await api.create(pod('notol'));
    await settle(sched);
    expect(podScheduled(api, 'tol').nodeName).toBe('node-1');
    expect(podScheduled(api, 'notol').cond?.message).toContain('1 node(s) had untolerated taint {dedicated: gpu}');
  });

  it('NodeAffinity: nodeSelector and required node affinity', async () => {
    const nodes = [node('node-1', { labels: { disk: 'hdd' } }), node('node-2', { labels: { disk: 'hdd' } })];
    expect(await unschedulableMessage(nodes, pod('sel', { spec: { nodeSelector: { disk: 'ssd' } } }))).toBe(
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    await sched?.stop();
    const { api, sched: s } = setup();
    await api.create(node('node-1', { labels: { disk: 'hdd' } }));
    await api.create(node('node-2', { labels: { disk: 'ssd' } }));
    s.start();
    await api.create(
      pod('aff', {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }],
              },
            },
          },
        },
      }),
    );
    await settle(s);
    expect(podScheduled(api, 'aff').nodeName).toBe('node-2');
  });

  it('required pod anti-affinity on kubernetes.io/hostname', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    sched.start();
    const anti = (name: string) =>
      pod(name, {
        labels: { app: 'db' },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }],
            },
          },
        },
      });
    await api.create(anti('db-0'));
    await settle(sched);
    await api.create(anti('db-1'));
    await settle(sched);
    await api.create(anti('db-2'));
    await settle(sched);
    const placed = ['db-0', 'db-1'].map((n) => podScheduled(api, n).nodeName).sort();
    expect(placed).toEqual(['node-1', 'node-2']);
    expect(podScheduled(api, 'db-2').cond?.message).toBe(
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
  });

  it('no nodes at all', async () => {
    const { api, sched } = setup();
    sched.start();
    await api.create(pod('lonely'));
    await settle(sched);
    expect(podScheduled(api, 'lonely').cond?.message).toBe('no nodes available to schedule pods');
  });
});

describe('Scheduler scores', () => {
  it('spreads the pods of one owner across nodes', async () => {
    const { api, sched } = setup();
    for (const n of ['node-1', 'node-2', 'node-3']) await api.create(node(n));
    sched.start();
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9', uid: 'rs-uid-1' } } as KubeObject;
    for (let i = 0; i < 6; i++) {
      await api.create(pod(`web-${i}`, { owner, labels: { app: 'web' } }));
      await settle(sched);
    }
    const perNode = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const n = podScheduled(api, `web-${i}`).nodeName!;
      perNode.set(n, (perNode.get(n) ?? 0) + 1);
    }
    expect([...perNode.values()]).toEqual([2, 2, 2]);
  });

  it('prefers the less allocated node', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    sched.start();
    await api.create(pod('hog', { cpu: '3', memory: '6Gi', spec: { nodeName: undefined, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } } }));
    await settle(sched);
    await api.create(pod('next', { cpu: '500m', memory: '1Gi' }));
    await settle(sched);
    expect(podScheduled(api, 'next').nodeName).toBe('node-2');
  });

  it('honours preferred node affinity and avoids PreferNoSchedule taints', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1', { labels: { zone: 'a' } }));
    await api.create(node('node-2', { labels: { zone: 'b' } }));
    await api.create(node('node-3', { labels: { zone: 'b' }, taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }));
    sched.start();
    await api.create(
      pod('pref', {
        spec: {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }],
            },
          },
        },
      }),
    );
    await settle(sched);
    expect(podScheduled(api, 'pref').nodeName).toBe('node-2');
  });
});

describe('Scheduler preferred pod affinity', () => {
  it('places a pod next to the pods it prefers and away from those it avoids', async () => {
    const { api, sched } = setup();
    for (const n of ['node-1', 'node-2', 'node-3']) await api.create(node(n));
    sched.start();
    await api.create(pod('cache', { labels: { app: 'cache' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'node-2' } } }));
    await api.create(pod('noisy', { labels: { app: 'noisy' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'node-3' } } }));
    await settle(sched);
    const term = (app: string) => ({ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' } });
    await api.create(pod('near-cache', { labels: { app: 'web' }, spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } } }));
    await settle(sched);
    expect(podScheduled(api, 'near-cache').nodeName).toBe('node-2');
    await api.create(
      pod('quiet', {
        labels: { app: 'batch' },
        spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term('noisy'), term('cache')] } } },
      }),
    );
    await settle(sched);
    expect(podScheduled(api, 'quiet').nodeName).toBe('node-1');
  });
});

describe('Scheduler retries', () => {
  it('retries an unschedulable pod when a node appears', async () => {
    const { api, sched, clock } = setup();
    sched.start();
    await api.create(pod('waiting', { cpu: '1' }));
    await settle(sched);
    expect(sched.unschedulableCount()).toBe(1);
    const before = clock.now();
    await api.create(node('node-1'));
    // No clock step: the node event moves the pod to backoff, and an idle scheduler pops it from there at once.
    await settle(sched);
    expect(clock.now()).toBe(before);
    expect(podScheduled(api, 'waiting').nodeName).toBe('node-1');
    expect(podScheduled(api, 'waiting').cond?.status).toBe('True');
  });

  it('retries when a bound pod is deleted and frees room', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1', { cpu: '1' }));
    sched.start();
    await api.create(pod('first', { cpu: '800m' }));
    await settle(sched);
    await api.create(pod('second', { cpu: '800m' }));
    await settle(sched);
    expect(podScheduled(api, 'second').nodeName).toBeUndefined();
    await api.delete('Pod', 'default', 'first', { gracePeriodSeconds: 0 });
    await settle(sched);
    expect(podScheduled(api, 'second').nodeName).toBe('node-1');
  });

  it('does not hot-loop: heartbeat-only node updates do not retry, the periodic flush does after 5 min', async () => {
    const { api, sched, clock } = setup();
    await api.create(node('node-1', { cpu: '1' }));
    sched.start();
    await api.create(pod('huge', { cpu: '8' }));
    await settle(sched);
    const attempts = () => sched.stats.unschedulable;
    expect(attempts()).toBe(1);
    for (let i = 0; i < 5; i++) {
      await api.modify('Node', '', 'node-1', (n) => {
        n.status.conditions[0].lastHeartbeatTime = new Date(clock.now()).toISOString();
      }, { status: true });
      clock.advance(10_000);
      await settle(sched);
    }
    expect(attempts()).toBe(1);
    clock.advance(5 * 60_000);
    await settle(sched);
    expect(attempts()).toBe(2);
  });
});
