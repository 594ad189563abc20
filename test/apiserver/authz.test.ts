// The RBAC authorizer and its request attributes, table-driven: rule matching
// (verbs, groups, resources, subresources, `*/sub`, resourceNames,
// nonResourceURLs with `*` suffixes, wildcards), subjects (users, groups,
// ServiceAccounts with and without a namespace), binding scopes, missing
// roles, cache invalidation on watch events, the escalation cover check, and
// the verb a request maps to — all in Kubernetes' terms.
import { beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { serviceAccountUser, type UserInfo } from '../../src/api/auth/user.js';
import type { KubeObject } from '../../src/api/meta.js';
import { requestAttributes, resourceAttributes, nonResourceAttributes, type Attributes } from '../../src/apiserver/authz/attributes.js';
import { Authorizer, forbiddenError } from '../../src/apiserver/authz/authorizer.js';
import { escalationMessage } from '../../src/apiserver/authz/escalation.js';
import { RbacAuthorizer } from '../../src/apiserver/authz/rbac.js';
import { compactRules, compactString, covers, ruleAllows, type PolicyRule } from '../../src/apiserver/authz/rules.js';
import { MemoryStore } from '../../state/store.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, seed } from './rbac-fixtures.js';

const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };
const res = (verb: string, resource: string, o: Partial<Attributes> = {}): Attributes => resourceAttributes(alice, { verb, resource, ...o });
const url = (verb: string, path: string): Attributes => nonResourceAttributes(alice, verb, path);

