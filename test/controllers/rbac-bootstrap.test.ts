// The RBAC bootstrap controller, sample-controller style: a seeded store, one
// key reconciled at a time, the ordered writes asserted; then the running
// controller recreating a deleted default.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { covers } from '../../src/api/rbac-covers.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '../../src/api/types/rbac.js';
import { newClusterRoleAggregationController } from '../../src/controllers/clusterrole-aggregation.js';
import { bindingKey, newRbacBootstrapController, roleKey } from '../../src/controllers/rbac-bootstrap.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../src/controllers/rbac-bootstrap-policy.js';
import { recordingApi, rulesOf } from './rbac-fixtures.js';
import { setup } from './harness.js';

const ROLES = bootstrapClusterRoles().map((r) => r.metadata.name!);
const BINDINGS = bootstrapClusterRoleBindings().map((b) => b.metadata.name!);
const ALL_KEYS = [...ROLES.map(roleKey), ...BINDINGS.map(bindingKey)];
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

function fresh() {
  const t = recordingApi();
  const c = newRbacBootstrapController({ api: t.api, clock: t.clock });
  const reconcileAll = async () => {
    for (const k of ALL_KEYS) await c.reconcileNow(k);
  };
  return { ...t, c, reconcileAll };
}

const role = (api: ReturnType<typeof recordingApi>['api'], name: string) => api.get('ClusterRole', '', name)!;
const binding = (api: ReturnType<typeof recordingApi>['api'], name: string) => api.get('ClusterRoleBinding', '', name)!;

describe('RBAC bootstrap: one reconcile', () => {
  it('creates each missing default, in order, labelled and annotated as kube-apiserver does', async () => {
    const t = fresh();
    await t.reconcileAll();
    expect(t.writes).toEqual([...ROLES.map((n) => `ADDED ClusterRole/${n}`), ...BINDINGS.map((n) => `ADDED ClusterRoleBinding/${n}`)]);
    const admin = role(t.api, 'cluster-admin');
    expect(admin.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(admin.metadata.annotations).toEqual({ [AUTOUPDATE]: 'true' });
    expect(admin.rules).toEqual([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]);
    expect(role(t.api, 'edit').metadata.labels).toEqual({ 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(role(t.api, 'view').aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    expect(binding(t.api, 'cluster-admin')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }],
    });
    expect(binding(t.api, 'system:public-info-viewer').subjects?.map((s) => s.name)).toEqual(['system:authenticated', 'system:unauthenticated']);
    expect(binding(t.api, 'system:basic-user').subjects?.map((s) => s.name)).toEqual(['system:authenticated']);
    t.stop();
  });

  it('do nothing: every default present and up to date (also once aggregated) makes no write', async () => {
    const t = fresh();
    await t.reconcileAll();
    const agg = newClusterRoleAggregationController({ api: t.api, clock: t.clock });
    for (let i = 0; i < 3; i++) for (const n of ['view', 'edit', 'admin']) await agg.reconcileNow(n);
    expect((rulesOf(t.api, 'admin') ?? []).length).toBeGreaterThan(0);
    t.writes.length = 0;
    await t.reconcileAll();
    await t.c.reconcileNow(roleKey('not-a-default'));
    await t.c.reconcileNow('nonsense');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('adds back a rule removed from a default role, keeping what the user added', async () => {
    const t = fresh();
    await t.reconcileAll();
    const mine: PolicyRule = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };
    await t.api.modify<ClusterRole>('ClusterRole', '', 'system:basic-user', (o) => {
      o.rules = [o.rules![0], mine]; // drops selfsubjectreviews
      o.metadata.labels = { ...o.metadata.labels, team: 'platform', 'kubernetes.io/bootstrapping': 'mine' };
    });
    t.writes.length = 0;
    await t.c.reconcileNow(roleKey('system:basic-user'));
    expect(t.writes).toEqual(['MODIFIED ClusterRole/system:basic-user']);
    const r = role(t.api, 'system:basic-user');
    expect(r.rules).toEqual([
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      mine,
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ]);
    expect(r.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'mine', team: 'platform' }); // the user's value wins
    t.stop();
  });

  it('appends only the missing atoms of a partly covered rule, as Covers reports them', async () => {
    const t = fresh();
    await t.reconcileAll();
    await t.api.modify<ClusterRole>('ClusterRole', '', 'system:auth-delegator', (o) => {
      o.rules = [o.rules![0]];
    });
    await t.c.reconcileNow(roleKey('system:auth-delegator'));
    expect(role(t.api, 'system:auth-delegator').rules).toEqual([
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] },
    ]);
    t.stop();
  });

  it('leaves a default annotated autoupdate "false" alone', async () => {
    const t = fresh();
    await t.reconcileAll();
    await t.api.modify<ClusterRole>('ClusterRole', '', 'system:discovery', (o) => {
      o.rules = [{ verbs: ['get'], nonResourceURLs: ['/version'] }];
      o.metadata.annotations = { [AUTOUPDATE]: 'false' };
    });
    await t.api.modify<ClusterRoleBinding>('ClusterRoleBinding', '', 'system:discovery', (o) => {
      o.subjects = [];
      o.metadata.annotations = { [AUTOUPDATE]: 'false' };
    });
    t.writes.length = 0;
    await t.c.reconcileNow(roleKey('system:discovery'));
    await t.c.reconcileNow(bindingKey('system:discovery'));
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('adds back a removed subject and a removed aggregation selector, keeping the user’s', async () => {
    const t = fresh();
    await t.reconcileAll();
    const jane = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' };
    await t.api.modify<ClusterRoleBinding>('ClusterRoleBinding', '', 'cluster-admin', (o) => {
      o.subjects = [jane];
    });
    const mySelector = { matchLabels: { 'example.com/aggregate-to-view': 'true' } };
    await t.api.modify<ClusterRole>('ClusterRole', '', 'view', (o) => {
      o.aggregationRule = { clusterRoleSelectors: [mySelector] };
    });
    t.writes.length = 0;
    await t.c.reconcileNow(bindingKey('cluster-admin'));
    await t.c.reconcileNow(roleKey('view'));
    expect(t.writes).toEqual(['MODIFIED ClusterRoleBinding/cluster-admin', 'MODIFIED ClusterRole/view']);
    expect(binding(t.api, 'cluster-admin').subjects).toEqual([jane, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
    expect(role(t.api, 'view').aggregationRule?.clusterRoleSelectors).toEqual([mySelector, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }]);
    t.stop();
  });

  it('recreates a default binding whose roleRef differs (roleRef is immutable), keeping its subjects', async () => {
    const t = recordingApi();
    const c = newRbacBootstrapController({ api: t.api, clock: t.clock, roles: () => [], bindings: () => bootstrapClusterRoleBindings().filter((b) => b.metadata.name === 'system:basic-user') });
    const bob = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' };
    await t.api.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:basic-user' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [bob],
    } as KubeObject);
    t.writes.length = 0;
    await c.reconcileNow(bindingKey('system:basic-user'));
    expect(t.writes).toEqual(['DELETED ClusterRoleBinding/system:basic-user', 'ADDED ClusterRoleBinding/system:basic-user']);
    const b = binding(t.api, 'system:basic-user');
    expect(b.roleRef.name).toBe('system:basic-user');
    expect(b.subjects).toEqual([bob, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }]);
    t.stop();
  });
});

