// Builders and a settle() helper shared by the scheduler tests.
import { afterEach } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Node, Taint } from '../../src/api/types/node.js';
import type { Pod, PodSpec } from '../../src/api/types/pod.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

export function env() {
  const clock = new FakeClock();
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  return { clock, store, api };
}

/**
 * A `setup()` that gives each test a fresh env and a Scheduler with a fixed
 * tie-break, stopped after the test. Call once per file, at the top level.
 */
export function useScheduler(random: number) {
  let sched: Scheduler | undefined;
  afterEach(async () => {
    await sched?.stop();
    sched = undefined;
  });
  return () => {
    const e = env();
    sched = new Scheduler({ api: e.api, clock: e.clock, random: () => random });
    return { ...e, sched };
  };
}

export function node(
  name: string,
  o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {},
): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function pod(name: string, o: { cpu?: string; memory?: string; labels?: Record<string, string>; owner?: KubeObject; spec?: Partial<PodSpec> } = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: name },
      ...(o.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.metadata.name!, uid: o.owner.metadata.uid!, controller: true }] }
        : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25', ...(o.cpu || o.memory ? { resources: { requests } } : {}) }],
      ...(o.spec ?? {}),
    },
  };
}

/** Lets every pending async step (watch deliveries, writes, binds) finish. */
export async function settle(...parts: { whenIdle(): Promise<void>; isIdle?(): boolean }[]): Promise<void> {
  for (let round = 0; round < 50; round++) {
    for (const p of parts) await p.whenIdle();
    await new Promise((r) => setImmediate(r));
    if (parts.every((p) => (p.isIdle ? p.isIdle() : true))) {
      await new Promise((r) => setImmediate(r));
      if (parts.every((p) => (p.isIdle ? p.isIdle() : true))) return;
    }
  }
}
