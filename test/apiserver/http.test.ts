// Raw HTTP against the ApiServer (plain HTTP for brevity; the kubectl suite
// covers TLS): discovery, OpenAPI, auth, body limits, malformed bodies,
// protobuf, tables, pagination, selectors, server-side apply, and watch.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { Api } from '../../src/api/api.js';
import { ApiServer } from '../../src/apiserver/index.js';
import { encodeNamespaceForTest } from '../../src/apiserver/protobuf.js';
import { MemoryStore } from '../../state/store.js';
import { jsonOrUndefined, onChunkLines } from '../helpers/http.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ maxBodyBytes: 64 * 1024, bookmarkIntervalMs: 50 }, { tls: false });
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {}) {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : { Authorization: `Bearer ${s.token}` }), ...(opts.headers ?? {}) };
  if (opts.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const body = typeof opts.body === 'string' || opts.body === undefined ? opts.body : new Uint8Array(opts.body);
  const res = await fetch(s.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, json: jsonOrUndefined(text), type: res.headers.get('content-type') };
}

/** Opens a watch and collects parsed events until `until` says stop or the stream ends. */
function watch(path: string, until: (events: any[]) => boolean = () => false, headers: Record<string, string> = {}): Promise<{ events: any[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = httpRequest(s.url + path, { headers: { Authorization: `Bearer ${s.token}`, ...headers } }, (res) => {
      onChunkLines(res, (lines) => {
        for (const line of lines) events.push(JSON.parse(line));
        if (until(events)) {
          req.destroy();
          resolve({ events, ended: false });
        }
      });
      res.on('end', () => resolve({ events, ended: true }));
    });
    req.on('error', (e) => (events.length ? resolve({ events, ended: false }) : reject(e)));
    req.end();
  });
}

const pod = (name: string, labels: Record<string, string> = {}, ns = 'default'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }) as KubeObject;

