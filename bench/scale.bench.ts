// How cost grows with the number of pods (issue 10): for 1k, 10k and 50k
// simulated pods, one whole Engine (runtime sim, persistence on to a temp
// state file, ~100 pods per node as Kubernetes' 110-pod default allows) is
// given Deployments of 500 replicas totalling N pods, and we measure
//   - pods/s from the first create until every pod is Running (asserted:
//     exactly N pods, all Running, every Deployment fully available),
//   - RSS and heap once the engine is idle (after a forced GC), and the CPU
//     the idle cluster keeps using (heartbeats, relists) over 5 s,
//   - the state file's size and the latency of one durable mutation when the
//     cluster holds N pods (a lone ConfigMap create: it resolves only when the
//     group-commit write that carries it reached disk, so it is one write),
//   - the UI frame time of the pods view holding those N pods (the real <App>
//     over an in-memory client seeded with the engine's pods, as ui.bench.tsx).
// Each size runs in its own child process, so memory is that size's alone and
// a 50k run cannot starve the next one. Writes bench/results/scaling.svg.
//   node --import tsx bench/scale.bench.ts     (BENCH_SCALE=0.1 for a quick run)
// Timings are printed, never asserted; counts are asserted.
// React's development build profiles every prop diff; measure what users run.
process.env.NODE_ENV ??= 'production';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/meta.js';
import { isMain, scaled, summary } from './stats.js';
import { renderChart } from './svg-chart.js';

type Figures = Record<string, number | string>;

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = [1000, 10_000, 50_000];
const PODS_PER_NODE = 100;
const REPLICAS_PER_DEPLOYMENT = 500;
const WRITE_SAMPLES = 15;
const UI_SAMPLES = 20;
const IDLE_SAMPLE_MS = 5000;
/** A child that takes longer than this is killed and its size reported as a timeout. */
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_SCALE_TIMEOUT_MS ?? 15 * 60_000);

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

const ms = (x: number) => Number(x.toFixed(2));
const mib = (b: number) => Number((b / 2 ** 20).toFixed(1));

/** Bytes of the state file and everything persistence keeps beside it (journal, backup, key), not kubelet data. */
async function stateBytes(file: string): Promise<{ file: number; all: number }> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let all = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name.startsWith(base.replace(/\.json$/, ''))) all += (await stat(join(dir, e.name))).size;
  }
  // With a journal, the snapshot file may not exist yet (nothing compacted so far).
  const own = await stat(file).catch(() => undefined);
  return { file: own?.size ?? 0, all };
}

