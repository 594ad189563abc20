// Access control over raw HTTP: every kind of request is authorized (lists,
// watches, discovery, OpenAPI, subresources, exec upgrades, unknown
// resources) and the review APIs answer as Kubernetes does — SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview,
// SelfSubjectReview, TokenReview — plus the TokenRequest subresource.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { jsonOrUndefined } from '../helpers/http.js';
import { startTestServer, type TestServer } from './harness.js';
import { BOOTSTRAP, role, roleBinding, seed } from './rbac-fixtures.js';

let s: TestServer;
let reader = '';
const SA = 'system:serviceaccount:team:reader';

async function call(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(s.url + path, {
    method,
    headers: { Authorization: `Bearer ${o.token ?? s.token}`, ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(o.headers ?? {}) },
    body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: jsonOrUndefined(text), text };
}

beforeAll(async () => {
  s = await startTestServer({}, { tls: false });
  await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
  await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
  await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'nginx' }] } } as unknown as KubeObject);
  await seed(s.api, [
    ...BOOTSTRAP,
    role('team', 'pod-reader', [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['web'] },
    ]),
    roleBinding('team', 'reader', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'reader' }]),
  ]);
  const tr = await call('POST', '/api/v1/namespaces/team/serviceaccounts/reader/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } });
  expect(tr.status).toBe(201);
  reader = tr.json.status.token;
});
afterAll(async () => {
  await s?.close();
});

describe('every request is authorized', () => {
  it('lists, watches, subresources, discovery and unknown resources', async () => {
    expect((await call('GET', '/api/v1/namespaces/team/pods', { token: reader })).status).toBe(200);
    const watch = await call('GET', '/api/v1/namespaces/team/pods?watch=true&timeoutSeconds=1', { token: reader });
    expect(watch.status).toBe(403);
    expect(watch.json.message).toBe(`pods is forbidden: User "${SA}" cannot watch resource "pods" in API group "" in the namespace "team"`);
    expect(watch.json.details).toEqual({ kind: 'pods' });
    const status = await call('GET', '/api/v1/namespaces/team/pods/web/status', { token: reader });
    expect(status.json.message).toBe(`pods "web" is forbidden: User "${SA}" cannot get resource "pods/status" in API group "" in the namespace "team"`);
    expect(status.json.details).toEqual({ name: 'web', kind: 'pods' });
    expect((await call('GET', '/api', { token: reader })).status).toBe(200);
    expect((await call('GET', '/apis/apps/v1', { token: reader })).status).toBe(200);
    expect((await call('GET', '/openapi/v3', { token: reader })).status).toBe(200); // system:discovery: /openapi/*
    const metrics = await call('GET', '/metrics', { token: reader });
    expect(metrics.status).toBe(403);
    expect(metrics.json.message).toBe(`forbidden: User "${SA}" cannot get path "/metrics"`);
    expect(metrics.json.details).toEqual({});
    const unknown = await call('GET', '/apis/widgets.example.com/v1/namespaces/team/widgets', { token: reader });
    expect(unknown.status).toBe(403);
    expect(unknown.json.message).toBe(`widgets.widgets.example.com is forbidden: User "${SA}" cannot list resource "widgets" in API group "widgets.example.com" in the namespace "team"`);
    expect((await call('GET', '/apis/widgets.example.com/v1/namespaces/team/widgets')).status).toBe(404); // the admin learns it does not exist
  });

  it('pod logs follow resourceNames; exec upgrades are refused before the stream opens', async () => {
    const log = await call('GET', '/api/v1/namespaces/team/pods/other/log', { token: reader });
    expect(log.json.message).toBe(`pods "other" is forbidden: User "${SA}" cannot get resource "pods/log" in API group "" in the namespace "team"`);
    const upgrade = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(s.url);
      const r = httpRequest({
        host: u.hostname,
        port: u.port,
        path: '/api/v1/namespaces/team/pods/web/exec?command=sh&stdout=true',
        headers: { Authorization: `Bearer ${reader}`, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' },
      });
      r.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      r.on('upgrade', () => reject(new Error('upgraded')));
      r.on('error', reject);
      r.end();
    });
    expect(upgrade.status).toBe(403);
    expect(JSON.parse(upgrade.body).message).toBe(`pods "web" is forbidden: User "${SA}" cannot get resource "pods/exec" in API group "" in the namespace "team"`);
  });
});

