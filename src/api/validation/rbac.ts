// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding,
// with the paths and messages of pkg/apis/rbac/validation. Rules are checked
// for shape only: unknown verbs, groups and resources are stored as written.
import type { KubeObject } from '../meta.js';
import { isDNS1123Subdomain, type NameValidator } from '../names.js';
import { RBAC_GROUP } from '../types/rbac.js';
import { invalid, isObj, notSupported, required, str, type Errs } from './field.js';
import { goQuote, goStringSlice } from './gofmt.js';
import { validateLabelSelector } from './meta.js';

/** path.IsValidPathSegmentName: role and binding names only need to be usable in a URL path. */
export const nameIsPathSegment: NameValidator = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
};

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): string[] {
  return list(v).map((x) => String(x));
}

/** ValidatePolicyRule: verbs always; either non-resource URLs (cluster-wide only) or groups and resources. */
export function validatePolicyRule(rule: unknown, namespaced: boolean, path: string): Errs {
  const r = isObj(rule) ? rule : {};
  const errs: Errs = [];
  if (list(r.verbs).length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = strings(r.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs', goStringSlice(urls)));
    if (list(r.apiGroups).length > 0 || list(r.resources).length > 0 || list(r.resourceNames).length > 0) {
      errs.push(invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs', goStringSlice(urls)));
    }
    return errs;
  }
  if (list(r.apiGroups).length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list(r.resources).length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): Errs {
  return list(obj.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

export function validateRole(obj: KubeObject): Errs {
  return validateRules(obj, true);
}

export function validateClusterRole(obj: KubeObject): Errs {
  const errs = validateRules(obj, false);
  const agg = obj.aggregationRule;
  if (agg !== undefined && agg !== null) {
    const selectors = list(isObj(agg) ? agg.clusterRoleSelectors : undefined);
    if (selectors.length === 0) {
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

/** ValidateRoleBindingSubject. */
function validateSubject(subject: unknown, namespaced: boolean, path: string): Errs {
  const s = isObj(subject) ? subject : {};
  const errs: Errs = [];
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (!name) errs.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.name`, name, m));
      if (apiGroup) errs.push(notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): Errs {
  const ref = isObj(obj.roleRef) ? obj.roleRef : {};
  const errs: Errs = [];
  const apiGroup = str(ref.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (!name) errs.push(required('roleRef.name'));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalid('roleRef.name', name, m));
  list(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

export function validateRoleBinding(obj: KubeObject): Errs {
  return validateBinding(obj, true);
}

export function validateClusterRoleBinding(obj: KubeObject): Errs {
  return validateBinding(obj, false);
}

/** Go's %#v of the internal rbac.RoleRef, as the API server prints it. */
function goRoleRef(ref: Record<string, unknown>): string {
  return `rbac.RoleRef{APIGroup:${goQuote(str(ref.apiGroup))}, Kind:${goQuote(str(ref.kind))}, Name:${goQuote(str(ref.name))}}`;
}

/** A binding's roleRef cannot change: delete and recreate the binding instead (kubectl auth reconcile does). */
export function validateBindingUpdate(obj: KubeObject, old: KubeObject): Errs {
  const ref = isObj(obj.roleRef) ? obj.roleRef : {};
  const was = isObj(old.roleRef) ? old.roleRef : {};
  const same = ['apiGroup', 'kind', 'name'].every((k) => str(ref[k]) === str(was[k]));
  return same ? [] : [invalid('roleRef', ref, 'cannot change roleRef', goRoleRef(ref))];
}
