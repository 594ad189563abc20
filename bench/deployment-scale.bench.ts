// A Deployment scaled up and down on simulated nodes, end to end through the
// whole engine path: deployment → replicaset → pods → scheduler → kubelets
// (SimDriver, no start delay) → Ready → replicaset/deployment status. Measures
// the time from `scale` to readyReplicas == N, and from scale-to-0 until every
// pod object is gone (graceful deletion finished by the kubelets).
// Defaults: 100 nodes, 5,000 replicas (BestEffort pods, so the 110-pods-per-node
// limit is what binds). BENCH_SCALE=0.1 shrinks both. Prints; asserts nothing.
import { Api } from '../src/api/api.js';
import type { KubeObject } from '../src/api/meta.js';
import { startControllers } from '../src/controllers/index.js';
import { Kubelet } from '../src/kubelet/kubelet.js';
import { SimDriver } from '../src/kubelet/runtime/sim/sim-driver.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { realClock } from '../src/util/clock.js';
import { MemoryStore } from '../state/index.js';
import { isMain, scaled } from './stats.js';

const NODES = scaled(100);
const REPLICAS = scaled(5000);

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

function waitFor(store: MemoryStore, kind: string, done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const timer = setTimeout(() => {
      h.stop();
      resolve(false);
    }, timeoutMs);
    const h = store.watch(kind, {}, () => {
      if (!done()) return;
      clearTimeout(timer);
      h.stop();
      resolve(true);
    });
  });
}

export async function run(): Promise<Record<string, number | string>> {
  const clock = realClock;
  const store = new MemoryStore();
  const api = new Api({ store });
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const controllers = startControllers({ api, clock });
  const scheduler = new Scheduler({ api, clock });
  scheduler.start();
  const kubelets: Kubelet[] = [];
  const t0 = performance.now();
  for (let i = 1; i <= NODES; i++) {
    const k = new Kubelet({ api, clock, nodeName: `node-${i}`, driver: new SimDriver({ clock, podCidrIndex: i }), instance: 'bench' });
    await k.start();
    kubelets.push(k);
  }
  const nodesMs = performance.now() - t0;
  await api.create(deployment());

  const up0 = performance.now();
  await api.scale('Deployment', 'default', 'web', REPLICAS);
  const readyOk = await waitFor(store, 'Deployment', () => api.get('Deployment', 'default', 'web')?.status?.readyReplicas === REPLICAS, 600_000);
  const upMs = performance.now() - up0;
  const running = api.list('Pod', { filter: (p) => p.status?.phase === 'Running' }).items.length;

  // Count pods as they go rather than listing on every event.
  let pods = api.list('Pod').items.length;
  const counter = store.watch('Pod', {}, (ev) => {
    if (ev.type === 'ADDED') pods++;
    else if (ev.type === 'DELETED') pods--;
  });
  const down0 = performance.now();
  await api.scale('Deployment', 'default', 'web', 0);
  const goneOk = await waitFor(store, 'Pod', () => pods === 0, 600_000);
  counter.stop();
  const downMs = performance.now() - down0;

  await scheduler.stop();
  for (const k of kubelets) await k.stop();
  await controllers.stop();
  return {
    nodes: NODES,
    replicas: REPLICAS,
    register_nodes_ms: Math.round(nodesMs),
    scale_up_ready_ms: readyOk ? Math.round(upMs) : 'timeout',
    scale_up_pods_per_s: readyOk ? Math.round(REPLICAS / (upMs / 1000)) : 0,
    running_pods: running,
    scale_down_gone_ms: goneOk ? Math.round(downMs) : 'timeout',
    scale_down_pods_per_s: goneOk ? Math.round(REPLICAS / (downMs / 1000)) : 0,
    scheduler_bind_errors: scheduler.stats.bindErrors,
  };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(24)} ${v}`);
  process.exit(0);
}
