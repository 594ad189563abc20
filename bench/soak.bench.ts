// Soak: the embedded engine on the simulated runtime, persisting to a temp
// state file, under steady churn — Deployments created, rolled (new image),
// scaled and deleted; ConfigMaps and Secrets written and removed — for
// SOAK_SECONDS (default 60; the documented long run is SOAK_SECONDS=1800).
// Every sample period it records RSS, heap, live object counts, state file
// size and the latency of the mutations in that period, prints the series,
// and a flatness figure: the median of the last third over the median of the
// first third (1.00 = flat). Figures are printed, never asserted.
//
//   node --import tsx bench/soak.bench.ts                 # 60 s
//   SOAK_SECONDS=1800 node --import tsx bench/soak.bench.ts   # the 30-minute run
//   node --expose-gc --import tsx bench/soak.bench.ts     # heap sampled after a GC (steadier)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStatusError } from '../src/api/errors.js';
import type { KubeObject } from '../src/api/meta.js';
import { Engine } from '../src/engine.js';
import { runIfMain } from './main.js';
import { percentile } from './stats.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? Math.max(2000, Math.round((SECONDS * 1000) / 30)));
/** Mutations per second the churn aims for. */
const RATE = Number(process.env.SOAK_RATE ?? 40);
const DEPLOYMENTS = Number(process.env.SOAK_DEPLOYMENTS ?? 12);
// kube-apiserver's --event-ttl (default 1 h). Churn makes ~250 Events/s here, all kept for the TTL: memory can only
// level off once the oldest expire, so a 30-minute run shows the plateau with a TTL shorter than the run.
const EVENT_TTL_S = process.env.SOAK_EVENT_TTL_SECONDS ? Number(process.env.SOAK_EVENT_TTL_SECONDS) : undefined;

interface Sample {
  t: number;
  rssMB: number;
  heapMB: number;
  objects: number;
  pods: number;
  events: number;
  stateKB: number;
  mutations: number;
  p50: number;
  p99: number;
  errors: number;
}

const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc;

