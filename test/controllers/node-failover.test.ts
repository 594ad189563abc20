// Issue 3: "a NotReady node's pods are rescheduled elsewhere", end to end on a
// fake clock. A 2-replica Deployment runs on node-1; node-1's kubelet stops
// (no more heartbeats). After the 40 s grace period the node lifecycle
// controller marks it Ready=Unknown and taints it unreachable; after the 300 s
// default toleration it evicts the pods. The ReplicaSet replaces them, the
// scheduler puts the replacements on node-2, node-2's kubelet runs them and
// the Deployment is back to 2 available replicas. The evicted pods stay
// Terminating (no kubelet is left on node-1 to finish them), as in Kubernetes.
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { startControllers, type RunningControllers } from '../../src/controllers/index.js';
import { NodeLifecycleController, TAINT_UNREACHABLE } from '../../src/controllers/node-lifecycle.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { SimDriver } from '../../src/kubelet/runtime/sim/sim-driver.js';
import { cordon } from '../../src/scheduler/node-ops.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

interface Part {
  whenIdle(): Promise<void>;
  isIdle(): boolean;
}

let stops: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s.stop();
  stops = [];
});

/** Lets every pending async step (watch deliveries, writes, binds, pod syncs) finish. */
async function settle(parts: Part[]): Promise<void> {
  for (let round = 0; round < 200; round++) {
    for (const p of parts) await p.whenIdle();
    await new Promise((r) => setImmediate(r));
    if (parts.every((p) => p.isIdle())) {
      await new Promise((r) => setImmediate(r));
      if (parts.every((p) => p.isIdle())) return;
    }
  }
  throw new Error('cluster did not settle');
}

function managed(c: RunningControllers): Part {
  return { whenIdle: () => c.whenIdle(), isIdle: () => c.controllers.every((x) => x.isIdle()) };
}

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
};

describe('node failover (issue 3)', () => {
  it("a NotReady node's pods are rescheduled elsewhere", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ now: () => clock.now() });
    const api = new Api({ store, now: () => clock.now() });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });

    const controllers = startControllers({ api, clock });
    stops.push(controllers);
    const scheduler = new Scheduler({ api, clock });
    scheduler.start();
    stops.push(scheduler);
    const nlc = new NodeLifecycleController({ api, clock });
    nlc.start();
    stops.push(nlc);
    const kubelets: Kubelet[] = [];
    for (const i of [1, 2]) {
      const k = new Kubelet({ api, clock, nodeName: `node-${i}`, driver: new SimDriver({ clock, podCidrIndex: i }), instance: 'failover' });
      await k.start();
      kubelets.push(k);
      stops.push(k);
    }
    const [k1, k2] = kubelets;
    let parts: Part[] = [managed(controllers), scheduler, nlc, k1, k2];

    /** Advances the fake clock in 1 s steps, letting everything settle after each. */
    const step = async (ms: number) => {
      for (let t = 0; t < ms; t += 1000) {
        clock.advance(Math.min(1000, ms - t));
        await settle(parts);
      }
    };
    const node1 = () => api.get('Node', '', 'node-1')!;
    const livePods = () => api.list('Pod', { namespace: 'default' }).items.filter((p) => !p.metadata.deletionTimestamp);
    const deploy = () => api.get('Deployment', 'default', 'web')!;

    // Both replicas land on node-1: node-2 is cordoned while they are placed.
    await cordon(api, 'node-2');
    await settle(parts);
    await api.create(deployment);
    await step(3000);
    const original = livePods();
    expect(original).toHaveLength(2);
    for (const p of original) {
      expect(p.spec.nodeName).toBe('node-1');
      expect(p.status?.phase).toBe('Running');
    }
    expect(deploy().status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    await cordon(api, 'node-2', false);
    await settle(parts);

    // node-1's kubelet dies: its heartbeats (Lease renewals, node status) stop.
    await k1.stop();
    stops = stops.filter((s) => s !== k1);
    parts = parts.filter((p) => p !== k1);
    const t0 = clock.now();

    // Within the 40 s grace period nothing changes.
    await step(35_000);
    expect(node1().status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node1().spec?.taints).toBeUndefined();

    // Past it (plus a 5 s monitor period): Ready=Unknown and the unreachable taints.
    await step(t0 + 50_000 - clock.now());
    const unreachable = node1();
    expect(unreachable.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(unreachable.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([`${TAINT_UNREACHABLE}:NoSchedule`, `${TAINT_UNREACHABLE}:NoExecute`]);
    const taintedAt = Date.parse(unreachable.spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!);
    // The pods are marked not ready, so the Deployment has none available; they are not evicted yet.
    for (const p of original) {
      const now = api.get('Pod', 'default', p.metadata.name!)!;
      expect(now.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
      expect(now.metadata.deletionTimestamp).toBeUndefined();
    }
    expect(deploy().status?.availableReplicas ?? 0).toBe(0);
    // The unreachable node takes no new pods.
    expect(livePods().map((p) => p.metadata.uid).sort()).toEqual(original.map((p) => p.metadata.uid).sort());

    // Just before the 300 s default toleration runs out the pods are still there.
    await step(taintedAt + 295_000 - clock.now());
    for (const p of original) expect(api.get('Pod', 'default', p.metadata.name!)!.metadata.deletionTimestamp).toBeUndefined();

    // Past it: evicted (marked for deletion; kept Terminating, node-1 has no kubelet to finish them).
    await step(taintedAt + 310_000 - clock.now());
    for (const p of original) {
      const gone = api.get('Pod', 'default', p.metadata.name!);
      if (gone) expect(gone.metadata.deletionTimestamp).toBeDefined();
      const evicted = api.list('Event').items.find((e) => e.reason === 'TaintManagerEviction' && (e.involvedObject as { name: string }).name === p.metadata.name);
      expect(evicted?.message).toBe(`Marking for deletion Pod default/${p.metadata.name}`);
    }

    // Two replacements, scheduled on node-2 and Running there.
    const replacements = livePods();
    expect(replacements).toHaveLength(2);
    const originalUids = new Set(original.map((p) => p.metadata.uid));
    for (const p of replacements) {
      expect(originalUids.has(p.metadata.uid)).toBe(false);
      expect(p.spec.nodeName).toBe('node-2');
      expect(p.status?.phase).toBe('Running');
      expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(p.status?.podIP?.startsWith('10.244.2.')).toBe(true);
    }
    expect(deploy().status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(deploy().status?.conditions?.find((c: { type: string }) => c.type === 'Available')?.status).toBe('True');
  });
});
