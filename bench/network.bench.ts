// The cost of kubeterm's userspace networking: requests/s and latency of HTTP
// GETs straight to three loopback backends ("direct pod access"), through the
// ServiceProxy (a ClusterIP served on a mapped loopback port) and through the
// Ingress router, in the same run. An in-process load generator with a fixed
// number of concurrent clients; each target runs until REQUESTS are done or
// SECONDS have passed, whichever is first. Two client shapes: keep-alive
// connections, and a new connection per request (where a TCP proxy pays most).
// Prints figures; asserts nothing. BENCH_SCALE=0.1 shrinks the request count.
import http from 'node:http';
import net from 'node:net';
import { Api } from '../src/api/api.js';
import { IngressController } from '../src/network/ingress.js';
import { ServiceProxy } from '../src/network/service-proxy.js';
import { MemoryStore } from '../state/store.js';
import { isMain, percentile, scaled } from './stats.js';

const REQUESTS = scaled(20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? '5') || 5;
const CONCURRENCY = Number(process.env.BENCH_CLIENTS ?? '32') || 32;

async function backend(host: string, name: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(name);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Runs the load; `urlFor(i)` gives the i-th request's target. */
async function load(urlFor: (i: number) => { host: string; port: number; headers?: Record<string, string> }, keepAlive: boolean): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive, maxSockets: CONCURRENCY });
  const lat: number[] = [];
  let issued = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const t = urlFor(i);
      const t0 = performance.now();
      const req = http.get({ host: t.host, port: t.port, path: '/', headers: t.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) lat.push(performance.now() - t0);
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  const client = async () => {
    while (issued < REQUESTS && performance.now() < deadline) await one(issued++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const secs = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    requests: lat.length,
    failed,
    rps: Math.round(lat.length / secs),
    medianMs: Number(percentile(lat, 50).toFixed(3)),
    p99Ms: Number(percentile(lat, 99).toFixed(3)),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const store = new MemoryStore();
  const api = new Api({ store });
  const hosts = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const backends = await Promise.all(hosts.map((h, i) => backend(h, `pod-${i}`)));
  await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.80', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  await api.create({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: backends.map((b, i) => ({ addresses: [{ ip: hosts[i] }], ports: [{ name: 'http', port: b.port }] })),
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
    for (const keepAlive of [true, false]) {
      const shape = keepAlive ? 'keepalive' : 'newconn';
      const targets: [string, (i: number) => { host: string; port: number }][] = [
        ['direct', (i) => ({ host: hosts[i % 3], port: backends[i % 3].port })],
        ['serviceProxy', () => ({ host: '127.0.0.1', port: proxyPort })],
        ['ingress', () => ({ host: '127.0.0.1', port: ingress.ports.http })],
      ];
      for (const [name, urlFor] of targets) {
        const r = await load(urlFor, keepAlive);
        for (const [k, v] of Object.entries(r)) out[`${shape}.${name}.${k}`] = v;
      }
    }
  } finally {
    await ingress.stop();
    await proxy.stop();
    for (const b of backends) {
      b.server.closeAllConnections();
      b.server.close();
    }
  }
  return out;
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(36)} ${v}`);
}
