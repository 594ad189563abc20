import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../src/api/types/node.js';
import { evictionTime, NodeLifecycleController } from '../../src/controllers/node-lifecycle.js';
import type { Kubelet } from '../../src/kubelet/kubelet.js';
import { boundPod, eventsOf, kubeletEnv, settle } from '../kubelet/helpers.js';

let stops: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of stops) await s.stop();
  stops = [];
});

async function setup() {
  const env = kubeletEnv();
  await env.kubelet.start();
  stops.push(env.kubelet);
  const nlc = new NodeLifecycleController({ api: env.api, clock: env.clock, gracePeriodMs: 40_000, monitorPeriodMs: 5000 });
  nlc.start();
  stops.push(nlc);
  return { ...env, nlc };
}

/** Advances the clock in monitor-sized steps, letting every component settle in between. */
async function step(env: { clock: { advance(ms: number): void } }, ms: number, parts: { whenIdle(): Promise<void>; isIdle(): boolean }[]) {
  for (let t = 0; t < ms; t += 5000) {
    env.clock.advance(Math.min(5000, ms - t));
    await settle(...parts);
  }
}

const nodeOf = (api: { get: (k: string, ns: string, n: string) => unknown }) => api.get('Node', '', 'node-1') as Node;

describe('NodeLifecycleController', () => {
  it('leaves a heartbeating node alone', async () => {
    const env = await setup();
    await step(env, 120_000, [env.kubelet, env.nlc]);
    const n = nodeOf(env.api);
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(n.spec?.taints).toBeUndefined();
  });

  it('a node that stops heartbeating goes Unknown with the unreachable taint; its pods are evicted after 300 s; recovery clears the taints', async () => {
    const env = await setup();
    await env.api.create(boundPod('web-abc'));
    await env.api.create(
      boundPod('tolerant', { spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] } }),
    );
    await env.api.create(boundPod('daemon', { spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] } }));
    await settle(env.kubelet, env.nlc);
    await env.kubelet.stop();
    stops = stops.filter((s) => s !== env.kubelet);
    const t0 = env.clock.now();
    const stepTo = (offsetMs: number) => step(env, t0 + offsetMs - env.clock.now(), [env.nlc]);

    // The grace period counts from the controller's last observation of a heartbeat (its first pass, at 5 s).
    await stepTo(40_000);
    expect(nodeOf(env.api).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await stepTo(55_000);
    const n = nodeOf(env.api);
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(n.status!.conditions!.filter((c) => c.status === 'Unknown').map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
    expect(n.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const taintedAt = Date.parse(n.spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!) - t0;
    expect(env.api.list('Event').items.find((e) => e.reason === 'NodeNotReady' && (e.involvedObject as { kind: string }).kind === 'Node')?.message).toBe(
      'Node node-1 status is now: NodeNotReady',
    );
    const pod = env.api.get('Pod', 'default', 'web-abc')!;
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(eventsOf(env.api, 'web-abc').find((e) => e.reason === 'NodeNotReady')).toMatchObject({ type: 'Warning', message: 'Node is not ready' });

    // The 60 s toleration runs out first.
    await stepTo(taintedAt + 55_000);
    expect(env.api.get('Pod', 'default', 'tolerant')!.metadata.deletionTimestamp).toBeUndefined();
    await stepTo(taintedAt + 65_000);
    expect(env.api.get('Pod', 'default', 'tolerant')!.metadata.deletionTimestamp).toBeDefined();
    expect(env.api.get('Pod', 'default', 'web-abc')!.metadata.deletionTimestamp).toBeUndefined();
    // The default 300 s for a pod without a toleration.
    await stepTo(taintedAt + 295_000);
    expect(env.api.get('Pod', 'default', 'web-abc')!.metadata.deletionTimestamp).toBeUndefined();
    await stepTo(taintedAt + 305_000);
    expect(env.api.get('Pod', 'default', 'web-abc')!.metadata.deletionTimestamp).toBeDefined();
    expect(eventsOf(env.api, 'web-abc').find((e) => e.reason === 'TaintManagerEviction')?.message).toBe('Marking for deletion Pod default/web-abc');
    // Tolerated forever.
    expect(env.api.get('Pod', 'default', 'daemon')!.metadata.deletionTimestamp).toBeUndefined();

    // The kubelet comes back: it finishes the evicted pods, the node is Ready and untainted.
    const k2: Kubelet = env.make();
    await k2.start();
    stops.push(k2);
    await step(env, 10_000, [k2, env.nlc]);
    const back = nodeOf(env.api);
    expect(back.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(back.spec?.taints).toBeUndefined();
    expect(env.api.get('Pod', 'default', 'web-abc')).toBeUndefined();
    expect(env.api.get('Pod', 'default', 'daemon')).toBeDefined();
  });

  it('a Ready=False node gets the not-ready taint', async () => {
    const env = await setup();
    env.driver.setDown('runtime crashed');
    await step(env, 15_000, [env.kubelet, env.nlc]);
    expect(nodeOf(env.api).spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
  });

  it('evictionTime: untolerated NoExecute taints evict at once, other keys have no default', () => {
    const p = boundPod('x');
    expect(evictionTime(p, [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }])).toBe(0);
    expect(evictionTime(p, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }])).toBe(
      Date.parse('2026-01-01T00:05:00Z'),
    );
  });
});
