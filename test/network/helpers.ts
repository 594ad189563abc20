// Loopback-only fixtures for the network tests: HTTP backends on 127.0.0.x
// that answer with their own name, a store + Api, and Service/Endpoints
// objects pointing at the backends.
import http from 'node:http';
import net from 'node:net';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

export interface Backend {
  name: string;
  host: string;
  port: number;
  hits: number;
  /** Last request's headers. */
  last?: http.IncomingHttpHeaders;
  lastUrl?: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function startBackend(name: string, host = '127.0.0.1', handler?: http.RequestListener): Promise<Backend> {
  const b = { name, host, port: 0, hits: 0 } as Backend;
  const server = http.createServer((req, res) => {
    b.hits++;
    b.last = req.headers;
    b.lastUrl = req.url;
    if (handler) return handler(req, res);
    res.setHeader('content-type', 'text/plain');
    res.end(name);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  b.port = (server.address() as net.AddressInfo).port;
  b.server = server;
  b.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return b;
}

export function makeApi(clock = new FakeClock()): { api: Api; clock: FakeClock; store: MemoryStore } {
  const store = new MemoryStore({ now: () => clock.now() });
  return { api: new Api({ store, now: () => clock.now() }), clock, store };
}

export function service(name: string, spec: Record<string, unknown>, ns = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 80, targetPort: 8080 }], ...spec } };
}

export interface Addr {
  ip: string;
  port: number;
  pod?: string;
  ready?: boolean;
  hostname?: string;
}

/** Endpoints with one subset per distinct port (so each backend can have its own port). */
export function endpoints(name: string, addrs: Addr[], portName?: string, protocol = 'TCP', ns = 'default'): KubeObject {
  const byPort = new Map<number, Addr[]>();
  for (const a of addrs) byPort.set(a.port, [...(byPort.get(a.port) ?? []), a]);
  const toAddr = (a: Addr) => ({ ip: a.ip, ...(a.hostname ? { hostname: a.hostname } : {}), ...(a.pod ? { targetRef: { kind: 'Pod', namespace: ns, name: a.pod } } : {}) });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: ns },
    subsets: [...byPort].map(([port, list]) => {
      const ready = list.filter((a) => a.ready !== false);
      const notReady = list.filter((a) => a.ready === false);
      return {
        ...(ready.length ? { addresses: ready.map(toAddr) } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady.map(toAddr) } : {}),
        ports: [{ ...(portName ? { name: portName } : {}), port, protocol }],
      };
    }),
  };
}

export async function upsert(api: Api, obj: KubeObject): Promise<KubeObject> {
  const cur = api.get(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  if (!cur) return api.create(obj);
  return api.update({ ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
}

/** One HTTP GET on a fresh connection; resolves with status and body. */
export function get(url: string, opts: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: opts.headers, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`timeout: GET ${url}`)));
  });
}

/** A port nothing listens on right now (for "connection refused"). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Waits (real time, bounded) until cond() holds: for socket-level effects that have no event to await. */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
