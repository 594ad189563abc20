// Shared by the RBAC controller tests: an Api over a MemoryStore that records
// every write in order (sample-controller's fake clientset actions), and small
// ClusterRole builders.
import { Api } from '../../src/api/api.js';
import { KindRegistry } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterRole, PolicyRule } from '../../src/api/types/rbac.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

export function recordingApi() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now(), kinds: new KindRegistry() });
  const writes: string[] = [];
  const watch = store.watch('*', {}, (ev) => writes.push(`${ev.type} ${ev.object.kind}/${ev.object.metadata.name}`));
  return { clock, store, api, writes, stop: () => watch.stop() };
}

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