describe('review APIs', () => {
  const sar = (spec: Record<string, unknown>, o: { token?: string; kind?: string; path?: string } = {}) =>
    call('POST', o.path ?? '/apis/authorization.k8s.io/v1/subjectaccessreviews', { token: o.token, body: { apiVersion: 'authorization.k8s.io/v1', kind: o.kind ?? 'SubjectAccessReview', spec } });

  it('SubjectAccessReview answers for any user (and needs permission to ask)', async () => {
    const yes = await sar({ user: SA, groups: ['system:serviceaccounts'], resourceAttributes: { namespace: 'team', verb: 'list', resource: 'pods' } });
    expect(yes.status).toBe(201);
    expect(yes.json).toMatchObject({ kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', status: { allowed: true, reason: `RBAC: allowed by RoleBinding "reader/team" of Role "pod-reader" to ServiceAccount "reader/team"` } });
    const no = await sar({ user: SA, resourceAttributes: { namespace: 'team', verb: 'list', resource: 'secrets' } });
    expect(no.json.status).toEqual({ allowed: false });
    const url = await sar({ user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { path: '/apis/apps', verb: 'get' } });
    expect(url.json.status.allowed).toBe(true);
    const bad = await sar({ resourceAttributes: { verb: 'get', resource: 'pods' } });
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const neither = await sar({ user: 'x' });
    expect(neither.json.message).toContain('exactly one of nonResourceAttributes or resourceAttributes must be specified');
    const asReader = await sar({ user: 'x', resourceAttributes: { verb: 'get', resource: 'pods' } }, { token: reader });
    expect(asReader.json.message).toBe(`subjectaccessreviews.authorization.k8s.io is forbidden: User "${SA}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`);
  });

  it('LocalSubjectAccessReview is scoped to its namespace', async () => {
    const path = '/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews';
    const ok = await sar({ user: SA, resourceAttributes: { namespace: 'team', verb: 'get', resource: 'pods', name: 'web' } }, { path, kind: 'LocalSubjectAccessReview' });
    expect(ok.status).toBe(201);
    expect(ok.json.metadata.namespace).toBe('team');
    expect(ok.json.status.allowed).toBe(true);
    const other = await sar({ user: SA, resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } }, { path, kind: 'LocalSubjectAccessReview' });
    expect(other.status).toBe(422);
    expect(other.json.message).toContain('spec.resourceAttributes.namespace: Invalid value: "default": must match metadata.namespace');
  });

  it('SelfSubjectAccessReview and SelfSubjectRulesReview speak for the caller', async () => {
    const self = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token: reader,
      body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { resourceAttributes: { namespace: 'team', verb: 'get', resource: 'pods', subresource: 'log', name: 'web' } } },
    });
    expect(self.json.status.allowed).toBe(true);
    const rules = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { token: reader, body: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'team' } } });
    expect(rules.status).toBe(201);
    expect(rules.json.status.incomplete).toBe(false);
    expect(rules.json.status.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['web'] });
    expect(rules.json.status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] });
    const noNs = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { token: reader, body: { spec: {} } });
    expect(noNs.status).toBe(400);
    expect((await call('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).status).toBe(405);
  });

  it('SelfSubjectReview and TokenReview', async () => {
    const me = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token: reader, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    expect(me.status).toBe(201);
    expect(me.json.status.userInfo).toMatchObject({ username: SA, groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] });
    expect(me.json.status.userInfo.extra['authentication.kubernetes.io/credential-id'][0]).toMatch(/^JTI=/);
    const review = (token: string, audiences?: string[]) =>
      call('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } } });
    const good = await review(reader);
    expect(good.json.status).toMatchObject({ authenticated: true, user: { username: SA }, audiences: ['https://kubernetes.default.svc.cluster.local'] });
    const bad = await review(`${reader}x`);
    expect(bad.json.status.authenticated).toBeUndefined();
    expect(bad.json.status.error).toMatch(/^\[invalid bearer token/);
    const otherAud = await review(reader, ['vault']);
    expect(otherAud.json.status.authenticated).toBeUndefined();
    expect(otherAud.json.status.error).toContain('is invalid for the target audiences ["vault"]');
    expect((await review('')).status).toBe(400);
  });

  it('TokenRequest: defaults, audiences, bound pods, validation', async () => {
    const path = '/api/v1/namespaces/team/serviceaccounts/reader/token';
    const r = await call('POST', path, { body: { spec: { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: 'reader', namespace: 'team' }, spec: { audiences: ['vault'], expirationSeconds: 600 } });
    expect(Date.parse(r.json.status.expirationTimestamp) - Date.now()).toBeGreaterThan(590_000);
    expect((await call('GET', '/api/v1/namespaces/team/pods', { token: r.json.status.token })).status).toBe(401); // audience vault is not the API server's
    const wrongSa = await call('POST', '/api/v1/namespaces/team/serviceaccounts/default/token', { body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } } });
    expect([400, 404]).toContain(wrongSa.status);
    const uid = await call('POST', path, { body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'nope' } } } });
    expect(uid.status).toBe(409);
    const node = await call('POST', path, { body: { spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'n' } } } });
    expect(node.json.message).toBe('cannot bind token to object of type /v1, Kind=Node');
    const short = await call('POST', path, { body: { spec: { expirationSeconds: 60 } } });
    expect(short.json.message).toBe('TokenRequest.authentication.k8s.io "reader" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const refused = await call('POST', path, { token: reader, body: { spec: {} } });
    expect(refused.json.message).toBe(`serviceaccounts "reader" is forbidden: User "${SA}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "team"`);
  });
});
