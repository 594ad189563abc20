// What a durable commit costs once the store is large: N pods already stored
// (1k and 10k, pods the size of real ones with status and last-applied
// configuration), then 16 clients updating pod status one after another, as
// kubelets do. Two ways of writing, side by side in one run:
//   snapshot  every group commit rewrites the whole state file (the behaviour
//             before the journal; forced here with compaction.everyCommit)
//   journal   every group commit appends one fsynced line to the journal;
//             compaction folds it into the snapshot in the background
// Prints commit latency (median, p99), bytes written per write and per
// commit, snapshot size, compactions, and for the journal the time to open
// after a crash: from the openStore() call until the store is ready (read,
// replay, backup copy), median and p99 over BENCH_RESTARTS fresh copies of
// the crashed folder. Asserts nothing.
// BENCH_SCALE=0.1 shrinks the pod counts; BENCH_UPDATES sets the update count.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { KubeObject } from '../src/api/meta.js';
import { openStore } from '../state/index.js';
import { isMain, percentile, scaled, summary } from './stats.js';

const SIZES = [scaled(1_000), scaled(10_000)];
const UPDATES = Number(process.env.BENCH_UPDATES ?? '400') || 400;
const CLIENTS = 16;
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? '5') || 5;

function pod(i: number): KubeObject {
  const name = `web-5d4f8b7c9-${i.toString(36).padStart(5, '0')}`;
  const spec = {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: Array.from({ length: 12 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${k}-${'v'.repeat(40)}` })),
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/healthz', port: 80, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    nodeName: `node-${i % 10}`,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': '5d4f8b7c9' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8b7c9', uid: '6f1c2b8e-1111-4c3a-9d1e-2a3b4c5d6e7f', controller: true, blockOwnerDeletion: true }],
    },
    spec,
    status: status(0),
  };
}

function status(n: number) {
  const t = new Date(Date.UTC(2026, 10, 22, 0, 0, n)).toISOString().replace('.000', '');
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t })),
    hostIP: '10.0.0.1',
    podIP: '10.244.0.10',
    podIPs: [{ ip: '10.244.0.10' }],
    startTime: t,
    containerStatuses: [{ name: 'web', ready: true, restartCount: n, started: true, image: 'nginx:1.27', imageID: 'docker-pullable://nginx@sha256:' + 'a'.repeat(64), containerID: 'docker://' + 'b'.repeat(64), state: { running: { startedAt: t } } }],
    qosClass: 'Burstable',
  };
}

async function scenario(mode: 'snapshot' | 'journal', pods: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-state-'));
  const live = join(dir, 'live');
  const file = join(live, 'state.json');
  const s = await openStore({ file, compaction: mode === 'snapshot' ? { everyCommit: true } : undefined, warn: () => {} });
  const p0 = performance.now();
  for (let i = 0; i < pods; i += 1000) await Promise.all(Array.from({ length: Math.min(1000, pods - i) }, (_, k) => s.store.create(pod(i + k))));
  const populateMs = performance.now() - p0;
  await s.persistence.compacted();
  const before = s.persistence.stats();

  const names = s.store.list('Pod').items.map((p) => p.metadata.name!);
  const lat: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < UPDATES) {
      const n = next++;
      const name = names[(n * 7919) % names.length];
      const cur = s.store.get('Pod', 'default', name)!;
      const t = performance.now();
      await s.store.update({ ...cur, status: status(n + 1) });
      lat.push(performance.now() - t);
    }
  };
  const u0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const updateMs = performance.now() - u0;
  const after = s.persistence.stats();
  await s.persistence.compacted();

  const out: Record<string, number> = {
    pods,
    populate_ms: Math.round(populateMs),
    updates: UPDATES,
    updates_per_s: Math.round(UPDATES / (updateMs / 1000)),
    commit_p50_ms: Number(percentile(lat, 50).toFixed(2)),
    commit_p99_ms: Number(percentile(lat, 99).toFixed(2)),
    writes: after.writes - before.writes,
    bytes_per_write: Math.round((after.bytesWritten - before.bytesWritten) / Math.max(1, after.writes - before.writes)),
    bytes_per_commit: Math.round((after.bytesWritten - before.bytesWritten) / UPDATES),
    snapshot_bytes: after.snapshotBytes,
    compactions: after.compactions,
    appends_while_compacting: after.appendsWhileCompacting,
  };
  if (mode === 'journal') {
    // A crash now (a copy of the folder, as kill -9 would leave it): how long the next start takes.
    const img = join(dir, 'img');
    cpSync(live, img, { recursive: true, filter: (src) => !basename(src).endsWith('.lock') });
    out.journal_bytes_at_crash = s.persistence.stats().journalBytes;
    const opens: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      // Each start on a fresh copy: a start may cut a torn tail or write the backup.
      const run = join(dir, `restart-${i}`);
      cpSync(img, run, { recursive: true });
      const o0 = performance.now();
      const r = await openStore({ file: join(run, 'state.json'), warn: () => {} });
      opens.push(performance.now() - o0);
      await r.close();
      rmSync(run, { recursive: true, force: true });
    }
    const o = summary(opens, 0);
    out.open_after_crash_p50_ms = o.median;
    out.open_after_crash_p99_ms = o.p99;
    out.open_after_crash_runs = o.count;
  }
  const c0 = performance.now();
  await s.close();
  out.close_ms = Math.round(performance.now() - c0);
  rmSync(dir, { recursive: true, force: true });
  return out;
}

export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  for (const pods of SIZES) {
    for (const mode of ['snapshot', 'journal'] as const) {
      const r = await scenario(mode, pods);
      for (const [k, v] of Object.entries(r)) figures[`${mode}.${pods}.${k}`] = v;
    }
  }
  return figures;
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(40)} ${v}`);
}
