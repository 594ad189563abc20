// Scheduler and kubelets together on simulated nodes: pods go from Pending to
// Running on the node the scheduler picked, spread across nodes.
import { afterEach, describe, expect, it } from 'vitest';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { SimDriver } from '../../src/kubelet/runtime/sim/sim-driver.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { env, pod, settle } from './helpers.js';

let parts: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of parts) await p.stop();
  parts = [];
});

describe('scheduler + simulated kubelets', () => {
  it('runs pods across three simulated nodes', async () => {
    const e = env();
    const kubelets: Kubelet[] = [];
    for (let i = 1; i <= 3; i++) {
      const k = new Kubelet({ api: e.api, clock: e.clock, nodeName: `node-${i}`, driver: new SimDriver({ clock: e.clock, podCidrIndex: i }), instance: 'it' });
      await k.start();
      kubelets.push(k);
      parts.push(k);
    }
    const sched = new Scheduler({ api: e.api, clock: e.clock });
    sched.start();
    parts.push(sched);
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', uid: 'rs-web' } };
    for (let i = 0; i < 9; i++) await e.api.create(pod(`web-${i}`, { owner: owner as never, cpu: '100m', memory: '64Mi' }));
    await settle(sched, ...kubelets);
    await settle(sched, ...kubelets);
    const pods = e.api.list('Pod').items;
    expect(pods.map((p) => p.status?.phase)).toEqual(new Array(9).fill('Running'));
    const perNode = new Map<string, number>();
    for (const p of pods) {
      perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
      const idx = p.spec.nodeName!.split('-')[1];
      expect(p.status?.podIP?.startsWith(`10.244.${idx}.`)).toBe(true);
    }
    expect([...perNode.values()].sort()).toEqual([3, 3, 3]);
  });
});
