// The ClusterRole aggregation controller, sample-controller style: seed the
// store, reconcile one key, assert the writes it made and the rules it wrote.
import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../src/api/types/rbac.js';
import { aggregatedRules, newClusterRoleAggregationController } from '../../src/controllers/clusterrole-aggregation.js';
import { newRbacBootstrapController } from '../../src/controllers/rbac-bootstrap.js';
import { clusterRole, recordingApi, rulesOf } from './rbac-fixtures.js';
import { setup } from './harness.js';

const AGG = { 'example.com/aggregate-to-monitoring': 'true' };
const pods: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
const nodes: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['nodes'] };
const metrics: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/metrics'] };

async function seeded() {
  const t = recordingApi();
  const c = newClusterRoleAggregationController({ api: t.api, clock: t.clock });
  await t.api.create(clusterRole('monitoring', [], { aggregateFrom: [AGG] }));
  // Created out of name order: the union follows names, not creation.
  await t.api.create(clusterRole('zz-metrics', [metrics, pods], { labels: AGG }));
  await t.api.create(clusterRole('aa-pods', [pods, nodes], { labels: AGG }));
  await t.api.create(clusterRole('unrelated', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
  t.writes.length = 0;
  return { ...t, c };
}

describe('ClusterRole aggregation: one reconcile', () => {
  it('writes the union of the matching roles’ rules, by role name, each rule once', async () => {
    const t = await seeded();
    await t.c.reconcileNow('monitoring');
    expect(t.writes).toEqual(['MODIFIED ClusterRole/monitoring']);
    expect(rulesOf(t.api, 'monitoring')).toEqual([pods, nodes, metrics]);
    t.stop();
  });

  it('do nothing: an aggregated role already holding the union, and a role without aggregationRule, write nothing', async () => {
    const t = await seeded();
    await t.c.reconcileNow('monitoring');
    t.writes.length = 0;
    await t.c.reconcileNow('monitoring');
    await t.c.reconcileNow('unrelated');
    await t.c.reconcileNow('aa-pods');
    await t.c.reconcileNow('gone');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('drops the rules of a role that loses its label, and empties the union when nothing matches', async () => {
    const t = await seeded();
    await t.c.reconcileNow('monitoring');
    await t.api.modify('ClusterRole', '', 'aa-pods', (o) => {
      o.metadata.labels = {};
    });
    t.writes.length = 0;
    await t.c.reconcileNow('monitoring');
    expect(t.writes).toEqual(['MODIFIED ClusterRole/monitoring']);
    expect(rulesOf(t.api, 'monitoring')).toEqual([metrics, pods]);
    await t.api.delete('ClusterRole', '', 'zz-metrics');
    await t.c.reconcileNow('monitoring');
    expect(rulesOf(t.api, 'monitoring') ?? []).toEqual([]);
    t.stop();
  });

  it('replaces rules a user wrote into an aggregated role', async () => {
    const t = await seeded();
    await t.api.modify('ClusterRole', '', 'monitoring', (o) => {
      o.rules = [{ verbs: ['delete'], apiGroups: [''], resources: ['secrets'] }];
    });
    await t.c.reconcileNow('monitoring');
    expect(rulesOf(t.api, 'monitoring')).toEqual([pods, nodes, metrics]);
    t.stop();
  });
});

describe('aggregatedRules', () => {
  it('walks selectors in order, skips the role itself, and treats absent and empty lists as equal', () => {
    const self = clusterRole('self', [], { labels: { a: 'true' }, aggregateFrom: [{ b: 'true' }, { a: 'true' }] });
    const withEmptyNames: PolicyRule = { ...nodes, resourceNames: [] };
    const roles = [self, clusterRole('x', [pods], { labels: { a: 'true' } }), clusterRole('y', [nodes, withEmptyNames], { labels: { b: 'true' } })];
    expect(aggregatedRules(self, roles)).toEqual([nodes, pods]);
  });
});

describe('aggregation with the running controllers', () => {
  it('keeps admin ⊇ edit ⊇ view up to date as labelled roles come and go', async () => {
    const h = await setup({ factories: [newRbacBootstrapController, newClusterRoleAggregationController] });
    const has = (role: string, group: string, resource: string, verb: string) =>
      (rulesOf(h.api, role) ?? []).some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb));
    expect(has('view', 'apps', 'deployments', 'list')).toBe(true);
    expect(has('view', '', 'secrets', 'get')).toBe(false);
    expect(has('view', 'metrics.k8s.io', 'pods', 'list')).toBe(true);
    expect(has('edit', '', 'secrets', 'get')).toBe(true);
    expect(has('edit', 'apps', 'deployments', 'list')).toBe(true); // from view, through edit's aggregate-to-edit label on view
    expect(has('edit', 'rbac.authorization.k8s.io', 'roles', 'create')).toBe(false);
    expect(has('admin', 'rbac.authorization.k8s.io', 'roles', 'create')).toBe(true);
    expect(has('admin', 'apps', 'deployments', 'create')).toBe(true);

    // A CRD author's role joins view (and so edit and admin) by its label, and leaves when it goes.
    await h.api.create(clusterRole('widgets-view', [{ verbs: ['get', 'list', 'watch'], apiGroups: ['example.com'], resources: ['widgets'] }], { labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }));
    await h.settle();
    for (const r of ['view', 'edit', 'admin']) expect(has(r, 'example.com', 'widgets', 'list'), r).toBe(true);
    await h.api.delete('ClusterRole', '', 'widgets-view');
    await h.settle();
    for (const r of ['view', 'edit', 'admin']) expect(has(r, 'example.com', 'widgets', 'list'), r).toBe(false);
    await h.mgr.stop();
  });
});
