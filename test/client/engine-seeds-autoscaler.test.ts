// The seeds' "cluster-level scaling" on the whole engine (simulated runtime,
// FakeClock): with a `--node-pool`, a Deployment that does not fit makes the
// cluster autoscaler add pool nodes (TriggeredScaleUp, never beyond the
// pool's max: the pod left over gets NotTriggerScaleUp), the pods schedule
// and run there; scaled back down, an underused pool node is drained and
// removed after the 10-minute scale-down delay, and the pool keeps its min.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { parseNodePool } from '../../src/controllers/cluster-autoscaler.js';
import { Engine } from '../../src/engine.js';
import { FakeClock } from '../../src/util/clock.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const deployment = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: { requests: { cpu: '800m', memory: '256Mi' } } }] },
    },
  },
});

describe('cluster autoscaler on the engine', () => {
  it('adds pool nodes for pods that do not fit, up to max, and removes an underused one after the delay, down to min', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    // node-1 (1 cpu) takes one 800m pod; the pool's nodes take two each.
    const e = (engine = new Engine({
      persist: false,
      runtime: 'sim',
      nodes: 1,
      nodeCapacity: { cpu: 1, memory: 4 * 2 ** 30, pods: 110 },
      nodePools: [parseNodePool('small:min=1,max=2,cpu=2,memory=4Gi')],
      clock,
    }));
    await e.start();
    const api = e.api;
    /** Moves the fake clock on and lets every part of the engine catch up. */
    const step = async (ms: number) => {
      clock.advance(ms);
      for (let i = 0; i < 5; i++) {
        await e.whenIdle();
        await new Promise((r) => setImmediate(r));
      }
    };
    /** Lets the engine work without moving the clock until `cond` holds (bounded in real time). */
    const until = async (what: string, cond: () => boolean) => {
      const end = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await step(0);
      }
    };
    const nodes = () => api.list('Node').items.map((n) => n.metadata.name!).sort();
    const pods = () => api.list('Pod', { namespace: 'default' }).items.filter((p) => !p.metadata.deletionTimestamp);
    type Ev = KubeObject & { source?: { component?: string }; involvedObject?: { kind?: string; name?: string } };
    const events = (reason: string) => api.list('Event').items.filter((x) => x.reason === reason) as Ev[];

    await e.client().apply(deployment(6));
    await step(0);
    expect(pods()).toHaveLength(6);
    expect(pods().filter((p) => !p.spec.nodeName)).toHaveLength(5);

    // The autoscaler's 10 s scan: 5 pods × 800m need 3 pool nodes, the pool allows 2.
    for (let i = 0; i < 6 && nodes().length < 3; i++) await step(10_000);
    expect(nodes()).toEqual(['node-1', 'small-1', 'small-2']);
    const pool = api.get('Node', '', 'small-1')!;
    expect(pool.metadata.labels?.['kubeterm.io/node-pool']).toBe('small');
    expect(pool.status?.allocatable).toMatchObject({ cpu: '2' });
    await until('four TriggeredScaleUp events', () => events('TriggeredScaleUp').length >= 4);
    const up = events('TriggeredScaleUp');
    expect(up).toHaveLength(4);
    expect(new Set(up.map((x) => x.message))).toEqual(new Set(['pod triggered scale-up: [{small 0->2 (max: 2)}]']));
    expect(up.every((x) => x.source?.component === 'cluster-autoscaler' && x.involvedObject?.kind === 'Pod')).toBe(true);

    // The new nodes take four pods; the fifth still does not fit anywhere and the pool is at its max.
    for (let i = 0; i < 30 && pods().filter((p) => p.status?.phase === 'Running').length < 5; i++) await step(1000);
    const byNode = (n: string) => pods().filter((p) => p.spec.nodeName === n).length;
    expect([byNode('node-1'), byNode('small-1'), byNode('small-2')]).toEqual([1, 2, 2]);
    expect(pods().filter((p) => p.status?.phase === 'Running')).toHaveLength(5);
    const leftover = pods().find((p) => !p.spec.nodeName)!;
    expect(leftover.status?.conditions?.find((c: { type: string }) => c.type === 'PodScheduled')?.message).toContain('Insufficient cpu');
    // Once its scale-up had time to help (2 min), a pod still Pending is told the pool is at its max.
    for (let i = 0; i < 13; i++) await step(10_000);
    expect(events('NotTriggerScaleUp').filter((x) => x.involvedObject?.name === leftover.metadata.name).map((x) => x.message)).toEqual([
      "pod didn't trigger scale-up: 1 node pool(s) could not fit it or are at their max size",
    ]);
    expect(nodes()).toHaveLength(3);

    // Load goes away: one replica. A pool node under 50 % requested for 10 minutes is drained and removed.
    await api.scale('Deployment', 'default', 'web', 1);
    await step(0);
    for (let i = 0; i < 5 && pods().length > 1; i++) await step(1000);
    expect(pods()).toHaveLength(1);
    // The autoscaler's scans (every 10 s) see both pool nodes unneeded; under the 10-minute delay nothing is removed yet.
    for (let i = 0; i < 9 * 6; i++) await step(10_000);
    expect(nodes()).toHaveLength(3);
    for (let i = 0; i < 30 && nodes().length > 2; i++) await step(10_000);
    expect(nodes()).toHaveLength(2);
    expect(nodes()).toContain('node-1');
    const removed = ['small-1', 'small-2'].find((n) => !nodes().includes(n))!;
    expect(events('ScaleDown').map((x) => x.message)).toContain(`node ${removed} removed by cluster autoscaler`);
    // The pool keeps its min (1) however idle the last node is, and the workload keeps running.
    for (let i = 0; i < 70; i++) await step(10_000);
    expect(nodes()).toHaveLength(2);
    const last = pods();
    expect(last).toHaveLength(1);
    expect(nodes()).toContain(last[0].spec.nodeName);
    expect(last[0].status?.phase).toBe('Running');
  }, 120_000);
});
