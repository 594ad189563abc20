// Issue 3's figure: a Deployment of 10,000 replicas on 500 simulated nodes,
// with persistence on (the state file written by group commit, as the real
// engine runs). End to end through the whole engine path: deployment →
// replicaset → pods → scheduler → kubelets (SimDriver, no start delay) →
// Ready → replicaset/deployment status. Measures the time from `scale` until
// the Deployment reports every replica available, and from scale-to-0 until
// every pod object is gone (graceful deletion finished by the kubelets), and
// reports how many whole-file writes persistence needed and how big the file
// got. BestEffort pods (20 per node, under the 110-pod limit).
// BENCH_SCALE=0.1 shrinks nodes and replicas alike. Prints; asserts nothing.
//
// The scale-to-0 phase runs only with BENCH_SCALE_DOWN=1: with persistence on
// it is far slower than scale-up (the ReplicaSet controller deletes surplus
// pods one after another, each waiting for its own durable write of the whole
// file), so at the default size it would take hours rather than seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../src/api/api.js';
import type { KubeObject } from '../src/api/meta.js';
import { startControllers } from '../src/controllers/index.js';
import { Kubelet } from '../src/kubelet/kubelet.js';
import { SimDriver } from '../src/kubelet/runtime/sim/sim-driver.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { realClock } from '../src/util/clock.js';
import { openStore, type MemoryStore } from '../state/index.js';
import { runIfMain } from './main.js';
import { scaled } from './stats.js';

const NODES = scaled(500);
const REPLICAS = scaled(10_000);
const TIMEOUT_MS = 600_000;

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

/** Scales to 0 and waits until every pod object is gone; the time in ms. */
async function scaleDown(api: Api, store: MemoryStore): Promise<number | 'timeout'> {
  // Count pods as they go rather than listing on every event.
  let pods = api.list('Pod').items.length;
  const counter = store.watch('Pod', {}, (ev) => {
    if (ev.type === 'ADDED') pods++;
    else if (ev.type === 'DELETED') pods--;
  });
  const down0 = performance.now();
  await api.scale('Deployment', 'default', 'web', 0);
  const goneOk = await waitFor(store, 'Pod', () => pods === 0, TIMEOUT_MS);
  counter.stop();
  return goneOk ? Math.round(performance.now() - down0) : 'timeout';
}

export async function run(): Promise<Record<string, number | string>> {
  const clock = realClock;
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-deploy-'));
  const opened = await openStore({ file: join(dir, 'state.json') });
  try {
    const { store, persistence } = opened;
    const api = new Api({ store });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const controllers = startControllers({ api, clock });
    const scheduler = new Scheduler({ api, clock });
    scheduler.start();
    const kubelets: Kubelet[] = [];
    const t0 = performance.now();
    for (let i = 1; i <= NODES; i++) {
      const driver = new SimDriver({ clock, podCidrIndex: i });
      const k = new Kubelet({ api, clock, nodeName: `node-${i}`, driver, instance: 'bench', dataDir: join(dir, 'kubelet', `node-${i}`) });
      await k.start();
      kubelets.push(k);
    }
    const nodesMs = performance.now() - t0;
    await api.create(deployment());
    await persistence.idle();
    const before = persistence.stats();

    const up0 = performance.now();
    await api.scale('Deployment', 'default', 'web', REPLICAS);
    const available = () => api.get('Deployment', 'default', 'web')?.status?.availableReplicas === REPLICAS;
    const readyOk = await waitFor(store, 'Deployment', available, TIMEOUT_MS);
    const upMs = performance.now() - up0;
    // Every change up to "available" durable on disk, too.
    await persistence.idle();
    const upDurableMs = performance.now() - up0;
    const upStats = persistence.stats();
    // Snapshot plus journal: what is on disk (the snapshot alone may not exist yet).
    const fileBytes = upStats.snapshotBytes + upStats.journalBytes;
    const running = api.list('Pod', { filter: (p) => p.status?.phase === 'Running' }).items.length;

    let downMs: number | 'timeout' | 'skipped' = 'skipped';
    if (process.env.BENCH_SCALE_DOWN === '1') downMs = await scaleDown(api, store);

    await scheduler.stop();
    for (const k of kubelets) await k.stop();
    await controllers.stop();
    await persistence.idle();
    const total = persistence.stats();
    return {
      nodes: NODES,
      replicas: REPLICAS,
      register_nodes_ms: Math.round(nodesMs),
      scale_up_available_ms: readyOk ? Math.round(upMs) : 'timeout',
      scale_up_pods_per_s: readyOk ? Math.round(REPLICAS / (upMs / 1000)) : 0,
      scale_up_durable_ms: readyOk ? Math.round(upDurableMs) : 'timeout',
      running_pods: running,
      state_writes_scale_up: upStats.writes - before.writes,
      state_commits_scale_up: upStats.commits - before.commits,
      state_last_write_ms: Math.round(upStats.lastWriteMs),
      state_file_bytes_at_full: fileBytes,
      scale_down_gone_ms: downMs,
      scale_down_pods_per_s: typeof downMs === 'number' ? Math.round(REPLICAS / (downMs / 1000)) : downMs,
      state_writes_total_incl_node_registration: total.writes,
      state_file_bytes_end: total.snapshotBytes + total.journalBytes,
      scheduler_bind_errors: scheduler.stats.bindErrors,
    };
  } finally {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run, 42);
