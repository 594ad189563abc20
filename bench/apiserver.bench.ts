// The API server under load, on loopback:
//  - `kubectl get pods` with 10,000 pods in one namespace (real kubectl, TLS,
//    server-side tables, 500-item pages) — Kubernetes' SLO for a namespace
//    list is p99 ≤ 5 s; also the raw table list over HTTP without kubectl.
//  - single-object mutation latency over HTTP (merge PATCH) — SLO p99 ≤ 1 s.
//  - watch fan-out: 100 concurrent HTTP watchers while pods are written;
//    events delivered per second and p99 delivery latency.
// Prints figures; asserts nothing. BENCH_SCALE shrinks the sizes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import type { KubeObject } from '../src/api/meta.js';
import { startTestServer } from '../test/apiserver/harness.js';
import { counter, httpCall, onEachLine } from './bench-helpers.js';
import { isMain, percentile, scaled } from './stats.js';

const PODS = scaled(10_000);
const KUBECTL_RUNS = 5;
const MUTATIONS = scaled(1000);
const WATCHERS = Math.max(2, Math.round(100 * Math.min(1, Number(process.env.BENCH_SCALE ?? '1') || 1)));
const WATCH_WRITES = scaled(1000);

const run$ = promisify(execFile);
const r2 = (x: number) => Number(x.toFixed(2));

function pod(i: number, ns: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${String(i).padStart(5, '0')}`, namespace: ns, labels: { app: `app-${i % 10}` } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx:1.27' }] },
  } as KubeObject;
}

export async function run(): Promise<Record<string, number | string>> {
  const s = await startTestServer({ watchTimeoutMs: 10 * 60_000 });
  const plain = await startTestServer({}, { tls: false });
  const out: Record<string, number | string> = { pods: PODS, mutations: MUTATIONS, watchers: WATCHERS, watchWrites: WATCH_WRITES };
  try {
    // ---- list latency ----
    await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } } as KubeObject);
    await plain.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } } as KubeObject);
    for (let i = 0; i < PODS; i++) {
      await s.api.create(pod(i, 'big'));
      await plain.api.create(pod(i, 'big'));
    }
    if (existsSync('/usr/bin/kubectl')) {
      const lat: number[] = [];
      let lines = 0;
      for (let r = 0; r < KUBECTL_RUNS; r++) {
        const t = performance.now();
        const { stdout } = await run$('/usr/bin/kubectl', ['--kubeconfig', s.kubeconfig, '--cache-dir', `${s.dir}/cache`, 'get', 'pods', '-n', 'big'], {
          env: { PATH: process.env.PATH, HOME: s.dir },
          maxBuffer: 64 * 1024 * 1024,
        });
        lat.push(performance.now() - t);
        lines = stdout.trim().split('\n').length - 1;
      }
      out.kubectlGetPodsRows = lines;
      out.kubectlGetPodsMedianMs = r2(percentile(lat, 50));
      out.kubectlGetPodsP99Ms = r2(percentile(lat, 99));
    } else {
      out.kubectlGetPods = 'skipped: /usr/bin/kubectl absent';
    }
    const agent = new Agent({ keepAlive: true, maxSockets: WATCHERS + 16 });
    const http = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
      httpCall(agent, plain.url + path, method, { Authorization: `Bearer ${plain.token}`, ...headers }, body);
    const tableLat: number[] = [];
    for (let r = 0; r < KUBECTL_RUNS; r++) {
      const t = performance.now();
      await http('GET', '/api/v1/namespaces/big/pods', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      tableLat.push(performance.now() - t);
    }
    out.httpTableListAllMedianMs = r2(percentile(tableLat, 50));
    out.httpTableListAllP99Ms = r2(percentile(tableLat, 99));

    // ---- mutation latency ----
    await plain.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hot', namespace: 'default' }, data: { n: '0' } } as KubeObject);
    const mut: number[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const t = performance.now();
      const r = await http('PATCH', '/api/v1/namespaces/default/configmaps/hot', JSON.stringify({ data: { n: String(i) } }), {
        'Content-Type': 'application/merge-patch+json',
      });
      if (r.status !== 200) throw new Error(`patch failed: ${r.status} ${r.text}`);
      mut.push(performance.now() - t);
    }
    out.mutationMedianMs = r2(percentile(mut, 50));
    out.mutationP99Ms = r2(percentile(mut, 99));

    // ---- watch fan-out ----
    await plain.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fan' } } as KubeObject);
    const sentAt = new Map<string, number>();
    const delivery: number[] = [];
    const delivered = counter(WATCHERS * WATCH_WRITES);
    const startRv = plain.store.resourceVersion();
    const reqs = [];
    const watching = counter(WATCHERS);
    for (let w = 0; w < WATCHERS; w++) {
      const req = request(
        `${plain.url}/api/v1/namespaces/fan/pods?watch=true&resourceVersion=${startRv}`,
        { agent, headers: { Authorization: `Bearer ${plain.token}` } },
        (res) => {
          watching.add();
          onEachLine(res, (line) => {
            const rv = /"resourceVersion":"(\d+)"/.exec(line)?.[1];
            const t0 = rv ? sentAt.get(rv) : undefined;
            if (t0 !== undefined) delivery.push(performance.now() - t0);
            delivered.add();
          });
        },
      );
      req.end();
      reqs.push(req);
    }
    await watching.reached;
    const t0 = performance.now();
    for (let i = 0; i < WATCH_WRITES; i++) {
      const t = performance.now();
      const created = plain.api.create(pod(i, 'fan'));
      // The store assigns the version synchronously; the event is emitted before durability.
      sentAt.set(plain.store.resourceVersion(), t);
      await created;
      // Let the sockets flush between writes, as interleaved HTTP requests would.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.race([delivered.reached, new Promise((r) => setTimeout(r, 120_000))]);
    const secs = (performance.now() - t0) / 1000;
    out.watchEventsDelivered = delivered.count;
    out.watchEventsPerSec = Math.round(delivered.count / secs);
    out.watchDeliveryMedianMs = r2(percentile(delivery, 50));
    out.watchDeliveryP99Ms = r2(percentile(delivery, 99));
    for (const r of reqs) r.destroy();
    agent.destroy();
  } finally {
    await s.close();
    await plain.close();
  }
  return out;
}

if (isMain(import.meta.url)) {
  const figures = await run();
  console.log(JSON.stringify(figures, null, 2));
}