function deployment(name: string, image: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { soak: 'yes' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** median(last third) / median(first third) of a series: 1.00 is flat. */
function flatness(xs: number[]): number {
  if (xs.length < 3) return NaN;
  const third = Math.max(1, Math.floor(xs.length / 3));
  const first = median(xs.slice(0, third));
  const last = median(xs.slice(-third));
  return Number((first === 0 ? (last === 0 ? 1 : Infinity) : last / first).toFixed(2));
}

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-soak-'));
  const stateFile = join(dir, 'state.json');
  const engine = new Engine({
    runtime: 'sim',
    nodes: 2,
    stateFile,
    nodeCapacity: { cpu: 64, memory: 256 * 2 ** 30, pods: 500 },
    ...(EVENT_TTL_S !== undefined ? { eventTTLMs: EVENT_TTL_S * 1000 } : {}),
  });
  await engine.start();
  const api = engine.api;
  const latencies: number[] = [];
  let errors = 0;
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      // NotFound/AlreadyExists/Conflict are expected in random churn; anything else is counted too.
      if (!isStatusError(e)) throw e;
      errors++;
    }
    latencies.push(performance.now() - t0);
  };

  const names = Array.from({ length: DEPLOYMENTS }, (_, i) => `soak-${i}`);
  let generation = 0;
  const churnOnce = async () => {
    const name = names[rand(names.length)];
    const live = api.get('Deployment', 'default', name);
    const roll = rand(10);
    if (!live) return timed(() => api.create(deployment(name, `nginx:1.${generation++ % 30}`, 1 + rand(3))));
    if (roll < 4) {
      return timed(() =>
        api.modify('Deployment', 'default', name, (d) => {
          d.spec.template.spec.containers[0].image = `nginx:1.${generation++ % 30}`; // a rolling update
        }),
      );
    }
    if (roll < 6) return timed(() => api.scale('Deployment', 'default', name, rand(4)));
    if (roll < 7) return timed(() => api.delete('Deployment', 'default', name));
    const cm = `cfg-${rand(20)}`;
    if (roll < 9) {
      const kind = rand(2) ? 'ConfigMap' : 'Secret';
      const obj: KubeObject =
        kind === 'ConfigMap'
          ? { apiVersion: 'v1', kind, metadata: { name: cm, namespace: 'default' }, data: { v: String(generation++) } }
          : { apiVersion: 'v1', kind, metadata: { name: cm, namespace: 'default' }, stringData: { v: `secret-${generation++}` } };
      return timed(() => api.apply(obj));
    }
    return timed(() => api.delete(rand(2) ? 'ConfigMap' : 'Secret', 'default', cm));
  };

  const samples: Sample[] = [];
  const t0 = Date.now();
  let windowStart = 0;
  const sample = () => {
    gc?.();
    const mem = process.memoryUsage();
    const window = latencies.slice(windowStart);
    windowStart = latencies.length;
    let objects = 0;
    for (const k of api.store.kinds()) objects += api.list(k).items.length;
    // The snapshot plus its journal (state/journal-format.ts): together they are the state on disk.
    let stateBytes = 0;
    for (const f of [stateFile, `${stateFile}.journal`]) {
      try {
        stateBytes += statSync(f).size;
      } catch {
        /* not written yet */
      }
    }
    const stateKB = Math.round(stateBytes / 1024);
    samples.push({
      t: Math.round((Date.now() - t0) / 1000),
      rssMB: Math.round(mem.rss / 2 ** 20),
      heapMB: Math.round(mem.heapUsed / 2 ** 20),
      objects,
      pods: api.list('Pod').items.length,
      events: api.list('Event').items.length,
      stateKB,
      mutations: window.length,
      p50: Number(median(window).toFixed(2)),
      p99: Number(percentile(window, 99).toFixed(2)),
      errors,
    });
  };

  const end = t0 + SECONDS * 1000;
  let nextSample = t0 + SAMPLE_MS;
  const gap = 1000 / RATE;
  while (Date.now() < end) {
    const started = performance.now();
    await churnOnce();
    if (Date.now() >= nextSample) {
      sample();
      nextSample += SAMPLE_MS;
    }
    const spare = gap - (performance.now() - started);
    if (spare > 0) await sleep(spare);
  }
  if (latencies.length > windowStart) sample(); // the tail since the last sample, if any
  await engine.whenIdle().catch(() => {});
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });

  console.log(`soak: ${SECONDS} s, sample every ${SAMPLE_MS} ms, ~${RATE} mutations/s over ${DEPLOYMENTS} Deployments + ConfigMaps/Secrets, Event TTL ${EVENT_TTL_S !== undefined ? `${EVENT_TTL_S} s` : '1 h (default)'}${gc ? ', heap after GC' : ''}`);
  console.log('   t(s)  rss(MB) heap(MB)  objects  pods  events  state(KB)  muts  p50(ms)  p99(ms)');
  for (const s of samples) {
    console.log(
      `${String(s.t).padStart(7)} ${String(s.rssMB).padStart(8)} ${String(s.heapMB).padStart(8)} ${String(s.objects).padStart(8)} ${String(s.pods).padStart(5)} ${String(s.events).padStart(7)} ${String(s.stateKB).padStart(10)} ${String(s.mutations).padStart(5)} ${String(s.p50).padStart(8)} ${String(s.p99).padStart(8)}`,
    );
  }
  const steady = samples.filter((s) => s.mutations > 0);
  return {
    seconds: SECONDS,
    samples: samples.length,
    mutations: latencies.length,
    refused_mutations: errors,
    mutation_p50_ms: Number(median(latencies).toFixed(2)),
    mutation_p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    rss_first_mb: samples[0]?.rssMB ?? 0,
    rss_last_mb: samples[samples.length - 1]?.rssMB ?? 0,
    rss_flatness: flatness(steady.map((s) => s.rssMB)),
    heap_flatness: flatness(steady.map((s) => s.heapMB)),
    p50_flatness: flatness(steady.map((s) => s.p50)),
    p99_flatness: flatness(steady.map((s) => s.p99)),
    objects_flatness: flatness(steady.map((s) => s.objects)),
    // Events are kept without a TTL (Kubernetes drops them after 1 h): they are what grows; the rest should be flat.
    non_event_objects_flatness: flatness(steady.map((s) => s.objects - s.events)),
    events_last: samples[samples.length - 1]?.events ?? 0,
    state_kb_last: samples[samples.length - 1]?.stateKB ?? 0,
  };
}

runIfMain(import.meta.url, run, 24);