describe('the bootstrap policy', () => {
  it('view grants no secrets and no writes; edit covers view; admin covers edit', async () => {
    const h = await setup({ factories: [newRbacBootstrapController, newClusterRoleAggregationController] });
    const rules = (n: string) => rulesOf(h.api, n) ?? [];
    expect(covers(rules('view'), [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]).covered).toBe(false);
    expect(rules('view').every((r) => r.verbs.every((v) => ['get', 'list', 'watch'].includes(v)))).toBe(true);
    expect(covers(rules('edit'), rules('view')).covered).toBe(true);
    expect(covers(rules('admin'), rules('edit')).covered).toBe(true);
    expect(covers(rules('cluster-admin'), rules('admin')).covered).toBe(true);
    await h.mgr.stop();
  });

  it('the running controller recreates a deleted default at once', async () => {
    const h = await setup({ factories: [newRbacBootstrapController, newClusterRoleAggregationController] });
    expect(h.api.list('ClusterRole').items.map((r) => r.metadata.name).sort()).toEqual([...ROLES].sort());
    const uid = h.api.get('ClusterRoleBinding', '', 'cluster-admin')!.metadata.uid;
    await h.api.delete('ClusterRoleBinding', '', 'cluster-admin');
    await h.api.delete('ClusterRole', '', 'system:aggregate-to-view');
    await h.settle();
    expect(h.api.get('ClusterRoleBinding', '', 'cluster-admin')?.metadata.uid).not.toBe(uid);
    expect(h.api.get('ClusterRole', '', 'system:aggregate-to-view')).toBeDefined();
    expect(covers(rulesOf(h.api, 'view') ?? [], [{ verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] }]).covered).toBe(true);
    await h.mgr.stop();
  });
});