describe('ruleAllows', () => {
  const cases: { rule: PolicyRule; attrs: Attributes; allowed: boolean; what: string }[] = [
    { what: 'exact verb, group, resource', rule: { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, attrs: res('list', 'pods'), allowed: true },
    { what: 'other verb', rule: { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, attrs: res('get', 'pods'), allowed: false },
    { what: 'verb *', rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, attrs: res('delete', 'pods'), allowed: true },
    { what: 'other group', rule: { verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, attrs: res('get', 'deployments', { apiGroup: 'apps' }), allowed: false },
    { what: 'group *', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, attrs: res('get', 'deployments', { apiGroup: 'apps' }), allowed: true },
    { what: 'no apiGroups grants nothing', rule: { verbs: ['get'], resources: ['pods'] }, attrs: res('get', 'pods'), allowed: false },
    { what: 'resource *', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, attrs: res('get', 'secrets'), allowed: true },
    { what: 'resource * covers subresources', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, attrs: res('get', 'pods', { subresource: 'log' }), allowed: true },
    { what: 'pods does not cover pods/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: res('get', 'pods', { subresource: 'log' }), allowed: false },
    { what: 'pods/log', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: res('get', 'pods', { subresource: 'log' }), allowed: true },
    { what: 'pods/log does not cover pods', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: res('get', 'pods'), allowed: false },
    { what: '*/scale', rule: { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, attrs: res('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), allowed: true },
    { what: '*/scale is not */status', rule: { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, attrs: res('update', 'deployments', { apiGroup: 'apps', subresource: 'status' }), allowed: false },
    { what: 'pods/* is no wildcard', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, attrs: res('get', 'pods', { subresource: 'log' }), allowed: false },
    { what: 'resourceNames match', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] }, attrs: res('get', 'configmaps', { name: 'b' }), allowed: true },
    { what: 'resourceNames other name', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: res('get', 'configmaps', { name: 'c' }), allowed: false },
    { what: 'resourceNames never allow a list', rule: { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: res('list', 'configmaps'), allowed: false },
    { what: 'resourceNames never allow create', rule: { verbs: ['create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: res('create', 'configmaps'), allowed: false },
    { what: 'unknown verb grants only itself', rule: { verbs: ['frobnicate'], apiGroups: [''], resources: ['pods'] }, attrs: res('get', 'pods'), allowed: false },
    { what: 'resource rule never allows a URL', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, attrs: url('get', '/healthz'), allowed: false },
    { what: 'URL exact', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: url('get', '/healthz'), allowed: true },
    { what: 'URL exact, not a prefix', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: url('get', '/healthz/etcd'), allowed: false },
    { what: 'URL * suffix', rule: { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, attrs: url('get', '/healthz/etcd'), allowed: true },
    { what: 'URL * suffix needs the slash', rule: { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, attrs: url('get', '/healthz'), allowed: false },
    { what: 'URL prefix*', rule: { verbs: ['get'], nonResourceURLs: ['/api*'] }, attrs: url('get', '/apis/apps'), allowed: true },
    { what: 'URL *', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: url('post', '/anything'), allowed: true },
    { what: 'URL rule other verb', rule: { verbs: ['get'], nonResourceURLs: ['*'] }, attrs: url('post', '/x'), allowed: false },
    { what: 'URL rule never allows resources', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: res('get', 'pods'), allowed: false },
  ];
  it.each(cases)('$what → $allowed', ({ rule, attrs, allowed }) => {
    expect(ruleAllows(attrs, rule)).toBe(allowed);
  });
});

describe('requestAttributes (RequestInfo)', () => {
  const q = (s = '') => new URLSearchParams(s);
  const cases: { method: string; path: string; query?: string; want: Partial<Attributes> }[] = [
    { method: 'GET', path: '/api/v1/namespaces/team/pods', want: { verb: 'list', resource: 'pods', namespace: 'team', apiGroup: '', apiVersion: 'v1', resourceRequest: true } },
    { method: 'GET', path: '/api/v1/namespaces/team/pods', query: 'watch=true', want: { verb: 'watch', resource: 'pods' } },
    { method: 'GET', path: '/api/v1/namespaces/team/pods', query: 'watch=1&fieldSelector=metadata.name%3Dweb', want: { verb: 'watch', name: 'web' } },
    { method: 'GET', path: '/api/v1/namespaces/team/pods', query: 'watch=false', want: { verb: 'list' } },
    { method: 'GET', path: '/api/v1/watch/namespaces/team/pods', want: { verb: 'watch', resource: 'pods', namespace: 'team' } },
    { method: 'GET', path: '/api/v1/namespaces/team/pods/web', want: { verb: 'get', name: 'web' } },
    { method: 'GET', path: '/api/v1/namespaces/team/pods/web/log', want: { verb: 'get', resource: 'pods', subresource: 'log', name: 'web' } },
    { method: 'POST', path: '/api/v1/namespaces/team/pods/web/exec', want: { verb: 'create', subresource: 'exec' } },
    { method: 'POST', path: '/api/v1/namespaces/team/pods', want: { verb: 'create', name: '' } },
    { method: 'PUT', path: '/apis/apps/v1/namespaces/team/deployments/web/scale', want: { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' } },
    { method: 'PATCH', path: '/apis/apps/v1/namespaces/team/deployments/web', want: { verb: 'patch' } },
    { method: 'DELETE', path: '/api/v1/namespaces/team/pods/web', want: { verb: 'delete', name: 'web' } },
    { method: 'DELETE', path: '/api/v1/namespaces/team/pods', want: { verb: 'deletecollection' } },
    { method: 'GET', path: '/api/v1/namespaces/team', want: { verb: 'get', resource: 'namespaces', name: 'team', namespace: 'team' } },
    { method: 'PUT', path: '/api/v1/namespaces/team/finalize', want: { verb: 'update', resource: 'namespaces', subresource: 'finalize', namespace: 'team' } },
    { method: 'GET', path: '/api/v1/nodes', want: { verb: 'list', resource: 'nodes', namespace: '' } },
    { method: 'GET', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/view', want: { verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'view' } },
    { method: 'POST', path: '/api/v1/namespaces/team/serviceaccounts/reader/token', want: { verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'reader' } },
    { method: 'GET', path: '/apis/unknown.example.com/v1/widgets', want: { verb: 'list', apiGroup: 'unknown.example.com', resource: 'widgets', resourceRequest: true } },
    { method: 'GET', path: '/api', want: { verb: 'get', resourceRequest: false, path: '/api' } },
    { method: 'GET', path: '/api/v1', want: { verb: 'get', resourceRequest: false, path: '/api/v1' } },
    { method: 'GET', path: '/apis/apps/v1', want: { verb: 'get', resourceRequest: false, path: '/apis/apps/v1' } },
    { method: 'GET', path: '/openapi/v3', want: { verb: 'get', resourceRequest: false } },
    { method: 'POST', path: '/version', want: { verb: 'post', resourceRequest: false } },
  ];
  it.each(cases)('$method $path?$query', ({ method, path, query, want }) => {
    expect(requestAttributes(alice, method, path, q(query))).toMatchObject(want);
  });
});

describe('RbacAuthorizer over the store', () => {
  let api: Api;
  let authz: Authorizer;
  let rbac: RbacAuthorizer;
  const reader = serviceAccountUser('team', 'reader');

  beforeEach(async () => {
    api = new Api({ store: new MemoryStore() });
    for (const ns of ['team', 'other']) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    rbac = new RbacAuthorizer(api);
    rbac.start();
    authz = new Authorizer(rbac);
    await seed(api, [
      role('team', 'pod-reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }]),
      roleBinding('team', 'read-pods', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'reader' }]),
      clusterRole('node-viewer', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] }]),
      clusterRoleBinding('devs-view-nodes', { kind: 'ClusterRole', name: 'node-viewer' }, [{ kind: 'Group', name: 'devs' }]),
      clusterRole('cm-editor', [{ verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }]),
      roleBinding('other', 'alice-cm', { kind: 'ClusterRole', name: 'cm-editor' }, [{ kind: 'User', name: 'alice' }]),
    ]);
  });

  const asReader = (verb: string, resource: string, namespace: string, o: Partial<Attributes> = {}) => resourceAttributes(reader, { verb, resource, namespace, ...o });

  it('a RoleBinding grants its Role in its namespace only', () => {
    expect(authz.authorize(asReader('list', 'pods', 'team'))).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/team" of Role "pod-reader" to ServiceAccount "reader/team"' });
    expect(authz.authorize(asReader('list', 'pods', 'other')).allowed).toBe(false);
    expect(authz.authorize(asReader('list', 'pods', '')).allowed).toBe(false); // all namespaces
    expect(authz.authorize(asReader('list', 'secrets', 'team'))).toEqual({ allowed: false, reason: '' });
    expect(authz.authorize(asReader('get', 'pods', 'team', { subresource: 'log', name: 'web' })).allowed).toBe(true);
    expect(authz.authorize(asReader('create', 'pods', 'team', { subresource: 'exec', name: 'web' })).allowed).toBe(false);
  });

  it('ServiceAccount subjects match by namespace; in a ClusterRoleBinding the subject names it', async () => {
    const elsewhere = serviceAccountUser('other', 'reader');
    expect(authz.authorize(resourceAttributes(elsewhere, { verb: 'list', resource: 'pods', namespace: 'team' })).allowed).toBe(false);
    await api.create(clusterRole('ns-lister', [{ verbs: ['list'], apiGroups: [''], resources: ['namespaces'] }]));
    expect(authz.authorize(resourceAttributes(reader, { verb: 'list', resource: 'namespaces' })).allowed).toBe(false);
    await api.create(clusterRoleBinding('sa-with-ns', { kind: 'ClusterRole', name: 'ns-lister' }, [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }]));
    expect(authz.authorize(resourceAttributes(reader, { verb: 'list', resource: 'namespaces' })).allowed).toBe(true);
  });

  it('groups, users, resourceNames and ClusterRoles bound in a namespace', () => {
    expect(authz.authorize(resourceAttributes(alice, { verb: 'list', resource: 'nodes' })).reason).toBe('RBAC: allowed by ClusterRoleBinding "devs-view-nodes" of ClusterRole "node-viewer" to Group "devs"');
    expect(authz.authorize(resourceAttributes(alice, { verb: 'update', resource: 'configmaps', namespace: 'other', name: 'settings' })).allowed).toBe(true);
    expect(authz.authorize(resourceAttributes(alice, { verb: 'update', resource: 'configmaps', namespace: 'other', name: 'x' })).allowed).toBe(false);
    expect(authz.authorize(resourceAttributes(alice, { verb: 'update', resource: 'configmaps', namespace: 'team', name: 'settings' })).allowed).toBe(false);
  });

  it('system:masters is allowed everything; nobody else by default', () => {
    const admin: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
    expect(authz.authorize(resourceAttributes(admin, { verb: 'delete', resource: 'anything', apiGroup: 'x.io' })).allowed).toBe(true);
    expect(authz.authorize(nonResourceAttributes(admin, 'get', '/whatever')).allowed).toBe(true);
    expect(authz.authorize(nonResourceAttributes(reader, 'get', '/api')).allowed).toBe(false);
  });

  it('a binding to a missing role is a resolution error in the reason, and grants once the role appears', async () => {
    await api.create(roleBinding('team', 'dangling', { kind: 'Role', name: 'later' }, [{ kind: 'ServiceAccount', name: 'reader' }]));
    expect(authz.authorize(asReader('list', 'secrets', 'team'))).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "later" not found' });
    await api.create(role('team', 'later', [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }]));
    expect(authz.authorize(asReader('list', 'secrets', 'team')).allowed).toBe(true);
  });

  it('cached decisions follow every change of roles and bindings (watch invalidation)', async () => {
    expect(authz.authorize(asReader('list', 'pods', 'team')).allowed).toBe(true);
    const r = api.get('Role', 'team', 'pod-reader')!;
    await api.update({ ...structuredClone(r), rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] } as KubeObject);
    expect(authz.authorize(asReader('list', 'pods', 'team')).allowed).toBe(false);
    expect(authz.authorize(asReader('get', 'pods', 'team', { name: 'x' })).allowed).toBe(true);
    await api.delete('RoleBinding', 'team', 'read-pods');
    expect(authz.authorize(asReader('get', 'pods', 'team', { name: 'x' })).allowed).toBe(false);
  });

  it('rules reviews list cluster-wide and namespace rules', () => {
    expect(authz.rulesFor(reader, 'team').rules).toEqual([{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }]);
    expect(authz.rulesFor(reader, 'other').rules).toEqual([]);
  });

  it('escalation: a user may grant only what they hold, in Kubernetes words', () => {
    expect(escalationMessage(authz, reader, 'team', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }])).toBeUndefined();
    expect(escalationMessage(authz, reader, 'team', [{ verbs: ['list', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }])).toBe(
      'user "system:serviceaccount:team:reader" (groups=["system:serviceaccounts" "system:serviceaccounts:team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["list" "delete"]}',
    );
  });
});

describe('covers', () => {
  const cases: { owner: PolicyRule[]; servant: PolicyRule[]; covered: boolean; what: string }[] = [
    { what: 'star covers all', owner: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], servant: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }], covered: true },
    { what: '*/scale covers x/scale', owner: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], servant: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }], covered: true },
    { what: 'names narrow', owner: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }], servant: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], covered: false },
    { what: 'names within names', owner: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] }], servant: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['b'] }], covered: true },
    { what: 'URL prefix', owner: [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }], servant: [{ verbs: ['get'], nonResourceURLs: ['/logs/kube'] }], covered: true },
    { what: 'URL other verb', owner: [{ verbs: ['get'], nonResourceURLs: ['*'] }], servant: [{ verbs: ['post'], nonResourceURLs: ['/x'] }], covered: false },
  ];
  it.each(cases)('$what', ({ owner, servant, covered }) => {
    expect(covers(owner, servant).covered).toBe(covered);
  });
  it('compacts missing rules per resource', () => {
    const { missing } = covers([], [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
    expect(compactRules(missing).map(compactString)).toEqual(['{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}']);
  });
});

