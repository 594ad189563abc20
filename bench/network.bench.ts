// The cost of kubeterm's userspace networking: requests/s and latency of HTTP
// GETs straight to three loopback backends ("direct pod access"), through the
// ServiceProxy (a ClusterIP served on a mapped loopback port) and through the
// Ingress router, in the same run, with the ratio of each to direct. The
// backends ("pods") and the load generator run in child processes of their own
// (bench/net-procs.ts), so only the proxies share this process — as in the
// engine, where pods and clients are other processes. A fixed number of
// concurrent clients (BENCH_CLIENTS, default 32); each target gets REQUESTS or
// SECONDS, whichever ends first, split over ROUNDS rounds that alternate the
// targets (so a noisy moment does not land on one target only), after an
// uncounted warm-up round of every target. Three client shapes: keep-alive
// connections; a new connection per request (where a TCP proxy pays most);
// keep-alive with responses the backend sends in two segments (where Nagle's
// algorithm in a relay holds the second for the client's delayed ack). Also
// the CPU time this process — only the proxies run here — spends per request,
// which a busy machine moves less than req/s. Loopback only.
// Prints figures; asserts nothing. BENCH_SCALE=0.1 shrinks the request count.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Api } from '../src/api/api.js';
import { IngressController } from '../src/network/ingress.js';
import { ServiceProxy } from '../src/network/service-proxy.js';
import { MemoryStore } from '../state/store.js';
import type { LoadJob, LoadResult } from './net-procs.js';
import { isMain, percentile, scaled } from './stats.js';

const REQUESTS = scaled(20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? '5') || 5;
const CONCURRENCY = Number(process.env.BENCH_CLIENTS ?? '32') || 32;
const ROUNDS = 3;
const WARMUP = Math.min(2000, Math.ceil(REQUESTS / 10));
const PROCS = fileURLToPath(new URL('./net-procs.ts', import.meta.url));

function child(args: string[]): Promise<{ proc: ChildProcess; first: unknown }> {
  const proc = fork(PROCS, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (first) => resolve({ proc, first }));
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`bench child ${args[0]} exited with ${code}`)));
  });
}

function ask(proc: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve) => {
    proc.once('message', (r) => resolve(r as LoadResult));
    proc.send(job);
  });
}

export async function run(): Promise<Record<string, number | string>> {
  const store = new MemoryStore();
  const api = new Api({ store });
  const hosts = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const pods = await child(['backends', ...hosts]);
  const loader = await child(['load']);
  const ports = (pods.first as { ports: number[] }).ports;
  await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.80', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  await api.create({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: ports.map((port, i) => ({ addresses: [{ ip: hosts[i] }], ports: [{ name: 'http', port }] })),
  });
  await api.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default' },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  });
  const proxy = new ServiceProxy({ api, writeBack: false });
  proxy.start();
  await proxy.whenSynced();
  const proxyPort = proxy.mappings()[0].hostPort;
  const ingress = new IngressController({ api, httpPort: 0, httpsPort: null, writeStatus: false });
  await ingress.start();
  const out: Record<string, number | string> = { requestsPerTarget: REQUESTS, seconds: SECONDS, concurrency: CONCURRENCY };
  try {
    const shapes: [string, boolean, string][] = [
      ['keepalive', true, '/'],
      ['newconn', false, '/'],
      ['split', true, '/split'],
    ];
    for (const [shape, keepAlive, path] of shapes) {
      const targets: [string, { host: string; port: number }[]][] = [
        ['direct', hosts.map((host, i) => ({ host, port: ports[i] }))],
        ['serviceProxy', [{ host: '127.0.0.1', port: proxyPort }]],
        ['ingress', [{ host: '127.0.0.1', port: ingress.ports.http }]],
      ];
      const job = (t: { host: string; port: number }[], requests: number, seconds: number): LoadJob => ({ targets: t, keepAlive, path, requests, seconds, concurrency: CONCURRENCY });
      for (const [, t] of targets) await ask(loader.proc, job(t, WARMUP, SECONDS));
      // CPU this process (the proxies, nothing else) spent per request: steadier than req/s on a busy machine.
      const cpuUs = new Map<string, number>();
      const acc = new Map<string, LoadResult>(targets.map(([name]) => [name, { lat: [], failed: 0, seconds: 0 }]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, t] of targets) {
          const cpu0 = process.cpuUsage();
          const r = await ask(loader.proc, job(t, Math.ceil(REQUESTS / ROUNDS), SECONDS / ROUNDS));
          const cpu = process.cpuUsage(cpu0);
          cpuUs.set(name, (cpuUs.get(name) ?? 0) + cpu.user + cpu.system);
          const a = acc.get(name)!;
          a.lat.push(...r.lat);
          a.failed += r.failed;
          a.seconds += r.seconds;
        }
      }
      const rps = (r: LoadResult) => Math.round(r.lat.length / r.seconds);
      for (const [name, r] of acc) {
        out[`${shape}.${name}.requests`] = r.lat.length;
        out[`${shape}.${name}.failed`] = r.failed;
        out[`${shape}.${name}.rps`] = rps(r);
        out[`${shape}.${name}.medianMs`] = Number(percentile(r.lat, 50).toFixed(3));
        out[`${shape}.${name}.p99Ms`] = Number(percentile(r.lat, 99).toFixed(3));
        if (name !== 'direct') out[`${shape}.${name}.proxyCpuUsPerReq`] = Math.round((cpuUs.get(name) ?? 0) / Math.max(1, r.lat.length + r.failed));
        if (name !== 'direct') out[`${shape}.${name}.vsDirect_x`] = Number((rps(r) / rps(acc.get('direct')!)).toFixed(2));
      }
    }
  } finally {
    await ingress.stop();
    await proxy.stop();
    pods.proc.kill();
    loader.proc.kill();
  }
  return out;
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(36)} ${v}`);
}
