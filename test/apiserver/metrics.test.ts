// metrics.k8s.io/v1beta1 over raw HTTP, as metrics-server serves it: the
// objects' shape, label and field selectors, sorting, tables, and the 404s in
// metrics-server's words. The usage comes from a fake MetricsSource.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { cpuQuantity, goDuration, memoryQuantity, type MetricsSource, type PodUsage } from '../../src/apiserver/metrics.js';
import { startTestServer, type TestServer } from './harness.js';

const T = '2025-01-02T03:04:05.678Z';
const pods: PodUsage[] = [
  { namespace: 'default', name: 'web-1', timestamp: T, containers: [{ name: 'app', cpu: 0.123456789, memory: 12345 * 1024 }, { name: 'sidecar', cpu: 0.001, memory: 8 * 2 ** 20 }] },
  { namespace: 'default', name: 'api-1', timestamp: T, containers: [{ name: 'app', cpu: 0.25, memory: 64 * 2 ** 20 }] },
  { namespace: 'team', name: 'db-0', timestamp: T, containers: [{ name: 'db', cpu: 2, memory: 2 ** 30 }] },
  // Has stats but is not Running: metrics-server leaves it out.
  { namespace: 'default', name: 'pending', timestamp: T, containers: [{ name: 'app', cpu: 0.1, memory: 1024 }] },
];
const source: MetricsSource = {
  pods: async (ns) => pods.filter((p) => !ns || p.namespace === ns),
  nodes: async () => [
    { name: 'node-b', cpu: 0.5, memory: 512 * 2 ** 20, timestamp: T },
    { name: 'node-a', cpu: 1.000000001, memory: 3 * 2 ** 30, timestamp: T, window: 20.5 },
  ],
};

let s: TestServer;
let bare: TestServer;

async function get(path: string, headers: Record<string, string> = {}, server = s) {
  const res = await fetch(server.url + path, { headers: { Authorization: `Bearer ${server.token}`, ...headers } });
  return { status: res.status, json: (await res.json()) as any };
}

function pod(ns: string, name: string, labels: Record<string, string>, phase = 'Running'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] }, status: { phase } } as KubeObject;
}

beforeAll(async () => {
  s = await startTestServer({ metrics: source, now: () => Date.parse('2025-01-02T03:05:00Z') }, { tls: false });
  bare = await startTestServer({}, { tls: false });
  await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
  for (const [name, labels] of [['node-a', { zone: 'a' }], ['node-b', { zone: 'b' }], ['node-c', { zone: 'c' }]] as const) {
    await s.api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } } as KubeObject);
  }
  for (const p of [pod('default', 'web-1', { app: 'web' }), pod('default', 'api-1', { app: 'api' }), pod('team', 'db-0', { app: 'db' }), pod('default', 'pending', { app: 'web' }, 'Pending'), pod('default', 'no-stats', { app: 'web' })]) {
    const created = await s.api.create(p);
    await s.api.updateStatus({ ...created, status: p.status });
  }
});
afterAll(async () => {
  await s?.close();
  await bare?.close();
});

describe('quantities as metrics-server writes them', () => {
  it.each([
    [0, '0'],
    [0.123456789, '123456789n'],
    [0.001, '1m'],
    [0.25, '250m'],
    [2, '2'],
    [1.000000001, '1000000001n'],
    [0.0000015, '1500n'],
  ])('cpu %s cores → %s', (cores, q) => expect(cpuQuantity(cores)).toBe(q));

  it.each([
    [0, '0'],
    [512, '512'],
    [12345 * 1024, '12345Ki'],
    [64 * 2 ** 20, '64Mi'],
    [2 ** 30, '1Gi'],
    [12_000_000, '12000000'],
  ])('memory %s bytes → %s', (bytes, q) => expect(memoryQuantity(bytes)).toBe(q));

  it.each([
    [10, '10s'],
    [20.5, '20.5s'],
    [90, '1m30s'],
    [3600, '1h0m0s'],
  ])('window %s s → %s', (sec, d) => expect(goDuration(sec)).toBe(d));
});

