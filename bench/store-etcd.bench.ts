// kubeterm's store against etcd, the same work in one run, one after the other:
//  1. 10,000 creates of a ~2 KB Pod from 64 concurrent clients, each
//     acknowledged only once durable (fsync);
//  2. a full list of them;
//  3. watch delivery to 100 watchers while 1,000 more pods are created by the
//     64 clients: time from issuing a write to each watcher receiving it.
// Three targets, named in every figure:
//  - kubeterm-store: the durable store (state/: journal + group commit, state
//    file on, temp dir) driven in this process — the store itself, no network:
//    the store-to-store figure. Its list hands out references; its watch
//    handlers run when the change is in memory (before its fsync).
//  - kubeterm-http: kubeterm's API server over the same kind of store, in a
//    process of its own (store-etcd-server.ts), over plain HTTP: what a user's
//    client sees (authentication, defaults, validation, JSON in and out).
//  - etcd: Debian's etcd-server (defaults: every write waits for its WAL
//    fsync) in its own process on 127.0.0.1, through its JSON gRPC-gateway
//    (values base64 in JSON); creates are the apiserver's create transaction
//    (put if the key's create_revision is 0), the list one range over the
//    prefix, the watches gateway watch streams on it.
// Every HTTP client uses node's http with keep-alive agents. Prints ops/s and
// p50/p99 per target; asserts nothing. BENCH_SCALE shrinks the counts;
// BENCH_TARGETS picks targets; BENCH_SERVER_PROF=<dir> CPU-profiles kubeterm's server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/meta.js';
import { openStore } from '../state/index.js';
import { httpCall, onEachLine } from './bench-helpers.js';
import { b64, processCpuMs, startEtcd } from './etcd-process.js';
import { runIfMain } from './main.js';
import { percentile, scaled } from './stats.js';

const PODS = scaled(10_000);
const CLIENTS = 64;
const WATCHERS = Math.max(2, Math.round(100 * Math.min(1, Number(process.env.BENCH_SCALE ?? '1') || 1)));
const WATCH_WRITES = scaled(1000);
const LISTS = 5;
const r2 = (x: number) => Number(x.toFixed(2));

