import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { KubeObject } from '../../src/api/meta.js';
import type { Ingress } from '../../src/api/types/networking.js';
import { buildRoutingTable, matchRoute, pathMatches } from '../../src/network/ingress-routes.js';
import { IngressController } from '../../src/network/ingress.js';
import { endpoints, get, makeApi, service, startBackend, upsert, type Backend } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type P = { path: string; pathType?: string; svc: string; port?: number | string };

function ingress(name: string, rules: { host?: string; paths: P[] }[], extra: Record<string, unknown> = {}): KubeObject {
  const backend = (svc: string, port: number | string = 80) => ({ service: { name: svc, port: typeof port === 'number' ? { number: port } : { name: port } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default' },
    spec: {
      ...extra,
      rules: rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: r.paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: backend(p.svc, p.port) })) },
      })),
    },
  };
}

/** A Service `name` on port 80 backed by a backend answering `name`. */
async function backed(api: ReturnType<typeof makeApi>['api'], name: string, host = '127.0.0.1'): Promise<Backend> {
  const b = await startBackend(name, host);
  cleanups.push(() => b.close());
  await api.create(service(name, { clusterIP: 'None', ports: [{ name: 'http', port: 80, targetPort: b.port }] }));
  await api.create(endpoints(name, [{ ip: b.host, port: b.port }], 'http'));
  return b;
}

async function controller(api: ReturnType<typeof makeApi>['api']): Promise<IngressController> {
  const c = new IngressController({ api, httpPort: 0, httpsPort: 0 });
  await c.start();
  cleanups.push(() => c.stop());
  return c;
}

