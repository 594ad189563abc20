// KubeClient against a tiny scripted HTTP server on loopback, for what
// kubeterm's own API server does not serve: metrics.k8s.io (metrics-server),
// paginated lists with continue tokens, list items without kind/apiVersion (as
// real clusters send them), custom resources found through discovery, the
// eviction subresource, and a followed log stream that the client stops.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/client/kube.js';
import type { LogLine } from '../../src/client/types.js';
import { FakeClock } from '../../src/util/clock.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => boolean | void;

let server: Server;
let dir: string;
let seen: { method: string; path: string; query: string; contentType?: string; body: string; auth?: string }[];
let routes: Handler[];

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeEach(async () => {
  seen = [];
  routes = [
    (req, res, url) => {
      if (url.pathname !== '/version') return false;
      json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.4' });
    },
    (req, res, url) => {
      if (url.pathname !== '/apis') return false;
      const group = (name: string, version: string) => ({ name, versions: [{ groupVersion: `${name}/${version}`, version }], preferredVersion: { groupVersion: `${name}/${version}`, version } });
      json(res, 200, { kind: 'APIGroupList', groups: [group('apps', 'v1'), group('metrics.k8s.io', 'v1beta1'), group('example.com', 'v1')] });
    },
    // Discovery of the core group and apps/v1, as every server serves it (example.com/v1 is up to each test).
    (req, res, url) => {
      if (url.pathname === '/api') json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
      else if (url.pathname === '/api/v1') {
        json(res, 200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'patch', 'watch'], shortNames: ['no'] },
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['delete', 'get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
            { name: 'pods/eviction', singularName: '', namespaced: true, kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
            { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
          ],
        });
      } else if (url.pathname === '/apis/apps/v1') {
        json(res, 200, {
          kind: 'APIResourceList',
          groupVersion: 'apps/v1',
          resources: [
            { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'watch'], shortNames: ['deploy'], categories: ['all'] },
            { name: 'deployments/scale', singularName: '', namespaced: true, kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch'] },
          ],
        });
      } else return false;
    },
  ];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.search, contentType: req.headers['content-type'], body, auth: req.headers.authorization });
      for (const r of routes) if (r(req, res, url, body) !== false) return;
      json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  dir = await mkdtemp(join(tmpdir(), 'kubeterm-kubefake-'));
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function connect(namespace?: string, clock?: FakeClock): Promise<KubeClient> {
  const port = (server.address() as AddressInfo).port;
  const cfg = join(dir, 'config');
  await writeFile(
    cfg,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake`,
      `  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
      'users:',
      '- name: me',
      '  user: {token: secret-token}',
      'contexts:',
      `- name: fake-ctx`,
      `  context: {cluster: fake, user: me${namespace ? `, namespace: ${namespace}` : ''}}`,
      'current-context: fake-ctx',
    ].join('\n'),
  );
  return KubeClient.fromKubeconfig(cfg, undefined, { clock });
}