describe('health, version and discovery', () => {
  it('health checks and /version need no token; everything else does', async () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/readyz/ping']) {
      const r = await call('GET', p, { auth: false });
      expect([p, r.status, r.text]).toEqual([p, 200, 'ok']);
    }
    const v = await call('GET', '/version', { auth: false });
    expect(v.json).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-kubeterm' });
    const denied = await call('GET', '/api/v1/pods', { auth: false });
    expect(denied.status).toBe(401);
    expect(denied.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const wrong = await call('GET', '/apis', { auth: false, headers: { Authorization: 'Bearer x' } });
    expect(wrong.status).toBe(401);
  });

  it('serves /api, /apis and per-group resource lists with subresources', async () => {
    expect((await call('GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: any) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'autoscaling', 'networking.k8s.io']));
    const core = (await call('GET', '/api/v1')).json;
    const byName = new Map(core.resources.map((r: any) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(byName.get('pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(byName.get('pods/exec')).toMatchObject({ kind: 'PodExecOptions' });
    expect(byName.get('pods/status')).toMatchObject({ verbs: ['get', 'patch', 'update'] });
    const apps = (await call('GET', '/apis/apps/v1')).json;
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect((await call('GET', '/apis/apps')).json).toMatchObject({ kind: 'APIGroup', name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } });
  });

  it('serves an OpenAPI v3 index whose documents declare fieldValidation', async () => {
    const index = (await call('GET', '/openapi/v3')).json;
    expect(index.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', index.paths['apis/apps/v1'].serverRelativeURL)).json;
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
    // OpenAPI v2 is served (kubectl 1.27 needs it for explain and --validate), as JSON when asked for JSON.
    const v2 = await call('GET', '/openapi/v2');
    expect(v2.status).toBe(200);
    expect(v2.json.swagger).toBe('2.0');
  });

  it('unknown paths and resources are 404 Status', async () => {
    for (const p of ['/nope', '/apis/nope/v1', '/api/v1/widgets', '/apis/apps/v1/namespaces/default/deployments/x/y/z', '/api/v1/namespaces/%E0%A4%A/pods']) {
      const r = await call('GET', p);
      expect([p, r.status, r.json?.reason]).toEqual([p, 404, 'NotFound']);
    }
  });
});

describe('bodies', () => {
  it('an oversized body is 413, malformed JSON and YAML are 400, and the server lives on', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'y'.repeat(100 * 1024) } });
    const r413 = await call('POST', '/api/v1/namespaces/default/configmaps', { body: big });
    expect(r413.status).toBe(413);
    expect(r413.json).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
    const bad = await call('POST', '/api/v1/namespaces/default/configmaps', { body: '{"apiVersion": "v1", kind' });
    expect(bad.status).toBe(400);
    expect(bad.json.reason).toBe('BadRequest');
    expect(bad.json.message).toMatch(/^error decoding JSON: /);
    const badYaml = await call('PATCH', '/api/v1/namespaces/default/configmaps/x?fieldManager=t', {
      body: 'a: [unclosed',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(badYaml.status).toBe(400);
    const badProto = await call('POST', '/api/v1/namespaces', { body: Buffer.from('k8s\0\x0a\xff\xff'), headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
    expect(badProto.status).toBe(400);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('creates a Namespace from a protobuf body and answers in JSON', async () => {
    const r = await call('POST', '/api/v1/namespaces', {
      body: encodeNamespaceForTest('proto-ns', { team: 'a' }),
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf, application/json' },
    });
    expect(r.status).toBe(201);
    expect(r.type).toBe('application/json');
    expect(r.json).toMatchObject({ kind: 'Namespace', metadata: { name: 'proto-ns', labels: { team: 'a' } } });
    expect(s.api.get('Namespace', '', 'proto-ns')).toBeDefined();
  });

  it('a namespace in the body that differs from the URL is refused', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify(pod('p', {}, 'other')) });
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });
});

describe('CRUD, tables and selectors', () => {
  it('creates (201), reads, replaces, patches and deletes', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } }) });
    expect(created.status).toBe(201);
    const got = (await call('GET', '/api/v1/namespaces/default/configmaps/cm')).json;
    expect(got.data).toEqual({ a: '1' });
    const put = await call('PUT', '/api/v1/namespaces/default/configmaps/cm', { body: JSON.stringify({ ...got, data: { a: '2' } }) });
    expect(put.json.data).toEqual({ a: '2' });
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/cm', { body: JSON.stringify({ ...got, data: { a: '3' } }) });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe('Conflict');
    const merged = await call('PATCH', '/api/v1/namespaces/default/configmaps/cm', { body: '{"data":{"b":"x"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(merged.json.data).toEqual({ a: '2', b: 'x' });
    const jp = await call('PATCH', '/api/v1/namespaces/default/configmaps/cm', { body: '[{"op":"remove","path":"/data/a"}]', headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(jp.json.data).toEqual({ b: 'x' });
    const unsupported = await call('PATCH', '/api/v1/namespaces/default/configmaps/cm', { body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(unsupported.status).toBe(415);
    const del = await call('DELETE', '/api/v1/namespaces/default/configmaps/cm', { body: '{"propagationPolicy":"Background"}' });
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'cm', kind: 'configmaps' } });
    const gone = await call('GET', '/api/v1/namespaces/default/configmaps/cm');
    expect(gone.json).toMatchObject({ reason: 'NotFound', message: 'configmaps "cm" not found', code: 404 });
  });

  it('serves Tables with Kubernetes columns, priorities and row objects', async () => {
    await s.api.create(pod('t1', { app: 'x' }));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const t = (await call('GET', '/api/v1/namespaces/default/pods', { headers: { Accept: accept } })).json;
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.columnDefinitions.map((c: any) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
    expect(t.columnDefinitions[0].format).toBe('name');
    const row = t.rows.find((r: any) => r.cells[0] === 't1');
    expect(row.cells.slice(1, 4)).toEqual(['0/1', 'Pending', '0']);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't1', labels: { app: 'x' } } });
    const full = (await call('GET', '/api/v1/namespaces/default/pods?includeObject=Object', { headers: { Accept: accept } })).json;
    expect(full.rows[0].object.kind).toBe('Pod');
    const one = (await call('GET', '/api/v1/namespaces/default/pods/t1', { headers: { Accept: accept } })).json;
    expect(one.rows).toHaveLength(1);
  });

  it('filters lists by label and field selectors, and rejects bad ones', async () => {
    await s.api.create(pod('sel-a', { tier: 'a' }));
    await s.api.create(pod('sel-b', { tier: 'b' }));
    const names = async (q: string) => (await call('GET', `/api/v1/namespaces/default/pods?${q}`)).json.items.map((p: any) => p.metadata.name);
    expect(await names('labelSelector=tier%3Da')).toEqual(['sel-a']);
    expect(await names('labelSelector=tier%20in%20(a,b)')).toEqual(['sel-a', 'sel-b']);
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
    const bad = await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3D1');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('field label not supported: spec.bogus');
  });

  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 5; i++) await s.api.create(pod(`page-${i}`, {}, 'kube-system'));
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = (await call('GET', `/api/v1/namespaces/kube-system/pods?limit=2${cont ? `&continue=${cont}` : ''}`)).json;
      seen.push(...r.items.map((p: any) => p.metadata.name));
      cont = r.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('server-side apply creates with 201, then removes fields it no longer applies', async () => {
    const path = '/api/v1/namespaces/default/configmaps/ssa?fieldManager=me';
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const first = await call('PATCH', path, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n  b: "2"\n', headers });
    expect(first.status).toBe(201);
    const second = await call('PATCH', path, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n', headers });
    expect(second.status).toBe(200);
    expect(second.json.data).toEqual({ a: '1' });
    const noManager = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa', { body: 'apiVersion: v1\nkind: ConfigMap\n', headers });
    expect(noManager.status).toBe(400);
  });

  it('the status subresource changes only status; the scale subresource only replicas', async () => {
    await s.api.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } as KubeObject);
    const st = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/d/status', { body: '{"status":{"replicas":1},"spec":{"replicas":9}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(st.status).toBe(200);
    expect(s.api.get('Deployment', 'default', 'd')?.status?.replicas).toBe(1);
    expect(s.api.get('Deployment', 'default', 'd')?.spec.replicas).toBe(1);
    const scale = (await call('GET', '/apis/apps/v1/namespaces/default/deployments/d/scale')).json;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { replicas: 1, selector: 'a=b' } });
    const put = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/d/scale', { body: JSON.stringify({ ...scale, spec: { replicas: 4 } }) });
    expect(put.json.spec.replicas).toBe(4);
    const neg = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale', { body: '{"spec":{"replicas":-2}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(neg.status).toBe(422);
    expect(neg.json.message).toBe('Scale.autoscaling "d" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0');
  });
});

