// Scheduler throughput: 500 simulated nodes (4 cpu / 8Gi / 110 pods each) and
// 10,000 pending pods (100m / 128Mi, one ReplicaSet owner), scheduled from a
// cold start until every pod is bound — binding writes and Scheduled events
// included. Run twice: MemoryStore without persistence, and with the state
// file (group commit). Prints decisions/s and per-cycle latency (filter + score
// + assume); asserts nothing. BENCH_SCALE=0.1 shrinks nodes and pods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../src/api/api.js';
import type { KubeObject } from '../src/api/meta.js';
import type { ObjectStore } from '../src/api/store-types.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { FakeClock } from '../src/util/clock.js';
import { MemoryStore, openStore } from '../state/index.js';
import { isMain, percentile, scaled } from './stats.js';

const NODES = scaled(500);
const PODS = scaled(10_000);

function node(i: number): KubeObject {
  const alloc = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: { capacity: alloc, allocatable: alloc, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${i}`,
      namespace: 'default',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8b7c9', uid: 'rs-web', controller: true }],
    },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  };
}

async function scenario(label: string, store: ObjectStore, close: () => Promise<void>): Promise<Record<string, number>> {
  const clock = new FakeClock(Date.now());
  const api = new Api({ store, now: () => clock.now() });
  for (let i = 1; i <= NODES; i++) await store.create(node(i));
  await Promise.all(Array.from({ length: PODS }, (_, i) => store.create(pod(i))));
  const cycles: number[] = [];
  const sched = new Scheduler({ api, clock, onCycle: (ms) => cycles.push(ms) });
  let bound = 0;
  const done = new Promise<void>((resolve) => {
    store.watch('Pod', {}, (ev) => {
      if (ev.type === 'MODIFIED' && ev.object.spec?.nodeName && !ev.oldObject?.spec?.nodeName && ++bound === PODS) resolve();
    });
  });
  const t0 = performance.now();
  sched.start();
  await done;
  const total = performance.now() - t0;
  await sched.whenIdle();
  const drained = performance.now() - t0;
  await sched.stop();
  await close();
  return {
    [`${label}.nodes`]: NODES,
    [`${label}.pods`]: PODS,
    [`${label}.decisions_per_s`]: Math.round(PODS / (total / 1000)),
    [`${label}.all_bound_ms`]: Math.round(total),
    [`${label}.idle_ms`]: Math.round(drained),
    [`${label}.cycle_p50_ms`]: Number(percentile(cycles, 50).toFixed(3)),
    [`${label}.cycle_p99_ms`]: Number(percentile(cycles, 99).toFixed(3)),
    [`${label}.unschedulable`]: sched.stats.unschedulable,
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const mem = new MemoryStore();
  const a = await scenario('memory', mem, async () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-sched-'));
  const opened = await openStore({ file: join(dir, 'state.json') });
  const b = await scenario('persisted', opened.store, async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...a, ...b };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(30)} ${v}`);
}
