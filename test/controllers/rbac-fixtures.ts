// Shared by the RBAC controller tests: an Api over a MemoryStore that records
// every write in order (sample-controller's fake clientset actions), and small
// ClusterRole builders.
import type { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterRole, PolicyRule } from '../../src/api/types/rbac.js';

export { recordingApi } from '../helpers/recording-api.js';

export function clusterRole(name: string, rules: PolicyRule[], opts: { labels?: Record<string, string>; aggregateFrom?: Record<string, string>[] } = {}): ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    rules,
    ...(opts.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: opts.aggregateFrom.map((matchLabels) => ({ matchLabels })) } } : {}),
  };
}

export const rulesOf = (api: Api, name: string): PolicyRule[] | undefined => (api.get('ClusterRole', '', name) as KubeObject | undefined)?.rules as PolicyRule[] | undefined;
