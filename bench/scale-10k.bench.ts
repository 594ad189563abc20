// Issue 16's figures: one Deployment of 10,000 replicas on 100 simulated nodes
// (runtime sim, persistence on to a temp state file, as the real engine runs),
//   - pods/s from the Deployment's create until every pod is Ready, headless
//     and with the UI mounted on the pods view (the real <App> from components/
//     over the engine's own client, rendered in-process to a fake 200x50 stdout);
//   - RSS and heap with 10,000 idle Running pods after a forced GC, first with
//     the Events of their creation still held, then once those are gone (as the
//     event TTL would expire them): the difference is what the Events cost; and
//     the bytes the store holds by kind (JSON length of every object);
//   - store writes per minute by writer over an idle window (BENCH_IDLE_S,
//     default 60 s), next to what Kubernetes' rates allow (Lease renewal every
//     10 s per node, node status every 5 min when nothing changed). A writer is
//     named by kind and by what the write changed (the store keeps no
//     managedFields), and Events by their source component.
// Each mode runs in its own child process (--expose-gc), so memory is its own.
// BENCH_SCALE shrinks pods and nodes alike. Prints figures; asserts only counts.
//   node --import tsx bench/scale-10k.bench.ts
process.env.NODE_ENV ??= 'production';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/meta.js';
import type { WatchEvent } from '../src/api/store-types.js';
import { isMain, scaled } from './stats.js';

type Figures = Record<string, number | string>;
type Mode = 'headless' | 'ui';

const PODS = scaled(10_000);
const NODES = scaled(100);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_SCALE_TIMEOUT_MS ?? 20 * 60_000);
const mib = (b: number) => Number((b / 2 ** 20).toFixed(1));

