// rbac.authorization.k8s.io/v1 defaults (pkg/apis/rbac/v1/defaults.go): a
// binding's roleRef and its User/Group subjects are in the RBAC group unless
// they say otherwise; a ServiceAccount subject is in the core group.
import { isObj, pruneNullsAndEmptyLists, type Json } from './normalize.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Null and empty lists inside rules vanish as Go's omitempty drops them. */
function normalizeRules(obj: Json): void {
  if (!Array.isArray(obj.rules)) return;
  for (const r of obj.rules) pruneNullsAndEmptyLists(r);
}

export function defaultRole(obj: Json): void {
  normalizeRules(obj);
}

export function defaultClusterRole(obj: Json): void {
  normalizeRules(obj);
}

export function defaultBinding(obj: Json): void {
  if (isObj(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = RBAC_GROUP;
  if (obj.subjects === null || (Array.isArray(obj.subjects) && obj.subjects.length === 0)) delete obj.subjects;
  if (!Array.isArray(obj.subjects)) return;
  for (const s of obj.subjects) {
    if (!isObj(s)) continue;
    if (s.apiGroup === null || s.apiGroup === '') delete s.apiGroup; // omitempty: a ServiceAccount's '' is absent
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}