describe('KubeClient against a scripted server', () => {
  it('sends the bearer token and reads metrics.k8s.io into cores and bytes', async () => {
    routes.push((req, res, url) => {
      if (url.pathname === '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods') {
        json(res, 200, {
          kind: 'PodMetricsList',
          items: [
            {
              metadata: { name: 'web-1', namespace: 'shop' },
              timestamp: '2026-01-01T00:00:00Z',
              window: '15s',
              containers: [
                { name: 'app', usage: { cpu: '250m', memory: '64Mi' } },
                { name: 'side', usage: { cpu: '1500000n', memory: '1024Ki' } },
              ],
            },
          ],
        });
      } else if (url.pathname === '/apis/metrics.k8s.io/v1beta1/nodes') {
        json(res, 200, { kind: 'NodeMetricsList', items: [{ metadata: { name: 'n1' }, timestamp: '2026-01-01T00:00:00Z', usage: { cpu: '2', memory: '4Gi' } }] });
      } else return false;
    });
    const c = await connect();
    expect(c.info).toEqual({ context: 'fake-ctx', mode: 'kube', runtime: 'remote', serverVersion: 'v1.31.4' });
    const pods = await c.podMetrics!('shop');
    expect(pods).toEqual([
      {
        namespace: 'shop',
        name: 'web-1',
        cpu: 0.2515,
        memory: 65 * 1024 * 1024,
        containers: [
          { name: 'app', cpu: 0.25, memory: 64 * 1024 * 1024 },
          { name: 'side', cpu: 0.0015, memory: 1024 * 1024 },
        ],
        timestamp: '2026-01-01T00:00:00Z',
      },
    ]);
    expect(await c.nodeMetrics!()).toEqual([{ name: 'n1', cpu: 2, memory: 4 * 2 ** 30, timestamp: '2026-01-01T00:00:00Z' }]);
    expect(seen.every((r) => r.auth === 'Bearer secret-token')).toBe(true);
    await c.close();
  });

  it('follows continue tokens and fills in kind/apiVersion on list items', async () => {
    routes.push((req, res, url) => {
      if (url.pathname !== '/apis/apps/v1/deployments') return false;
      expect(url.searchParams.get('limit')).toBe('500');
      if (!url.searchParams.get('continue')) {
        json(res, 200, { kind: 'DeploymentList', metadata: { resourceVersion: '100', continue: 'page2' }, items: [{ metadata: { name: 'a', namespace: 'x' } }] });
      } else {
        json(res, 200, { kind: 'DeploymentList', metadata: { resourceVersion: '101' }, items: [{ metadata: { name: 'b', namespace: 'y' } }] });
      }
    });
    const c = await connect();
    const l = await c.list('deployments');
    expect(l.resourceVersion).toBe('100');
    expect(l.items.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['apps/v1 Deployment x/a', 'apps/v1 Deployment y/b']);
    await c.close();
  });

  it('uses the context namespace for objects that name none, and discovers custom resources', async () => {
    routes.push((req, res, url, body) => {
      if (url.pathname === '/apis/example.com/v1') {
        json(res, 200, {
          kind: 'APIResourceList',
          groupVersion: 'example.com/v1',
          resources: [
            { name: 'gizmos', kind: 'Gizmo', namespaced: true },
            { name: 'gizmos/status', kind: 'Gizmo', namespaced: true },
          ],
        });
      } else if (url.pathname === '/apis/example.com/v1/namespaces/team/gizmos/g1' && req.method === 'GET') {
        json(res, 404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'gizmos.example.com "g1" not found', details: { name: 'g1' } });
      } else if (url.pathname === '/apis/example.com/v1/namespaces/team/gizmos' && req.method === 'POST') {
        json(res, 201, { ...JSON.parse(body), metadata: { ...JSON.parse(body).metadata, uid: 'u1', resourceVersion: '1' } });
      } else return false;
    });
    const c = await connect('team');
    const res = await c.apply({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g1' }, spec: { size: 3 } });
    expect(res.action).toBe('created');
    expect(res.object.metadata).toMatchObject({ name: 'g1', namespace: 'team', uid: 'u1' });
    const post = seen.find((r) => r.method === 'POST')!;
    expect(post.query).toBe('?fieldManager=kubeterm');
    expect(JSON.parse(post.body).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '{"apiVersion":"example.com/v1","kind":"Gizmo","metadata":{"annotations":{},"name":"g1","namespace":"team"},"spec":{"size":3}}\n',
    );
    await c.close();
  });

  it('configures a custom resource with a JSON merge patch, and a Deployment with a strategic one', async () => {
    const lastApplied = '{"apiVersion":"example.com/v1","kind":"Gizmo","metadata":{"annotations":{},"name":"g1","namespace":"default"},"spec":{"old":1,"size":3}}\n';
    routes.push((req, res, url) => {
      if (url.pathname === '/apis/example.com/v1') json(res, 200, { resources: [{ name: 'gizmos', kind: 'Gizmo', namespaced: true }] });
      else if (url.pathname === '/apis/example.com/v1/namespaces/default/gizmos/g1' && req.method === 'GET') {
        json(res, 200, {
          apiVersion: 'example.com/v1',
          kind: 'Gizmo',
          metadata: { name: 'g1', namespace: 'default', resourceVersion: '4', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
          spec: { old: 1, size: 3 },
        });
      } else if (url.pathname === '/apis/example.com/v1/namespaces/default/gizmos/g1' && req.method === 'PATCH') {
        json(res, 200, { apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g1', namespace: 'default', resourceVersion: '5' }, spec: { size: 4 } });
      } else return false;
    });
    const c = await connect();
    const res = await c.apply({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g1' }, spec: { size: 4 } });
    expect(res.action).toBe('configured');
    const patch = seen.find((r) => r.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/merge-patch+json');
    expect(JSON.parse(patch.body).spec).toEqual({ old: null, size: 4 });
    await c.close();
  });

  it('drains with policy/v1 Evictions, skipping DaemonSet and mirror pods, retrying a PodDisruptionBudget refusal', async () => {
    let refused = 0;
    routes.push((req, res, url, body) => {
      if (url.pathname === '/api/v1/nodes/n1' && req.method === 'PATCH') json(res, 200, { kind: 'Node', metadata: { name: 'n1' }, spec: JSON.parse(body).spec });
      else if (url.pathname === '/api/v1/pods') {
        expect(url.searchParams.get('fieldSelector')).toBe('spec.nodeName=n1');
        json(res, 200, {
          metadata: { resourceVersion: '9' },
          items: [
            { metadata: { name: 'web', namespace: 'a', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-x', uid: '1', controller: true }] } },
            { metadata: { name: 'agent', namespace: 'a', ownerReferences: [{ kind: 'DaemonSet', name: 'agent', uid: '2', controller: true }] } },
            { metadata: { name: 'static', namespace: 'kube-system', annotations: { 'kubernetes.io/config.mirror': 'x' } } },
          ],
        });
      } else if (url.pathname === '/api/v1/namespaces/a/pods/web/eviction') {
        if (refused++ === 0) {
          json(res, 429, { kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: "Cannot evict pod as it would violate the pod's disruption budget." });
        } else json(res, 201, { kind: 'Status', status: 'Success', code: 201 });
      } else return false;
    });
    const clock = new FakeClock();
    const c = await connect(undefined, clock);
    let finished = false;
    const draining = c.drain('n1').then(() => (finished = true));
    // kubectl waits 5 s between tries on a PodDisruptionBudget refusal: step the clock until the retry went through.
    const start = clock.now();
    while (!finished) {
      await new Promise((r) => setTimeout(r, 5));
      clock.advance(1000);
    }
    await draining;
    expect(clock.now() - start).toBeGreaterThanOrEqual(5000);
    const calls = seen.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.contentType ?? ''}`);
    expect(calls).toEqual([
      'PATCH /api/v1/nodes/n1 application/merge-patch+json',
      'POST /api/v1/namespaces/a/pods/web/eviction application/json',
      'POST /api/v1/namespaces/a/pods/web/eviction application/json',
    ]);
    expect(JSON.parse(seen.find((r) => r.path.endsWith('/eviction'))!.body)).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web', namespace: 'a' },
    });
    await c.close();
  }, 15_000);

  it('follows a log stream line by line until stopped', async () => {
    let open: ServerResponse | undefined;
    routes.push((req, res, url) => {
      if (url.pathname !== '/api/v1/namespaces/default/pods/p/log') return false;
      expect(Object.fromEntries(url.searchParams)).toEqual({ container: 'c', follow: 'true', tailLines: '10', timestamps: 'true' });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('2026-01-01T00:00:00.000000001Z one\n2026-01-01T00:00:01Z tw');
      open = res;
    });
    const c = await connect();
    const lines: LogLine[] = [];
    let ended: Error | undefined | 'not yet' = 'not yet';
    const sub = c.logs('default', 'p', { container: 'c', follow: true, tailLines: 10 }, (l) => lines.push(l), (e) => (ended = e));
    for (let i = 0; i < 200 && !open; i++) await new Promise((r) => setTimeout(r, 10));
    open!.write('o\n');
    for (let i = 0; i < 200 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines).toEqual([
      { pod: 'p', container: 'c', time: '2026-01-01T00:00:00.000000001Z', text: 'one' },
      { pod: 'p', container: 'c', time: '2026-01-01T00:00:01Z', text: 'two' },
    ]);
    sub.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe('not yet'); // stopping is not an end the caller is told about
    await c.close();
  });
});
