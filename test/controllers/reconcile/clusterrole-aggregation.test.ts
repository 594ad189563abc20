// ClusterRole aggregation controller, one sync at a time
// (pkg/controller/clusterroleaggregation TestSyncClusterRole): an aggregated
// role whose rules differ from the union is updated once; one that already
// holds the union is not written.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newClusterRoleAggregationController } from '../../../src/controllers/clusterrole-aggregation.js';
import { expectNoWritesNowOrLater, seededWith, syncOnce, update } from './fixture.js';

const role = (name: string, labels: Record<string, string>, rules: unknown[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
});
const aggregate: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'monitoring' },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
  rules: [],
};
const parts = [
  role('mon-pods', { 'rbac.example.com/aggregate-to-monitoring': 'true' }, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]),
  role('mon-svc', { 'rbac.example.com/aggregate-to-monitoring': 'true' }, [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }]),
  role('other', {}, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
];

describe('clusterrole-aggregation reconcile', () => {
  it('writes the union of the selected roles’ rules', async () => {
    const { f, c } = await seededWith(newClusterRoleAggregationController, aggregate, ...parts);
    expect(await syncOnce(f, c, 'monitoring')).toEqual([update('clusterroles', undefined, 'monitoring')]);
    expect(f.api.get('ClusterRole', '', 'monitoring')?.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get'] },
    ]);
  });

  it('does nothing when the rules are already the union', async () => {
    const { f, c } = await seededWith(newClusterRoleAggregationController, aggregate, ...parts);
    await f.converge(c, 'monitoring');
    await expectNoWritesNowOrLater(f, c, 'monitoring');
  });

  it('does nothing for a role without an aggregation rule', async () => {
    const { f, c } = await seededWith(newClusterRoleAggregationController, ...parts);
    expect(await syncOnce(f, c, 'other')).toEqual([]);
  });
});
