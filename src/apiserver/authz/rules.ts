// RBAC PolicyRules: matching a request against a rule (rbac.go RuleAllows and
// the rbacv1helpers matchers) and deciding whether one set of rules covers
// another (component-helpers/auth/rbac/validation Covers, BreakdownRule,
// CompactRules, CompactString) for escalation checks. Rules are read from the
// store as plain JSON, so `normalizeRule` keeps only string lists: a malformed
// rule grants nothing, and unknown verbs or resources are kept and simply
// match nothing else (as Kubernetes stores them).
import type { PolicyRule } from '../../api/types/rbac.js';
import { covers } from '../../api/rbac-covers.js';
import type { Attributes } from './attributes.js';

// Coverage (BreakdownRule, Covers) is the same question the bootstrap policy asks: one implementation, in src/api.
export { covers };

export type { PolicyRule };

const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

export function normalizeRule(raw: unknown): PolicyRule | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const rule: PolicyRule = { verbs: strs(r.verbs) ?? [] };
  const apiGroups = strs(r.apiGroups);
  const resources = strs(r.resources);
  const resourceNames = strs(r.resourceNames);
  const nonResourceURLs = strs(r.nonResourceURLs);
  if (apiGroups?.length) rule.apiGroups = apiGroups;
  if (resources?.length) rule.resources = resources;
  if (resourceNames?.length) rule.resourceNames = resourceNames;
  if (nonResourceURLs?.length) rule.nonResourceURLs = nonResourceURLs;
  return rule;
}

export function normalizeRules(raw: unknown): PolicyRule[] {
  if (!Array.isArray(raw)) return [];
  const out: PolicyRule[] = [];
  for (const r of raw) {
    const n = normalizeRule(r);
    if (n) out.push(n);
  }
  return out;
}


export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/** `*`, the exact `resource/subresource`, or `*\/subresource` when a subresource is asked for. `pods/*` is not a wildcard. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** No resourceNames: any name (also none, as for list and create); otherwise the request must name one of them. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, the exact path, or a prefix ending in `*` (`/healthz/*`, `/apis*`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

// ---- escalation messages ----

/** Folds atomic rules of one group/resource (and at most one name) into one rule with all their verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = r.verbs.length > 0 && (r.apiGroups?.length ?? 0) === 1 && (r.resources?.length ?? 0) === 1 && (r.resourceNames?.length ?? 0) <= 1 && !(r.nonResourceURLs?.length);
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.length ? r.resourceNames[0] : null]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...r.verbs);
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuotedList(xs: readonly string[]): string {
  return `[${xs.map(goQuote).join(' ')}]`;
}

export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuotedList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuotedList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuotedList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
