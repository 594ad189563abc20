// RBAC bootstrap reconciler, one sync at a time (pkg/registry/rbac/reconciliation
// reconcile_role_test.go): a missing default is created, a default missing a
// rule gets it back, one whose roleRef changed is deleted and made again, a
// user-owned (autoupdate=false) one is left alone, and a current one is not written.
import { describe, expect, it } from 'vitest';
import type { ClusterRole, ClusterRoleBinding } from '../../../src/api/types/rbac.js';
import { bindingKey, newRbacBootstrapController, roleKey } from '../../../src/controllers/rbac-bootstrap.js';
import { create, del, newFixture, syncOnce, update } from './fixture.js';

const viewer = (): ClusterRole =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:test-viewer', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }],
  }) as ClusterRole;
const binding = (role = 'system:test-viewer'): ClusterRoleBinding =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:test-viewer', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  }) as ClusterRoleBinding;
const newController = (f: ReturnType<typeof newFixture>) => newRbacBootstrapController({ api: f.api, clock: f.clock, roles: () => [viewer()], bindings: () => [binding()] });

describe('rbac-bootstrap reconcile', () => {
  it('creates a missing default role and binding', async () => {
    const f = newFixture();
    const c = newController(f);
    expect(await syncOnce(f, c, roleKey('system:test-viewer'))).toEqual([create('clusterroles', undefined, 'system:test-viewer')]);
    expect(await syncOnce(f, c, bindingKey('system:test-viewer'))).toEqual([create('clusterrolebindings', undefined, 'system:test-viewer')]);
  });

  it('adds back a rule the default lost', async () => {
    const f = newFixture();
    const shrunk = viewer();
    shrunk.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
    await f.seed(shrunk);
    const c = newController(f);
    expect(await syncOnce(f, c, roleKey('system:test-viewer'))).toEqual([update('clusterroles', undefined, 'system:test-viewer')]);
  });

  it('deletes and recreates a binding whose roleRef changed', async () => {
    const f = newFixture();
    await f.seed(binding('someone-else'));
    const c = newController(f);
    expect(await syncOnce(f, c, bindingKey('system:test-viewer'))).toEqual([
      del('clusterrolebindings', undefined, 'system:test-viewer'),
      create('clusterrolebindings', undefined, 'system:test-viewer'),
    ]);
  });

  it('leaves a default annotated autoupdate=false alone', async () => {
    const f = newFixture();
    const owned = viewer();
    owned.rules = [];
    owned.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
    await f.seed(owned);
    const c = newController(f);
    expect(await syncOnce(f, c, roleKey('system:test-viewer'))).toEqual([]);
  });

  it('does nothing when the defaults are in place', async () => {
    const f = newFixture();
    const c = newController(f);
    await f.converge(c, roleKey('system:test-viewer'));
    await f.converge(c, bindingKey('system:test-viewer'));
    expect(await syncOnce(f, c, roleKey('system:test-viewer'))).toEqual([]);
    expect(await syncOnce(f, c, bindingKey('system:test-viewer'))).toEqual([]);
  });

  it('does nothing with the real bootstrap policy once it is in place', async () => {
    const f = newFixture();
    const c = newRbacBootstrapController({ api: f.api, clock: f.clock });
    const { bootstrapClusterRoles, bootstrapClusterRoleBindings } = await import('../../../src/controllers/rbac-bootstrap-policy.js');
    const keys = [...bootstrapClusterRoles().map((r) => roleKey(r.metadata.name!)), ...bootstrapClusterRoleBindings().map((b) => bindingKey(b.metadata.name!))];
    for (const k of keys) await f.converge(c, k);
    for (const k of keys) expect(await syncOnce(f, c, k)).toEqual([]);
  });
});