describe('ingress path matching', () => {
  it('matches Prefix element-wise and Exact literally', () => {
    expect(pathMatches('Prefix', '/foo', '/foo')).toBe(true);
    expect(pathMatches('Prefix', '/foo', '/foo/')).toBe(true);
    expect(pathMatches('Prefix', '/foo', '/foo/bar')).toBe(true);
    expect(pathMatches('Prefix', '/foo', '/foobar')).toBe(false);
    expect(pathMatches('Prefix', '/foo/', '/foo')).toBe(true);
    expect(pathMatches('Prefix', '/', '/anything')).toBe(true);
    expect(pathMatches('ImplementationSpecific', '/foo', '/foo/x')).toBe(true);
    expect(pathMatches('Exact', '/foo', '/foo')).toBe(true);
    expect(pathMatches('Exact', '/foo', '/foo/')).toBe(false);
    expect(pathMatches('Exact', '/foo', '/FOO')).toBe(false);
  });

  it('prefers the longest path, then Exact over Prefix, then the older Ingress; exact hosts before wildcards before none', () => {
    const t = buildRoutingTable([
      { ...ingress('a', [{ paths: [{ path: '/', svc: 'root' }, { path: '/foo', svc: 'foo-prefix' }, { path: '/foo', pathType: 'Exact', svc: 'foo-exact' }, { path: '/foo/bar', svc: 'foobar' }] }]), metadata: { name: 'a', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' } } as Ingress,
      { ...ingress('b', [{ host: 'x.example.com', paths: [{ path: '/', svc: 'x' }] }, { host: '*.example.com', paths: [{ path: '/', svc: 'wild' }] }]), metadata: { name: 'b', namespace: 'default', creationTimestamp: '2026-01-01T00:01:00Z' } } as Ingress,
    ]);
    const svc = (host: string, p: string) => matchRoute(t, host, p).backend?.service;
    expect(svc('any', '/foo')).toBe('foo-exact');
    expect(svc('any', '/foo/')).toBe('foo-prefix');
    expect(svc('any', '/foo/bar/baz?q=1')).toBe('foobar');
    expect(svc('any', '/foobar')).toBe('root');
    expect(svc('x.example.com:8080', '/foo')).toBe('x');
    expect(svc('y.example.com', '/foo')).toBe('wild');
    expect(svc('a.y.example.com', '/foo')).toBe('foo-exact');
  });
});

describe('IngressController', () => {
  let certDir = '';
  let cert = '';
  let key = '';
  beforeAll(() => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeterm-ingress-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${certDir}/tls.key`, '-out', `${certDir}/tls.crt`, '-days', '1', '-subj', '/CN=secure.test', '-addext', 'subjectAltName=DNS:secure.test'], { stdio: 'ignore' });
    cert = fs.readFileSync(`${certDir}/tls.crt`, 'utf8');
    key = fs.readFileSync(`${certDir}/tls.key`, 'utf8');
  });
  afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }));

  it('routes by host and path (Exact vs Prefix, /foo never matching /foobar) with X-Forwarded headers', async () => {
    const { api } = makeApi();
    const foo = await backed(api, 'foo', '127.0.0.2');
    await backed(api, 'exact', '127.0.0.3');
    await backed(api, 'root', '127.0.0.4');
    await backed(api, 'admin', '127.0.0.5');
    await api.create(ingress('site', [
      { paths: [{ path: '/foo', svc: 'foo', port: 'http' }, { path: '/exact', pathType: 'Exact', svc: 'exact' }, { path: '/', svc: 'root' }] },
      { host: 'admin.test', paths: [{ path: '/', svc: 'admin' }] },
    ]));
    const c = await controller(api);
    const base = `http://127.0.0.1:${c.ports.http}`;
    expect((await get(`${base}/foo`)).body).toBe('foo');
    expect((await get(`${base}/foo/bar?x=1`)).body).toBe('foo');
    expect(foo.lastUrl).toBe('/foo/bar?x=1');
    expect((await get(`${base}/foobar`)).body).toBe('root');
    expect((await get(`${base}/exact`)).body).toBe('exact');
    expect((await get(`${base}/exact/more`)).body).toBe('root');
    expect((await get(`${base}/foo`, { headers: { host: 'admin.test' } })).body).toBe('admin');
    await get(`${base}/foo`, { headers: { host: 'site.test:8080', 'x-forwarded-for': '203.0.113.9' } });
    expect(foo.last).toMatchObject({ host: 'site.test:8080', 'x-forwarded-for': '203.0.113.9, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'site.test:8080', 'x-real-ip': '127.0.0.1' });
    expect(api.get('Ingress', 'default', 'site')!.status?.loadBalancer).toEqual({ ingress: [{ ip: '127.0.0.1' }] });
    expect(api.get('IngressClass', '', 'kubeterm')).toMatchObject({ spec: { controller: 'kubeterm.io/ingress-controller' }, metadata: { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } });
  });

  it('uses the default backend, answers 404 without one and 503 when the Service has no ready endpoint', async () => {
    const { api } = makeApi();
    const c = await controller(api);
    const base = `http://127.0.0.1:${c.ports.http}`;
    expect(await get(`${base}/nothing`)).toMatchObject({ status: 404, body: 'default backend - 404\n' });
    await backed(api, 'fallback');
    await api.create(service('web', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
    await api.create(endpoints('web', [{ ip: '127.0.0.1', port: 1, ready: false }], 'http'));
    await api.create(ingress('site', [{ paths: [{ path: '/app', svc: 'web' }] }], { defaultBackend: { service: { name: 'fallback', port: { number: 80 } } } }));
    await c.whenSynced();
    expect((await get(`${base}/elsewhere`)).body).toBe('fallback');
    expect(await get(`${base}/app`)).toMatchObject({ status: 503, body: 'no endpoints available for service "web"\n' });
  });

  it('ignores Ingresses of another class and follows changes without a restart', async () => {
    const { api } = makeApi();
    await backed(api, 'one');
    await backed(api, 'two');
    const c = await controller(api);
    const base = `http://127.0.0.1:${c.ports.http}`;
    await api.create(ingress('other', [{ paths: [{ path: '/', svc: 'one' }] }], { ingressClassName: 'nginx' }));
    await c.whenSynced();
    expect((await get(`${base}/`)).status).toBe(404);
    expect(api.get('Ingress', 'default', 'other')!.status?.loadBalancer?.ingress).toBeUndefined();
    await api.create(ingress('mine', [{ paths: [{ path: '/', svc: 'one' }] }], { ingressClassName: 'kubeterm' }));
    await c.whenSynced();
    expect((await get(`${base}/`)).body).toBe('one');
    await upsert(api, ingress('mine', [{ paths: [{ path: '/', svc: 'two' }] }], { ingressClassName: 'kubeterm' }));
    await c.whenSynced();
    expect((await get(`${base}/`)).body).toBe('two');
  });

  it('finishes a request in flight while the routing table changes', async () => {
    const { api } = makeApi();
    let release: () => void = () => undefined;
    const slow = await startBackend('slow', '127.0.0.6', (_req, res) => {
      release = () => res.end('slow-done');
    });
    cleanups.push(() => slow.close());
    await api.create(service('slow', { clusterIP: 'None', ports: [{ port: 80 }] }));
    await api.create(endpoints('slow', [{ ip: slow.host, port: slow.port }]));
    await backed(api, 'fast');
    await api.create(ingress('site', [{ paths: [{ path: '/', svc: 'slow' }] }]));
    const c = await controller(api);
    const inflight = get(`http://127.0.0.1:${c.ports.http}/`);
    while (slow.hits === 0) await new Promise((r) => setTimeout(r, 5));
    await upsert(api, ingress('site', [{ paths: [{ path: '/', svc: 'fast' }] }]));
    await c.whenSynced();
    expect((await get(`http://127.0.0.1:${c.ports.http}/`)).body).toBe('fast');
    release();
    expect((await inflight).body).toBe('slow-done');
  });

  it('terminates TLS with the certificate of a kubernetes.io/tls Secret chosen by SNI', async () => {
    const { api } = makeApi();
    await backed(api, 'secure');
    await api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secure-tls', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') } });
    await api.create(ingress('secure', [{ host: 'secure.test', paths: [{ path: '/', svc: 'secure' }] }], { tls: [{ hosts: ['secure.test'], secretName: 'secure-tls' }] }));
    const c = await controller(api);
    const res = await new Promise<{ body: string; cn: string; proto: string | undefined }>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: c.ports.https, servername: 'secure.test', headers: { host: 'secure.test' }, ca: cert, agent: false, path: '/' }, (r) => {
        let body = '';
        const cn = String((r.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN);
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve({ body, cn, proto: undefined }));
      });
      req.on('error', reject);
    });
    expect(res).toMatchObject({ body: 'secure', cn: 'secure.test' });
    // A client without SNI (curl https://127.0.0.1) gets the same certificate as the default.
    const cn = await new Promise<string>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: c.ports.https, headers: { host: 'secure.test' }, rejectUnauthorized: false, agent: false, path: '/' }, (r) => {
        r.resume();
        resolve(String((r.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN));
      });
      req.on('error', reject);
    });
    expect(cn).toBe('secure.test');
  });

  it('passes WebSocket upgrades through', async () => {
    const { api } = makeApi();
    const wss = new WebSocketServer({ host: '127.0.0.7', port: 0 });
    await new Promise<void>((r) => wss.on('listening', () => r()));
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    wss.on('connection', (ws, req) => {
      ws.on('message', (m) => ws.send(`echo:${m}:${req.headers['x-forwarded-proto']}`));
    });
    const port = (wss.address() as { port: number }).port;
    await api.create(service('ws', { clusterIP: 'None', ports: [{ port: 80 }] }));
    await api.create(endpoints('ws', [{ ip: '127.0.0.7', port }]));
    await api.create(ingress('ws', [{ paths: [{ path: '/socket', svc: 'ws' }] }]));
    const c = await controller(api);
    const ws = new WebSocket(`ws://127.0.0.1:${c.ports.http}/socket`);
    cleanups.push(() => ws.close());
    const msg = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (m) => resolve(String(m)));
      ws.on('error', reject);
    });
    expect(msg).toBe('echo:hi:http');
  });
});