function deployment(replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

const isReady = (p: KubeObject) =>
  !!(p.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True');

const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/** Who made this write, guessed from the kind and what changed (the store records no field manager). */
function writer(ev: WatchEvent): string {
  const o = ev.object;
  const old = ev.oldObject;
  if (o.kind === 'Event') {
    const src = (o as { source?: { component?: string } }).source?.component ?? (o as { reportingController?: string }).reportingController ?? '?';
    return `Event ${ev.type} by ${src}`;
  }
  if (o.kind === 'Lease') return `Lease ${o.metadata.namespace === 'kube-node-lease' ? 'node heartbeat (kubelet)' : o.metadata.name}`;
  if (ev.type !== 'MODIFIED' || !old) return `${o.kind} ${ev.type}`;
  const parts: string[] = [];
  if (differs(o.spec, old.spec)) parts.push('spec');
  if (differs(o.status, old.status)) parts.push('status');
  const meta = (m: KubeObject['metadata']) => ({ ...m, resourceVersion: undefined, generation: undefined, managedFields: undefined });
  if (differs(meta(o.metadata), meta(old.metadata))) parts.push('metadata');
  if (o.kind === 'Node' && parts.join() === 'status') {
    const beats = (n: KubeObject) => JSON.stringify({ ...n.status, conditions: (n.status?.conditions as { lastHeartbeatTime?: string }[] | undefined)?.map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
    return beats(o) === beats(old) ? 'Node status heartbeat only (kubelet)' : 'Node status changed (kubelet)';
  }
  return `${o.kind} ${parts.join('+') || 'nothing'}`;
}

/** writer() without serialising objects: kind, event type, Events by source, Pods by whether the write bound them. */
function quickWriter(ev: WatchEvent): string {
  const o = ev.object;
  if (o.kind === 'Event') return `Event ${ev.type} by ${(o as { source?: { component?: string } }).source?.component ?? '?'}`;
  if (o.kind === 'Pod' && ev.type === 'MODIFIED') {
    return (o.spec as { nodeName?: string } | undefined)?.nodeName !== (ev.oldObject?.spec as { nodeName?: string } | undefined)?.nodeName
      ? 'Pod binding (scheduler)'
      : 'Pod status/metadata (kubelet, controllers)';
  }
  return `${o.kind} ${ev.type}`;
}

/** Mounts the pods view on a fake 200x50 terminal, over the engine's client. */
async function mountUi(engine: import('../src/engine.js').Engine): Promise<{ frames: () => number; stop: () => void }> {
  const { render } = await import('ink-testing-library');
  const { App } = await import('../components/index.js');
  const { createElement } = await import('react');
  const client = engine.client();
  const inst = render(createElement(App, { client, version: 'bench', size: { columns: 200, rows: 50 }, initialView: 'pods' }));
  return { frames: () => inst.frames.length, stop: () => inst.unmount() };
}

async function child(mode: Mode): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-10k-'));
  const { Engine } = await import('../src/engine.js');
  const engine = new Engine({ runtime: 'sim', nodes: NODES, stateFile: join(dir, 'state.json') });
  const gc = (globalThis as { gc?: () => void }).gc;
  const f: Figures = { mode, pods: PODS, nodes: NODES };
  try {
    await engine.start();
    const store = engine.store;
    const ui = mode === 'ui' ? await mountUi(engine) : undefined;
    const ready = new Set<string>();
    let resolveAll!: () => void;
    const allReady = new Promise<void>((r) => (resolveAll = r));
    const watch = store.watch('Pod', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type !== 'DELETED' && isReady(ev.object)) ready.add(key);
      else ready.delete(key);
      if (ready.size >= PODS) resolveAll();
    });
    // Every store write up to all Ready, by writer (the cheap guess: the detailed one would cost the run time it measures).
    const upWrites = new Map<string, number>();
    const upWatch = store.watch('*', {}, (ev) => {
      const w = quickWriter(ev);
      upWrites.set(w, (upWrites.get(w) ?? 0) + 1);
    });
    const progress = setInterval(() => process.stderr.write(`  [${mode}] ready ${ready.size}/${PODS}\n`), 10_000);
    const frames0 = ui?.frames() ?? 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await engine.api.create(deployment(PODS));
    await allReady;
    const readyMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(progress);
    watch.stop();
    upWatch.stop();
    f.all_ready_ms = Math.round(readyMs);
    f.pods_per_s = Math.round(PODS / (readyMs / 1000));
    f.cpu_s = Number(((cpu.user + cpu.system) / 1e6).toFixed(1));
    f.pods_per_cpu_s = Math.round(PODS / ((cpu.user + cpu.system) / 1e6));
    if (ui) f.ui_frames_during_scale_up = ui.frames() - frames0;
    let total = 0;
    for (const [w, n] of [...upWrites].sort((a, b) => b[1] - a[1])) {
      f[`writes_to_ready.${w}`] = n;
      total += n;
    }
    f['writes_to_ready.total'] = total;
    f.writes_per_pod_to_ready = Number((total / PODS).toFixed(2));
    await engine.whenIdle();
    ui?.stop();
    if (mode === 'ui') return void process.stdout.write(`SCALE10K_RESULT ${JSON.stringify(f)}\n`);

    const pods = engine.api.list('Pod').items;
    const running = pods.filter((p) => p.status?.phase === 'Running' && isReady(p)).length;
    if (pods.length !== PODS || running !== PODS) throw new Error(`expected ${PODS} Ready pods, found ${pods.length} pods, ${running} Ready`);

    // Memory with the creation Events still held.
    gc?.();
    gc?.();
    let mem = process.memoryUsage();
    f.rss_mib_with_events = mib(mem.rss);
    f.heap_mib_with_events = mib(mem.heapUsed);
    f.events = engine.api.list('Event').items.length;
    f.events_per_pod = Number(((f.events as number) / PODS).toFixed(2));
    for (const kind of store.kinds()) {
      const items = engine.api.list(kind).items;
      let bytes = 0;
      for (const o of items) bytes += JSON.stringify(o).length;
      if (bytes > 2 ** 20 / 10) f[`store_json_mib.${kind}`] = mib(bytes);
    }

    // Writes over an idle window, by writer, as a rate per minute.
    const idle = new Map<string, number>();
    const idleWatch = store.watch('*', {}, (ev) => idle.set(writer(ev), (idle.get(writer(ev)) ?? 0) + 1));
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    idleWatch.stop();
    const perMin = 60 / IDLE_S;
    let idleTotal = 0;
    for (const [w, n] of [...idle].sort((a, b) => b[1] - a[1])) {
      f[`idle_writes_per_min.${w}`] = Math.round(n * perMin);
      idleTotal += n;
    }
    f['idle_writes_per_min.total'] = Math.round(idleTotal * perMin);
    f['idle_writes_per_min.allowed_leases'] = NODES * 6;
    f['idle_writes_per_min.allowed_node_status'] = Number((NODES / 5).toFixed(1));

    // The same once the Events are gone (expired by the TTL controller in a real run).
    const t1 = performance.now();
    const events = engine.api.list('Event').items;
    // In parallel chunks: many deletes share one group-commit write.
    for (let i = 0; i < events.length; i += 1000) {
      await Promise.all(events.slice(i, i + 1000).map((e) => store.delete('Event', e.metadata.namespace ?? '', e.metadata.name ?? '').catch(() => undefined)));
    }
    await engine.whenIdle();
    f.delete_events_ms = Math.round(performance.now() - t1);
    gc?.();
    gc?.();
    mem = process.memoryUsage();
    f.rss_mib = mib(mem.rss);
    f.heap_mib = mib(mem.heapUsed);
    f.heap_mib_in_events = Number(((f.heap_mib_with_events as number) - f.heap_mib).toFixed(1));
    f.heap_kb_per_pod = Number(((mem.heapUsed / PODS) / 1024).toFixed(1));
    // BENCH_HEAP_SNAPSHOT=file: a heap snapshot of this state, to see where the bytes go.
    if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    process.stdout.write(`SCALE10K_RESULT ${JSON.stringify(f)}\n`);
  } finally {
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(mode: Mode): Promise<Figures> {
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const args = ['--expose-gc', ...extra, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode];
  return new Promise((resolve) => {
    const cp = execFile(process.execPath, args, { timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 2 ** 20, env: process.env }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('SCALE10K_RESULT '));
      if (line) return resolve(JSON.parse(line.slice('SCALE10K_RESULT '.length)) as Figures);
      const thrown = stderr.split('\n').find((l) => /^\w*Error\b/.test(l));
      resolve({ mode, error: err?.killed ? 'timeout' : (thrown ?? err?.message ?? 'no result') });
    });
    cp.stderr?.pipe(process.stderr);
  });
}

export async function run(): Promise<Figures> {
  const out: Figures = {};
  const only = process.env.BENCH_MODE as Mode | undefined;
  for (const mode of ['headless', 'ui'] as const) {
    if (only && only !== mode) continue;
    const r = await runChild(mode);
    for (const [k, v] of Object.entries(r)) if (k !== 'mode') out[`${mode}.${k}`] = v;
  }
  return out;
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--child');
  if (i > 0) {
    await child(process.argv[i + 1] as Mode);
    process.exit(0);
  }
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(56)} ${v}`);
  process.exit(0);
}
