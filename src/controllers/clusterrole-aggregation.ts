// The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation):
// a ClusterRole with `aggregationRule.clusterRoleSelectors` gets as its rules
// the union of the rules of every other ClusterRole a selector matches —
// selectors in order, the roles of one selector sorted by name, each rule once
// (deep-equal rules are deduplicated), in first-seen order. The set of
// ClusterRoles is small and the dependency graph unknown, so any ClusterRole
// change queues every aggregated role, as upstream does; a role whose rules
// are already the union is not written.
import type { Api } from '../api/api.js';
import type { LabelSelector } from '../api/meta.js';
import { selectorMatches } from '../api/selectors.js';
import type { ClusterRole, PolicyRule } from '../api/types/rbac.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';

export interface ClusterRoleAggregationOptions {
  api: Api;
  clock: Clock;
}

const ROLE = 'ClusterRole';
const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** A rule's identity for semantic equality: field order fixed, empty and absent lists alike. */
function ruleId(r: PolicyRule): string {
  const rec = r as unknown as Record<string, unknown>;
  return JSON.stringify(RULE_FIELDS.map((f) => (Array.isArray(rec[f]) ? rec[f] : [])));
}

/** The rules `role` should have: the union over its selectors (pure). */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const sel of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matching = all
      .filter((o) => o.metadata.name !== role.metadata.name && selectorMatches(sel as LabelSelector, o.metadata.labels))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
    for (const o of matching) {
      for (const r of o.rules ?? []) {
        const id = ruleId(r);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(JSON.parse(JSON.stringify(r)) as PolicyRule);
      }
    }
  }
  return out;
}

const sameRules = (a: readonly PolicyRule[] | undefined, b: readonly PolicyRule[]) => {
  const x = a ?? [];
  return x.length === b.length && x.every((r, i) => ruleId(r) === ruleId(b[i]));
};

export function newClusterRoleAggregationController(opts: ClusterRoleAggregationOptions): Controller {
  const { api } = opts;
  const aggregatedNames = () =>
    api
      .list(ROLE)
      .items.filter((r) => r.aggregationRule)
      .map((r) => r.metadata.name ?? '');

  return new Controller({
    name: 'clusterrole-aggregation-controller',
    api,
    clock: opts.clock,
    watches: [{ kind: ROLE, toKeys: () => aggregatedNames() }],
    reconcile: async (name) => {
      const role = api.get(ROLE, '', name);
      if (!role?.aggregationRule) return;
      const want = aggregatedRules(role, api.list(ROLE).items);
      if (sameRules(role.rules, want)) return;
      await api.modify<ClusterRole>(ROLE, '', name, (copy) => {
        if (!copy.aggregationRule) return undefined;
        const next = aggregatedRules(copy, api.list(ROLE).items);
        if (sameRules(copy.rules, next)) return undefined;
        copy.rules = next;
        return copy;
      });
    },
  });
}
