// The HTTP API server under hostile requests, on 127.0.0.1 only: malformed
// JSON, wrong content types, oversized bodies, path traversal in names,
// invalid selectors, watches with absurd resourceVersions, missing or wrong
// tokens. Every response is a Kubernetes Status (or data), never a 500 and never
// a hang; the server keeps serving; a refused write changes nothing.
import { connect } from 'node:net';
import { request, Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { CaseCounter } from './helpers.js';

let t: TestServer;
const internalErrors: string[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  t = await startTestServer({ onError: (e) => internalErrors.push(String((e as Error)?.stack ?? e)), maxBodyBytes: 256 * 1024 }, { tls: false });
  await t.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' }, data: { a: '1' } });
  expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});
afterAll(async () => {
  agent.destroy();
  await t?.close();
});

interface Res {
  status: number;
  type: string;
  body: string;
}

function send(method: string, path: string, opts: { body?: string | Buffer; type?: string; token?: string | null; timeoutMs?: number } = {}): Promise<Res> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? t.token}`;
    if (opts.type) headers['content-type'] = opts.type;
    // Framed explicitly: Node sends an OPTIONS/DELETE body unframed otherwise, which is a malformed request on the wire.
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request({ host: '127.0.0.1', port: Number(u.port), method, path, headers, agent, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 80)} within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A raw request line, for paths no HTTP client would send as they are (`..`, `%00`, spaces). */
function raw(requestText: string): Promise<string> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), '127.0.0.1');
    const chunks: Buffer[] = [];
    s.setTimeout(5000, () => s.destroy(new Error('raw request hung')));
    s.on('data', (c) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
    s.end(requestText);
  });
}

/** An error response is a metav1.Status with a message and a code < 500. */
function checkStatus(r: Res, what: string): void {
  expect(r.status, `${what}: HTTP status`).toBeGreaterThanOrEqual(200);
  expect(r.status, `${what}: a 5xx (${r.body.slice(0, 300)})`).toBeLessThan(500);
  if (r.status >= 400) {
    const s = JSON.parse(r.body);
    expect(s.kind, what).toBe('Status');
    expect(s.status).toBe('Failure');
    expect(typeof s.message).toBe('string');
    expect(s.code).toBe(r.status);
  }
}

function snapshot(): string {
  return [t.store.resourceVersion(), ...t.store.kinds().sort().map((k) => JSON.stringify(t.store.list(k).items))].join('\n');
}

const PATHS = [
  '/api/v1/namespaces/default/configmaps',
  '/api/v1/namespaces/default/configmaps/web',
  '/api/v1/namespaces/default/pods',
  '/apis/apps/v1/namespaces/default/deployments',
  '/apis/apps/v1/namespaces/default/deployments/web/scale',
  '/api/v1/namespaces/default/secrets',
  '/api/v1/nodes',
  '/api/v1/namespaces',
];
const TYPES = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/vnd.kubernetes.protobuf', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-16', '*/*'];

const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{', '{"kind":', 'null', '[]', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"../../etc"}}', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web"},"data":{"a":5}}', '\u0000\u0001\u0002', '{"a":1}{"b":2}'),
  fc.record({ apiVersion: fc.constantFrom('v1', 'apps/v1', 7), kind: fc.constantFrom('ConfigMap', 'Deployment', 'Secret', 'Pod', 'Nope'), metadata: fc.record({ name: fc.constantFrom('web', 'x', '..', '%2e%2e', 'a/b', ''), namespace: fc.constantFrom('default', 'other', '') }, { requiredKeys: [] }), data: fc.jsonValue({ maxDepth: 2 }), spec: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);

describe('the API server under hostile HTTP requests (127.0.0.1)', () => {
  it('random methods, paths, content types and bodies: Status errors only, no 5xx, nothing stored partially', async () => {
    const c = new CaseCounter('http: random requests');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'),
        fc.oneof(fc.constantFrom(...PATHS), fc.constantFrom(...PATHS).chain((p) => fc.string({ maxLength: 20 }).map((s) => `${p}/${encodeURIComponent(s)}`))),
        fc.constantFrom(...TYPES),
        body,
        fc.constantFrom('', '?labelSelector=a%3D', '?labelSelector=%28%28%28', '?fieldSelector=metadata.name%21%3D%3Dx', '?fieldSelector=spec.bogus%3D1', '?limit=-1', '?limit=abc', '?dryRun=All', '?fieldValidation=Strict', '?fieldManager=' + 'x'.repeat(300), '?resourceVersion=abc'),
        async (method, path, type, text, query) => {
          const before = snapshot();
          const r = await c.timeAsync(() => send(method, path + query, { body: method === 'GET' || method === 'HEAD' ? undefined : text, type }));
          if (method !== 'HEAD') checkStatus(r, `${method} ${path}${query} (${type})`);
          if (r.status >= 400) expect(snapshot(), `refused ${method} ${path} changed the store`).toBe(before);
        },
      ),
      { numRuns: 1500 },
    );
    expect(c.report()).toBe(1500);
    expect(internalErrors).toEqual([]);
  });

  it('path traversal and odd bytes in names are refused or not found, never reach anything outside the API', async () => {
    const c = new CaseCounter('http: path traversal');
    const names = ['..', '.', '../..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%2e%2e%2f', 'web%00', 'a%2Fb', '%C0%AE%C0%AE', '..\\..\\windows', '~root', 'web?x', '%', '%zz'];
    for (const n of names) {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const before = snapshot();
        const r = await c.timeAsync(() => send(method, `/api/v1/namespaces/default/configmaps/${n}`, { body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data: {} }), type: method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }));
        checkStatus(r, `${method} name ${n}`);
        expect(r.body).not.toMatch(/root:x:0:0/);
        if (r.status >= 400) expect(snapshot()).toBe(before);
      }
    }
    for (const line of ['GET /api/v1/namespaces/default/configmaps/../../../../etc/passwd HTTP/1.1', 'GET /../../etc/passwd HTTP/1.1', 'GET /api/v1/namespaces/../../../etc HTTP/1.1', 'GET /api/v1/namespaces/default/configmaps/we b HTTP/1.1', 'GET \u0000 HTTP/1.1']) {
      const out = await c.timeAsync(() => raw(`${line}\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.token}\r\nConnection: close\r\n\r\n`));
      expect(out).not.toMatch(/root:x:0:0/);
      expect(out).not.toMatch(/^HTTP\/1\.1 5\d\d/);
    }
    c.report();
    expect(internalErrors).toEqual([]);
  });

  it('an oversized body is a 413 and is not stored; malformed JSON a 400', async () => {
    const before = snapshot();
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(1024 * 1024) } });
    const r = await send('POST', '/api/v1/namespaces/default/configmaps', { body: big, type: 'application/json' });
    expect(r.status).toBe(413);
    checkStatus(r, 'oversized');
    const bad = await send('POST', '/api/v1/namespaces/default/configmaps', { body: '{"apiVersion":"v1",', type: 'application/json' });
    expect(bad.status).toBe(400);
    checkStatus(bad, 'malformed');
    expect(snapshot()).toBe(before);
  });

  it('no token or a wrong token: 401 on every API path, nothing changes', async () => {
    const c = new CaseCounter('http: authentication');
    const before = snapshot();
    for (const p of [...PATHS, '/api', '/apis', '/openapi/v2', '/api/v1/namespaces/default/pods/x/log']) {
      for (const token of [null, '', 'wrong', `${t.token}x`, t.token.slice(0, -1)]) {
        const r = await c.timeAsync(() => send('POST', p, { token, body: '{}', type: 'application/json' }));
        expect(r.status, `${p} with token ${JSON.stringify(token)}`).toBe(401);
        expect(r.body).not.toContain(t.token);
      }
    }
    expect(snapshot()).toBe(before);
    c.report();
  });

  it('watches with absurd resourceVersions and timeouts answer quickly (410/400 or a bounded stream), never hang', async () => {
    const c = new CaseCounter('http: absurd watches');
    for (const rv of ['-1', 'abc', '1e10', '99999999999999999999999999', '0x10', ' 1', '18446744073709551616', '']) {
      const r = await c.timeAsync(() => send('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${encodeURIComponent(rv)}&timeoutSeconds=1`, { timeoutMs: 8000 }));
      expect(r.status, `rv ${rv}`).toBeLessThan(500);
      if (r.status >= 400) checkStatus(r, `watch rv=${rv}`);
    }
    // Values that do not parse are a 400 before any stream starts (as the apiserver's query conversion);
    // a negative timeout ends the stream at once.
    for (const q of ['timeoutSeconds=abc', 'timeoutSeconds=1e308', 'timeoutSeconds=99999999999999999999', 'allowWatchBookmarks=maybe&timeoutSeconds=1', 'labelSelector=%28%28&timeoutSeconds=1']) {
      const r = await c.timeAsync(() => send('GET', `/api/v1/namespaces/default/configmaps?watch=1&${q}`, { timeoutMs: 3000 }));
      expect(r.status, `watch ${q}: ${r.body.slice(0, 200)}`).toBe(400);
      checkStatus(r, `watch ?${q}`);
    }
    const negative = await c.timeAsync(() => send('GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=-5', { timeoutMs: 3000 }));
    expect(negative.status).toBe(200);
    c.report();
    // the server still answers
    expect((await send('GET', '/api/v1/namespaces/default/configmaps')).status).toBe(200);
    expect(internalErrors).toEqual([]);
  });
});

describe('the API server as the engine runs it: TLS on 127.0.0.1', () => {
  it('speaks only TLS, verifies with its CA, and refuses requests without the token', async () => {
    const { request: httpsRequest } = await import('node:https');
    const s = await startTestServer({}, { tls: true });
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const u = new URL(s.url);
      const get = (path: string, token?: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port: Number(u.port), path, ca: s.ca, servername: '127.0.0.1', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
      expect(await get('/api/v1/namespaces', s.token)).toBe(200);
      expect(await get('/api/v1/namespaces')).toBe(401);
      expect(await get('/api/v1/namespaces', 'wrong')).toBe(401);
      expect(await get('/healthz')).toBe(200); // documented public path
      // Plain HTTP to the TLS port gets no API answer.
      const plain = await new Promise<string>((resolve) => {
        const sock = connect(Number(u.port), '127.0.0.1');
        const chunks: Buffer[] = [];
        sock.setTimeout(3000, () => sock.destroy());
        sock.on('data', (c) => chunks.push(c));
        sock.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        sock.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
        sock.end(`GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n\r\n`);
      });
      expect(plain).not.toContain('"kind":"NamespaceList"');
    } finally {
      await s.close();
    }
  });
});
