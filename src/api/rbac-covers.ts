// Whether one set of RBAC rules grants everything another set grants
// (pkg/registry/rbac/validation policy_comparator: Covers, BreakdownRule).
// The bootstrap policy uses it to find the rules a default role is missing;
// escalation checks ask the same question. Pure: rules in, rules out.
import type { PolicyRule } from './types/rbac.js';

const has = (set: readonly string[] | undefined, x: string): boolean => (set ?? []).includes(x);
const hasAll = (set: readonly string[] | undefined, xs: readonly string[] | undefined): boolean => (xs ?? []).every((x) => has(set, x));

/** One rule per group × resource × verb (× name), and per URL × verb: the atoms a rule grants. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
        } else out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

/** `*` covers every resource; `*\/status` covers every status subresource. */
function resourcesCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, '*') || hasAll(owner, wanted)) return true;
  for (const r of wanted ?? []) {
    if (has(owner, r)) continue;
    const slash = r.indexOf('/');
    if (slash < 0 || !has(owner, `*/${r.slice(slash + 1)}`)) return false;
  }
  return true;
}

/** `/apis/*` covers `/apis/apps`: a trailing star is a prefix. */
function urlCovers(owner: string, wanted: string): boolean {
  if (owner === wanted) return true;
  return owner.endsWith('*') && wanted.startsWith(owner.replace(/\*+$/, ''));
}

function urlsCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  return (wanted ?? []).every((w) => (owner ?? []).some((o) => urlCovers(o, w)));
}

export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourcesCover(owner.resources, sub.resources);
  const urls = urlsCover(owner.nonResourceURLs, sub.nonResourceURLs);
  const ownerNames = owner.resourceNames?.length ?? 0;
  const names = sub.resourceNames?.length ? ownerNames === 0 || hasAll(owner.resourceNames, sub.resourceNames) : ownerNames === 0;
  return verbs && groups && resources && names && urls;
}

/** Whether `owner` grants all of `servant`, and the atoms it does not. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = servant.flatMap(breakdownRule).filter((atom) => !owner.some((o) => ruleCovers(o, atom)));
  return { covered: missing.length === 0, missing };
}