/** A ~2 KB Pod, as a controller would create it. */
export function benchPod(name: string, namespace: string): KubeObject {
  const spec = {
    containers: [
      {
        name: 'web',
        image: 'registry.example/team/web:1.27.3',
        ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        env: Array.from({ length: 8 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${k}-${'v'.repeat(32)}` })),
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8c6b5' },
      annotations: { 'example.com/owner': 'team-web', 'example.com/revision': '42' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5', uid: '0f8e1c52-5d0e-4c1a-9d7e-1b2c3d4e5f60', controller: true, blockOwnerDeletion: true }],
    },
    spec,
  } as KubeObject;
}

interface Target {
  name: string;
  create(i: number): Promise<void>;
  /** One full list: how long it took and how many pods it held. */
  list(): Promise<{ ms: number; items: number }>;
  /** Starts `n` watchers on namespace `watch`; resolves once all are watching, with a function that stops them. */
  watch(n: number, onEvent: (name: string) => void): Promise<() => void>;
  createWatched(i: number): Promise<void>;
  /** CPU ms the serving side has used so far (this process for the in-process store). */
  cpuMs(): number;
  stop(): Promise<void>;
}

async function measure(t: Target): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const key = (phase: string, figure: string) => `${phase}.${t.name}.${figure}`;
  // ---- creates ----
  const lat: number[] = [];
  let next = 0;
  const cpu0 = t.cpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < PODS) {
        const i = next++;
        const s = performance.now();
        await t.create(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  out[key('create', 'opsPerSec')] = Math.round(PODS / secs);
  out[key('create', 'p50Ms')] = r2(percentile(lat, 50));
  out[key('create', 'p99Ms')] = r2(percentile(lat, 99));
  // CPU the serving side spent per create: steadier than throughput on a busy machine.
  out[key('create', 'cpuMsPerOp')] = Number(((t.cpuMs() - cpu0) / PODS).toFixed(3));
  // ---- full list ----
  const lists: number[] = [];
  let items = 0;
  for (let r = 0; r < LISTS; r++) {
    const l = await t.list();
    lists.push(l.ms);
    items = l.items;
  }
  out[key('list', 'items')] = items;
  out[key('list', 'p50Ms')] = r2(percentile(lists, 50));
  out[key('list', 'p99Ms')] = r2(percentile(lists, 99));
  // ---- watch delivery ----
  const sentAt = new Map<string, number>();
  const delivery: number[] = [];
  const expected = WATCHERS * WATCH_WRITES;
  let lastAt = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const stopWatching = await t.watch(WATCHERS, (name) => {
    const at = performance.now();
    const sent = sentAt.get(name);
    if (sent === undefined) return;
    delivery.push(at - sent);
    lastAt = at;
    if (delivery.length === expected) done();
  });
  let w = 0;
  const w0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (w < WATCH_WRITES) {
        const i = w++;
        sentAt.set(`wpod-${i}`, performance.now());
        await t.createWatched(i);
      }
    }),
  );
  await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
  stopWatching();
  out[key('watch', 'delivered')] = delivery.length;
  out[key('watch', 'eventsPerSec')] = Math.round(delivery.length / ((lastAt - w0) / 1000));
  out[key('watch', 'p50Ms')] = r2(percentile(delivery, 50));
  out[key('watch', 'p99Ms')] = r2(percentile(delivery, 99));
  return out;
}

// ---- kubeterm's store, in this process ----

async function kubetermStore(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-store-'));
  const s = await openStore({ file: join(dir, 'state.json') });
  return {
    name: 'kubeterm-store',
    create: async (i) => void (await s.store.create(benchPod(`pod-${i}`, 'bench'))),
    list: async () => {
      const t = performance.now();
      const l = s.store.list('Pod', { namespace: 'bench' });
      return { ms: performance.now() - t, items: l.items.length };
    },
    watch: async (n, onEvent) => {
      const handles = Array.from({ length: n }, () => s.store.watch('Pod', { namespace: 'watch' }, (ev) => onEvent(ev.object.metadata.name ?? '')));
      return () => handles.forEach((h) => h.stop());
    },
    createWatched: async (i) => void (await s.store.create(benchPod(`wpod-${i}`, 'watch'))),
    cpuMs: () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    },
    stop: async () => {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- shared HTTP plumbing ----

/** `n` streaming requests, each line handed to `onLine`; resolves once every stream has answered and `ready` says it watches. */
function streams(n: number, open: (agent: Agent) => ClientRequest, ready: (line: string) => boolean, onLine: (line: string) => void): Promise<() => void> {
  const agent = new Agent({ keepAlive: true, maxSockets: n });
  const reqs: ClientRequest[] = [];
  return new Promise((resolve, reject) => {
    let started = 0;
    const stop = () => {
      for (const r of reqs) r.destroy();
      agent.destroy();
    };
    for (let k = 0; k < n; k++) {
      const req = open(agent);
      let isReady = false;
      const markReady = () => {
        if (isReady) return;
        isReady = true;
        if (++started === n) resolve(stop);
      };
      req.on('response', (res) => {
        if (res.statusCode !== 200) reject(new Error(`watch answered ${res.statusCode}`));
        if (ready('')) markReady();
        onEachLine(res, (line) => {
          if (!isReady && ready(line)) markReady();
          onLine(line);
        });
      });
      req.on('error', (e) => {
        if (started < n) reject(e);
      });
      req.end();
      reqs.push(req);
    }
  });
}

// ---- kubeterm's API server, in its own process ----

async function kubetermHttp(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-http-'));
  const script = join(dirname(fileURLToPath(import.meta.url)), 'store-etcd-server.ts');
  const profile = process.env.BENCH_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, dir, 'bench', 'watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(JSON.parse(buf.slice(0, i)) as { url: string; token: string });
    });
    child.once('exit', (code) => reject(new Error(`kubeterm server exited with ${code}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const auth = { Authorization: `Bearer ${token}` };
  const post = async (ns: string, name: string) => {
    const r = await httpCall(agent, `${url}/api/v1/namespaces/${ns}/pods`, 'POST', { ...auth, 'Content-Type': 'application/json' }, JSON.stringify(benchPod(name, ns)));
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text.slice(0, 200)}`);
  };
  return {
    name: 'kubeterm-http',
    create: (i) => post('bench', `pod-${i}`),
    list: async () => {
      const r = await httpCall(agent, `${url}/api/v1/namespaces/bench/pods`, 'GET', auth);
      return { ms: r.ms, items: (JSON.parse(r.text) as { items: unknown[] }).items.length };
    },
    watch: (n, onEvent) =>
      streams(
        n,
        (a) => request(`${url}/api/v1/namespaces/watch/pods?watch=true`, { agent: a, headers: auth }),
        () => true,
        (line) => {
          const m = /"name":"(wpod-\d+)"/.exec(line);
          if (m) onEvent(m[1]);
        },
      ),
    createWatched: (i) => post('watch', `wpod-${i}`),
    cpuMs: () => processCpuMs(child.pid!),
    stop: async () => {
      agent.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- etcd ----

async function etcdTarget(): Promise<{ target: Target; version: string }> {
  const etcd = await startEtcd(CLIENTS);
  const createTxn = async (key: string, value: string) => {
    const k = b64(key);
    const r = await etcd.post('kv/txn', {
      compare: [{ key: k, target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      success: [{ request_put: { key: k, value: b64(value) } }],
    });
    if (r.status !== 200 || !r.text.includes('"succeeded":true')) throw new Error(`etcd create ${key}: ${r.status} ${r.text.slice(0, 200)}`);
  };
  const target: Target = {
    name: 'etcd',
    create: (i) => createTxn(`/registry/pods/bench/pod-${i}`, JSON.stringify(benchPod(`pod-${i}`, 'bench'))),
    list: async () => {
      const r = await etcd.post('kv/range', { key: b64('/registry/pods/bench/'), range_end: b64('/registry/pods/bench0') });
      return { ms: r.ms, items: Number(/"count":"(\d+)"/.exec(r.text)?.[1] ?? 0) };
    },
    watch: (n, onEvent) => {
      const body = JSON.stringify({ create_request: { key: b64('/registry/pods/watch/'), range_end: b64('/registry/pods/watch0') } });
      return streams(
        n,
        (a) => {
          const req = request(`${etcd.url}${etcd.prefix}watch`, { method: 'POST', agent: a, headers: { 'Content-Type': 'application/json' } });
          req.write(body);
          return req;
        },
        (line) => line.includes('"created":true'),
        (line) => {
          for (const m of line.matchAll(/"key":"([^"]+)"/g)) onEvent(Buffer.from(m[1], 'base64').toString('utf8').split('/').pop() ?? '');
        },
      );
    },
    createWatched: (i) => createTxn(`/registry/pods/watch/wpod-${i}`, JSON.stringify(benchPod(`wpod-${i}`, 'watch'))),
    cpuMs: () => processCpuMs(etcd.pid),
    stop: () => etcd.stop(),
  };
  return { target, version: etcd.version };
}

/** BENCH_TARGETS=etcd,kubeterm-http runs only those (default: all three). */
const only = (process.env.BENCH_TARGETS ?? '').split(',').filter(Boolean);
const wanted = (name: string) => only.length === 0 || only.includes(name);

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { pods: PODS, clients: CLIENTS, watchers: WATCHERS, watchWrites: WATCH_WRITES };
  const targets: [string, () => Promise<Target>][] = [
    ['kubeterm-store', kubetermStore],
    ['kubeterm-http', kubetermHttp],
    [
      'etcd',
      async () => {
        const { target, version } = await etcdTarget();
        out.etcdVersion = version;
        return target;
      },
    ],
  ];
  for (const [name, make] of targets) {
    if (!wanted(name)) continue;
    const t = await make();
    try {
      Object.assign(out, await measure(t));
    } finally {
      await t.stop();
    }
  }
  return out;
}

runIfMain(import.meta.url, run, 34);