/** One size, in this process: the engine part. */
async function measureEngine(pods: number, dir: string): Promise<{ figures: Figures; seed: KubeObject[] }> {
  const { Engine } = await import('../src/engine.js');
  const nodes = Math.max(1, Math.ceil(pods / PODS_PER_NODE));
  const engine = new Engine({ runtime: 'sim', nodes, stateFile: join(dir, 'state.json') });
  const s0 = performance.now();
  await engine.start();
  const startMs = performance.now() - s0;
  try {
    const api = engine.api;
    // Running pods counted from the watch (listing 50k pods per event would be the bench's own O(n²)).
    const running = new Set<string>();
    let resolveAll!: () => void;
    const allRunning = new Promise<void>((r) => (resolveAll = r));
    const watch = engine.store.watch('Pod', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type !== 'DELETED' && ev.object.status?.phase === 'Running') running.add(key);
      else running.delete(key);
      if (running.size >= pods) resolveAll();
    });
    const progress = setInterval(() => process.stderr.write(`  [${pods}] running ${running.size}/${pods}\n`), 10_000);

    const deployments: { name: string; replicas: number }[] = [];
    for (let left = pods, i = 0; left > 0; i++) {
      const replicas = Math.min(REPLICAS_PER_DEPLOYMENT, left);
      deployments.push({ name: `web-${i}`, replicas });
      left -= replicas;
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // All at once, as `kubectl apply -f folder/` or a GitOps sync would send them.
    await Promise.all(deployments.map((d) => api.create(deployment(d.name, d.replicas))));
    await allRunning;
    const runningMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds the engine spent (user + system): on a shared machine wall time also counts other processes' turns.
    const cpuS = (cpu.user + cpu.system) / 1e6;
    clearInterval(progress);
    watch.stop();
    await engine.whenIdle();
    const idleMs = performance.now() - t0;

    // Correctness at scale: exactly N pods, all Running, every Deployment available.
    const all = api.list('Pod').items;
    const runningNow = all.filter((p) => p.status?.phase === 'Running').length;
    if (all.length !== pods || runningNow !== pods) throw new Error(`expected ${pods} pods all Running, found ${all.length} pods, ${runningNow} Running`);
    for (const d of deployments) {
      const st = api.get('Deployment', 'default', d.name)?.status;
      if (st?.availableReplicas !== d.replicas || st?.replicas !== d.replicas) {
        throw new Error(`Deployment ${d.name}: want ${d.replicas} available, status ${JSON.stringify(st)}`);
      }
    }

    // Memory once idle: what the engine keeps for N pods, not garbage in flight.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const mem = process.memoryUsage();

    // What the idle cluster costs: heartbeats, relists, lease renewals over a few quiet seconds.
    const idle0 = process.cpuUsage();
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
    const idleCpu = process.cpuUsage(idle0);
    const idleCpuPct = ((idleCpu.user + idleCpu.system) / 1e3 / (performance.now() - idleT0)) * 100;

    // One durable mutation at this size = one group-commit write of the state.
    const stateFile = engine.stateFile!;
    const write: number[] = [];
    for (let i = 0; i < WRITE_SAMPLES; i++) {
      const t = performance.now();
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `probe-${i}`, namespace: 'default' }, data: { i: String(i) } });
      write.push(performance.now() - t);
    }
    const w = summary(write);
    const bytes = await stateBytes(stateFile);

    const seed = [...api.list('Node').items, ...all];
    return {
      seed,
      figures: {
        pods,
        nodes,
        deployments: deployments.length,
        running: runningNow,
        engine_start_ms: Math.round(startMs),
        all_running_ms: Math.round(runningMs),
        pods_per_s: Math.round(pods / (runningMs / 1000)),
        cpu_s: Number(cpuS.toFixed(1)),
        pods_per_cpu_s: Math.round(pods / cpuS),
        load_avg_1m: Number(os.loadavg()[0].toFixed(1)),
        idle_ms: Math.round(idleMs),
        idle_cpu_pct: Number(idleCpuPct.toFixed(1)),
        rss_mib: mib(mem.rss),
        heap_used_mib: mib(mem.heapUsed),
        state_write_ms_median: w.median,
        state_write_ms_p99: w.p99,
        state_file_mib: mib(bytes.file),
        state_files_total_mib: mib(bytes.all),
      },
    };
  } finally {
    await engine.stop();
  }
}

/** The pods view with the engine's N pods: mount → first full frame, one pod changing → next frame, j/k → next frame. */
async function measureUi(seed: KubeObject[], pods: number): Promise<Figures> {
  const { render } = await import('ink-testing-library');
  const { App } = await import('../components/index.js');
  const { createElement } = await import('react');
  const { FakeClock } = await import('../src/util/clock.js');
  const { FakeClusterClient } = await import('../test/ui/fake-client.js');
  const immediate = () => new Promise<void>((r) => setImmediate(r));
  const client = new FakeClusterClient(seed);
  const clock = new FakeClock(Date.now());
  const t0 = performance.now();
  const inst = render(createElement(App, { client, version: 'bench', clock, size: { columns: 160, rows: 50 } }));
  const frames = () => inst.frames.length;
  const nextFrame = async (before: number) => {
    for (let i = 0; frames() === before && i < 100_000; i++) await immediate();
  };
  try {
    clock.advance(100);
    for (let i = 0; !inst.lastFrame()?.includes(`[${pods}]`) && i < 100_000; i++) await immediate();
    const first = performance.now() - t0;
    if (!inst.lastFrame()?.includes(`[${pods}]`)) throw new Error(`UI: the pods view never showed [${pods}]:\n${inst.lastFrame()}`);
    const pod = seed.filter((o) => o.kind === 'Pod');
    const update: number[] = [];
    for (let i = 0; i < UI_SAMPLES; i++) {
      const p = pod[(i * 7919) % pod.length];
      client.put({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, touched: String(i) } } });
      const before = frames();
      const t = performance.now();
      clock.advance(100);
      await nextFrame(before);
      update.push(performance.now() - t);
    }
    const key: number[] = [];
    for (let i = 0; i < UI_SAMPLES; i++) {
      const before = frames();
      const t = performance.now();
      inst.stdin.write(i % 2 ? 'k' : 'j');
      await nextFrame(before);
      key.push(performance.now() - t);
    }
    const u = summary(update);
    const k = summary(key);
    return {
      ui_first_frame_ms: ms(first),
      ui_update_frame_ms_median: u.median,
      ui_update_frame_ms_p99: u.p99,
      ui_keypress_frame_ms_median: k.median,
      ui_keypress_frame_ms_p99: k.p99,
    };
  } finally {
    inst.unmount();
  }
}

