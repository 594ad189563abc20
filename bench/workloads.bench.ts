// Workload controllers at scale, on an in-memory store with a stand-in
// kubelet (no runtime): a DaemonSet over 100 nodes, a 50-replica Parallel
// StatefulSet, an Indexed Job of 200 completions at parallelism 50 whose pods
// succeed as they start, a CronJob schedule evaluated over a year of minutes,
// and 10 000 HPA replica calculations. Prints wall times, reconciles and store
// writes; asserts nothing.
//   node --import tsx bench/workloads.bench.ts      (BENCH_SCALE=0.1 for a quick run)
import { parseSchedule } from '../src/api/cron.js';
import type { KubeObject } from '../src/api/meta.js';
import { resourceReplicas, type PodSample } from '../src/controllers/hpa-replicas.js';
import { WorkloadKubelet } from '../test/controllers/workload-kubelet.js';
import { startControllerCluster } from './controller-cluster.js';
import { isMain, scaled, summary } from './stats.js';

const NODES = scaled(100);
const STS_REPLICAS = scaled(50);
const COMPLETIONS = scaled(200);
const PARALLELISM = Math.max(1, scaled(50));
const HPA_CALCS = scaled(10_000);

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

export async function run(): Promise<Record<string, number | string>> {
  const kubelet = new WorkloadKubelet();
  const { api, mgr, reconciles, rv } = await startControllerCluster(kubelet);
  const out: Record<string, number | string> = {};
  const phase = async (name: string, act: () => Promise<void>, done: () => boolean) => {
    const t0 = performance.now();
    const r0 = reconciles();
    const v0 = rv();
    await act();
    await mgr.whenIdle();
    out[`${name}.converged`] = String(done());
    out[`${name}.total_ms`] = Math.round(performance.now() - t0);
    out[`${name}.reconciles`] = reconciles() - r0;
    out[`${name}.store_writes`] = rv() - v0;
  };

  for (let i = 0; i < NODES; i++) await api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` } });
  await mgr.whenIdle();
  await phase(
    'daemonset',
    async () => {
      await api.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
    },
    () => api.get('DaemonSet', 'default', 'agent')?.status?.numberReady === NODES,
  );
  await phase(
    'statefulset',
    async () => {
      await api.create({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'default' },
        spec: { replicas: STS_REPLICAS, podManagementPolicy: 'Parallel', serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') },
      });
    },
    () => api.get('StatefulSet', 'default', 'db')?.status?.readyReplicas === STS_REPLICAS,
  );
  // Job pods succeed as soon as they run.
  const finisher = api.watch('Pod', { resourceVersion: '' }, (ev) => {
    const p = ev.object as KubeObject;
    if (ev.type !== 'DELETED' && p.metadata.labels?.['job-name'] === 'batch' && p.status?.phase === 'Running') {
      void kubelet.finish(p.metadata.name!, 'Succeeded').catch(() => undefined);
    }
  });
  await phase(
    'indexed_job',
    async () => {
      await api.create({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'batch', namespace: 'default' },
        spec: { completions: COMPLETIONS, parallelism: PARALLELISM, completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      });
    },
    () => (api.get('Job', 'default', 'batch')?.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Complete'),
  );
  finisher.stop();
  await mgr.stop();

  const sched = parseSchedule('*/5 9-17 * * mon-fri', 'Europe/Berlin');
  let t = Date.parse('2026-01-01T00:00:00Z');
  let runs = 0;
  const t0 = performance.now();
  while (t < Date.parse('2027-01-01T00:00:00Z')) {
    const n = sched.next(t);
    if (n === undefined) break;
    t = n;
    runs++;
  }
  const cronMs = performance.now() - t0;
  out['cron.activations_per_year'] = runs;
  out['cron.next_us'] = Number(((cronMs * 1000) / runs).toFixed(2));

  const samples: number[] = [];
  const now = Date.parse('2026-01-01T01:00:00Z');
  const pods: PodSample[] = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, request: 200, usage: 100 + i * 10, phase: 'Running', ready: true, startTime: now - 3600_000 }));
  for (let i = 0; i < HPA_CALCS; i++) {
    const s = performance.now();
    resourceReplicas(20, pods, 'cpu', { utilization: 70 }, now);
    samples.push((performance.now() - s) * 1000);
  }
  const hs = summary(samples);
  out['hpa.calc_median_us'] = hs.median;
  out['hpa.calc_p99_us'] = hs.p99;
  out['hpa.calcs'] = hs.count;
  return { nodes: NODES, ...out };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(28)} ${v}`);
}