describe('metrics.k8s.io/v1beta1 nodes', () => {
  it('lists NodeMetrics sorted by name, with the node labels, timestamp, window and usage', async () => {
    const { status, json } = await get('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(status).toBe(200);
    expect(json.kind).toBe('NodeMetricsList');
    expect(json.apiVersion).toBe('metrics.k8s.io/v1beta1');
    // node-c has no stats: left out, as metrics-server leaves out nodes it has not scraped.
    expect(json.items.map((i: any) => i.metadata.name)).toEqual(['node-a', 'node-b']);
    expect(json.items[0]).toEqual({
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'node-a', labels: { zone: 'a' }, creationTimestamp: '2025-01-02T03:05:00Z' },
      timestamp: '2025-01-02T03:04:05Z',
      window: '20.5s',
      usage: { cpu: '1000000001n', memory: '3Gi' },
    });
    expect(json.items[1]).toMatchObject({ window: '10s', usage: { cpu: '500m', memory: '512Mi' } });
  });

  it('filters by label and field selectors, and refuses a field metrics-server does not know', async () => {
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db')).json.items.map((i: any) => i.metadata.name)).toEqual(['node-b']);
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dnode-a')).json.items.map((i: any) => i.metadata.name)).toEqual(['node-a']);
    const bad = await get('/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=spec.unschedulable%3Dtrue');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('"spec.unschedulable" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('gets one node, and answers 404 in metrics-server words for an unknown node or one without metrics', async () => {
    const one = await get('/apis/metrics.k8s.io/v1beta1/nodes/node-b');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ kind: 'NodeMetrics', metadata: { name: 'node-b' }, usage: { cpu: '500m' } });
    const unknown = await get('/apis/metrics.k8s.io/v1beta1/nodes/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'node "nope" not found', details: { name: 'nope', kind: 'node' } });
    const noStats = await get('/apis/metrics.k8s.io/v1beta1/nodes/node-c');
    expect(noStats.status).toBe(404);
    expect(noStats.json.message).toBe('nodemetrics.metrics.k8s.io "node-c" not found');
  });
});

describe('metrics.k8s.io/v1beta1 pods', () => {
  it('lists running pods with metrics in all namespaces, sorted by namespace and name', async () => {
    const { status, json } = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(status).toBe(200);
    expect(json.kind).toBe('PodMetricsList');
    expect(json.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/api-1', 'default/web-1', 'team/db-0']);
    expect(json.items[1]).toEqual({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2025-01-02T03:05:00Z' },
      timestamp: '2025-01-02T03:04:05Z',
      window: '10s',
      containers: [
        { name: 'app', usage: { cpu: '123456789n', memory: '12345Ki' } },
        { name: 'sidecar', usage: { cpu: '1m', memory: '8Mi' } },
      ],
    });
  });

  it('lists one namespace, with label and field selectors', async () => {
    const names = async (q: string) => (await get(`/apis/metrics.k8s.io/v1beta1/namespaces/default/pods${q}`)).json.items.map((i: any) => i.metadata.name);
    expect(await names('')).toEqual(['api-1', 'web-1']);
    expect(await names('?labelSelector=app%3Dweb')).toEqual(['web-1']);
    expect(await names('?labelSelector=app%20in%20(api,db)')).toEqual(['api-1']);
    expect(await names('?fieldSelector=metadata.name!%3Dapi-1')).toEqual(['web-1']);
    expect((await get('/apis/metrics.k8s.io/v1beta1/namespaces/team/pods')).json.items.map((i: any) => i.metadata.name)).toEqual(['db-0']);
  });

  it('gets one pod; 404 for an unknown pod and for a pod without metrics, in metrics-server words', async () => {
    const one = await get('/apis/metrics.k8s.io/v1beta1/namespaces/team/pods/db-0');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'db-0', namespace: 'team' }, containers: [{ name: 'db', usage: { cpu: '2', memory: '1Gi' } }] });
    const unknown = await get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
    for (const name of ['pending', 'no-stats']) {
      const none = await get(`/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${name}`);
      expect(none.status).toBe(404);
      expect(none.json).toMatchObject({ message: `podmetrics.metrics.k8s.io "default/${name}" not found`, details: { group: 'metrics.k8s.io', kind: 'podmetrics' } });
    }
  });

  it('answers a Table with metrics-server columns (Name, cpu, memory, Window)', async () => {
    const { json } = await get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(json.kind).toBe('Table');
    expect(json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'cpu', 'memory', 'Window']);
    // web-1: 123456789n + 1m = 124456789n; 12345Ki + 8Mi = 20537Ki.
    expect(json.rows.map((r: any) => r.cells)).toEqual([
      ['api-1', '250m', '64Mi', '10s'],
      ['web-1', '124456789n', '20537Ki', '10s'],
    ]);
    expect(json.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'api-1' } });
  });

  it('refuses writes and watches as metrics-server does', async () => {
    const post = await fetch(`${s.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods`, { method: 'POST', headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    const w = await get('/apis/metrics.k8s.io/v1beta1/pods?watch=true');
    expect(w.status).toBe(405);
    expect(w.json.message).toBe('watch is not supported on resources of kind "pods.metrics.k8s.io"');
  });
});

describe('without a metrics source', () => {
  it('keeps the group in discovery but answers 503, as an APIService whose backend is down', async () => {
    const groups = (await get('/apis', {}, bare)).json.groups.map((g: any) => g.name);
    expect(groups).toContain('metrics.k8s.io');
    const res = await get('/apis/metrics.k8s.io/v1beta1/nodes', {}, bare);
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' });
  });
});