describe('forbidden messages', () => {
  const sa = serviceAccountUser('team', 'reader');
  it.each([
    [resourceAttributes(sa, { verb: 'list', resource: 'pods', namespace: 'team' }), 'pods is forbidden: User "system:serviceaccount:team:reader" cannot list resource "pods" in API group "" in the namespace "team"'],
    [resourceAttributes(sa, { verb: 'get', resource: 'secrets', namespace: 'team', name: 'db' }), 'secrets "db" is forbidden: User "system:serviceaccount:team:reader" cannot get resource "secrets" in API group "" in the namespace "team"'],
    [resourceAttributes(sa, { verb: 'list', resource: 'deployments', apiGroup: 'apps' }), 'deployments.apps is forbidden: User "system:serviceaccount:team:reader" cannot list resource "deployments" in API group "apps" at the cluster scope'],
    [resourceAttributes(sa, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'team', name: 'web' }), 'pods "web" is forbidden: User "system:serviceaccount:team:reader" cannot get resource "pods/log" in API group "" in the namespace "team"'],
    [nonResourceAttributes(sa, 'get', '/openapi/v3'), 'forbidden: User "system:serviceaccount:team:reader" cannot get path "/openapi/v3"'],
  ])('%#', (attrs, message) => {
    const e = forbiddenError(attrs, '');
    expect(e.code).toBe(403);
    expect(e.reason).toBe('Forbidden');
    expect(e.message).toBe(message);
  });
});