/** Child mode: one size, figures as one JSON line on stdout. */
async function child(pods: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-scale-'));
  try {
    const { figures, seed } = await measureEngine(pods, dir);
    // A warm-up render so module loading and JIT are not counted as a frame.
    const fewPods = seed.filter((o) => o.kind === 'Pod').slice(0, 10);
    await measureUi([...seed.filter((o) => o.kind === 'Node').slice(0, 2), ...fewPods], fewPods.length);
    Object.assign(figures, await measureUi(seed, pods));
    process.stdout.write(`SCALE_RESULT ${JSON.stringify(figures)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(pods: number): Promise<Figures> {
  const args = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(pods)];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const cp = execFile(process.execPath, args, { timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 2 ** 20, env: process.env }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('SCALE_RESULT '));
      if (line) return resolve(JSON.parse(line.slice('SCALE_RESULT '.length)) as Figures);
      const thrown = stderr.split('\n').find((l) => /^\w*Error\b/.test(l));
      const why = err?.killed ? `timeout after ${Math.round((performance.now() - t0) / 1000)} s` : (thrown ?? err?.message ?? 'no result');
      resolve({ pods, error: why });
    });
    cp.stderr?.pipe(process.stderr);
  });
}

function writeChart(rows: Figures[]): string {
  const ok = rows.filter((r) => !r.error);
  const xs = ok.map((r) => Number(r.pods));
  const col = (k: string) => ok.map((r) => (typeof r[k] === 'number' ? (r[k] as number) : undefined));
  /** A panel whose lines are figures of the rows as they are: [legend, figure key, colour] each. */
  const panel = (title: string, unit: string, ...lines: [name: string, key: string, color: string][]) => ({
    title,
    unit,
    series: lines.map(([name, key, color]) => ({ name, values: col(key), color })),
  });
  const svg = renderChart({
    title: 'kubeterm: how cost grows with simulated pods (medians; one engine per size, persistence on)',
    subtitle: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average at the end of each run ${ok.map((r) => r.load_avg_1m).join(' / ')} — bench/scale.bench.ts`,
    xs,
    xLabel: 'pods',
    panels: [
      panel('Throughput to all Running', 'pods/s', ['per wall-clock s', 'pods_per_s', '#1f77b4'], ['per CPU s', 'pods_per_cpu_s', '#aec7e8']),
      {
        title: 'Time until all Running',
        unit: 's',
        series: [{ name: 'wall clock', values: ok.map((r) => (typeof r.all_running_ms === 'number' ? r.all_running_ms / 1000 : undefined)), color: '#17becf' }],
      },
      panel('Memory when idle', 'MiB', ['RSS', 'rss_mib', '#d62728'], ['heap used', 'heap_used_mib', '#ff7f0e']),
      panel('One durable write', 'ms', ['median', 'state_write_ms_median', '#2ca02c'], ['p99', 'state_write_ms_p99', '#98df8a']),
      panel('State on disk', 'MiB', ['state file', 'state_file_mib', '#7f7f7f'], ['with journal/backup', 'state_files_total_mib', '#c7c7c7']),
      panel('UI pods view frame', 'ms', ['watch update', 'ui_update_frame_ms_median', '#9467bd'], ['keypress', 'ui_keypress_frame_ms_median', '#8c564b']),
    ],
    columns: 3,
  });
  const out = join(here, 'results', 'scaling.svg');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, svg);
  return out;
}

export async function run(): Promise<Figures> {
  const sizes = [...new Set(SIZES.map(scaled))];
  const rows: Figures[] = [];
  for (const n of sizes) {
    const r = await runChild(n);
    console.log(`  ${n} pods: ${JSON.stringify(r)}`);
    rows.push(r);
  }
  const chart = writeChart(rows);
  const out: Figures = { chart: path.relative(process.cwd(), chart) };
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) if (k !== 'pods') out[`pods${r.pods}.${k}`] = v;
  }
  const failed = rows.filter((r) => r.error);
  if (failed.length) throw new Error(`scale: ${failed.map((r) => `${r.pods} pods: ${r.error}`).join('; ')}`);
  return out;
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--child');
  if (i > 0) {
    await child(Number(process.argv[i + 1]));
    process.exit(0);
  }
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(44)} ${v}`);
  process.exit(0);
}