describe('pods/log without a reader', () => {
  it('names the containers when the pod has several, and says when no log reader is attached', async () => {
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] } } as KubeObject);
    const ambiguous = await call('GET', '/api/v1/namespaces/default/pods/two/log');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json.message).toBe('a container name must be specified for pod two, choose one of: [a b]');
    const wrong = await call('GET', '/api/v1/namespaces/default/pods/two/log?container=c');
    expect(wrong.json.message).toBe('container c is not valid for pod two');
    const none = await call('GET', '/api/v1/namespaces/default/pods/two/log?container=a');
    expect(none.status).toBe(503);
    expect((await call('GET', '/api/v1/namespaces/default/pods/ghost/log')).json.message).toBe('pods "ghost" not found');
  });
});

describe('watch', () => {
  it('streams the current state, then MODIFIED and DELETED in order', async () => {
    await s.api.create(pod('w1', { app: 'w' }));
    const done = watch('/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dw', (ev) => ev.some((e) => e.type === 'DELETED'));
    await new Promise((r) => setTimeout(r, 50));
    await s.api.modify('Pod', 'default', 'w1', (p) => {
      p.metadata.annotations = { touched: 'yes' };
    });
    await s.api.delete('Pod', 'default', 'w1', { gracePeriodSeconds: 0 });
    const { events } = await done;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
  });

  it('an object that stops matching the selector arrives as DELETED, one that starts as ADDED', async () => {
    await s.api.create(pod('w2', { app: 'moving' }));
    const done = watch('/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dmoving', (ev) => ev.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    await s.api.modify('Pod', 'default', 'w2', (p) => {
      p.metadata.labels = { app: 'elsewhere' };
    });
    await s.api.modify('Pod', 'default', 'w2', (p) => {
      p.metadata.labels = { app: 'moving' };
    });
    const { events } = await done;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('replays from a resourceVersion, and answers a too-old one with 410 Expired', async () => {
    const rv = s.store.resourceVersion();
    await s.api.create(pod('w3'));
    const { events } = await watch(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`, (ev) => ev.length >= 1);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w3' } } });

    // A store with a two-event replay log: version 1 is long gone.
    const store = new MemoryStore({ logSize: 2 });
    const api = new Api({ store });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as KubeObject);
    for (let i = 0; i < 5; i++) await api.create(pod(`old-${i}`));
    const srv = new ApiServer({ api, port: 0, token: 't' });
    const { url } = await srv.start();
    try {
      const res = await fetch(`${url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=1`, { headers: { Authorization: 'Bearer t' } });
      const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(res.status).toBe(200);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });
      expect(lines[0].object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    } finally {
      await srv.stop();
    }
  });

  it('timeoutSeconds ends the stream; bookmarks arrive when allowed', async () => {
    const t = Date.now();
    const { events, ended } = await watch('/api/v1/namespaces/kube-public/pods?watch=true&timeoutSeconds=1&allowWatchBookmarks=true');
    expect(ended).toBe(true);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'BOOKMARK' && e.object.kind === 'Pod' && /^\d+$/.test(e.object.metadata.resourceVersion))).toBe(true);
  });

  it('a watch with as=Table delivers one-row tables, headers first', async () => {
    await s.api.create(pod('wt'));
    const { events } = await watch(
      '/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dwt',
      (ev) => ev.length >= 1,
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    );
    expect(events[0].type).toBe('ADDED');
    expect(events[0].object.kind).toBe('Table');
    expect(events[0].object.columnDefinitions[0].name).toBe('Name');
    expect(events[0].object.rows[0].cells[0]).toBe('wt');
  }, 10_000);
});
