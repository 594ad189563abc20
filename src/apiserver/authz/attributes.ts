// What an authorizer is asked: who (user), which verb, and either a resource
// (group, version, namespace, resource, subresource, name) or a non-resource
// path. `requestAttributes` derives them from an HTTP request exactly as
// kube-apiserver's RequestInfoFactory does (k8s.io/apiserver/pkg/endpoints/
// request/requestinfo.go), independently of what this server serves — so a
// request for a resource nobody may touch is a 403 before it is a 404:
//   - `/api/v1/...` and `/apis/<group>/<version>/...` with a resource are
//     resource requests; shorter paths (`/api`, `/apis/apps/v1`) and all
//     others (`/version`, `/openapi/v3`) are non-resource requests whose verb
//     is the lower-cased HTTP method;
//   - verb from the method: POST create, GET/HEAD get, PUT update, PATCH
//     patch, DELETE delete; a GET without a name is list, or watch with
//     `watch=true`; a DELETE without a name is deletecollection; the
//     `/watch/` path prefix is watch;
//   - `namespaces/<ns>/<resource>` scopes the request (`namespaces/<ns>`
//     alone, and its status/finalize, is the namespace itself with namespace
//     <ns>, as Kubernetes has it);
//   - a list or watch with `fieldSelector=metadata.name=<n>` names <n>, so a
//     rule with resourceNames can allow `kubectl get pod x -w`.
// One difference: a GET of a named object with `watch=true` is `watch` here
// (this server streams it), where Kubernetes says `get`.
import type { UserInfo } from '../../api/auth/user.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** Resource requests. */
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** Non-resource requests: the URL path. */
  path: string;
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** An RFC 1123 path segment name as path.IsValidPathSegmentName accepts (no `.`/`..`, no `/` or `%`). */
function validSegmentName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('%');
}

/** `metadata.name=x` (or `==`) as the only exact requirement of a field selector; undefined otherwise. */
function nameFromFieldSelector(sel: string | null): string | undefined {
  if (!sel) return undefined;
  let found: string | undefined;
  for (const term of sel.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && !term.includes('!=')) found = m[1];
  }
  return found;
}

function truthy(v: string | null): boolean {
  if (v === null) return false;
  // runtime.Convert_Slice_string_To_bool: only "false" and "0" are false (even "" is true).
  return !['false', '0'].includes(v.toLowerCase());
}

export function requestAttributes(user: UserInfo, method: string, pathname: string, query: URLSearchParams): Attributes {
  const attrs: Attributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
    path: pathname,
  };
  let parts: string[];
  try {
    parts = pathname.replace(/^\/+|\/+$/g, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return attrs;
  }
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return attrs;
  const prefix = parts[0];
  parts = parts.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (parts.length < 3) return attrs;
    group = parts[0];
    parts = parts.slice(1);
  }
  const resourceAttrs: Attributes = { ...attrs, resourceRequest: true, apiGroup: group, apiVersion: parts[0], path: '' };
  parts = parts.slice(1);
  if (SPECIAL_VERBS.has(parts[0])) {
    if (parts.length < 2) return attrs; // kube-apiserver: "unable to determine kind and namespace from url"
    resourceAttrs.verb = parts[0];
    parts = parts.slice(1);
  } else {
    const byMethod: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
    resourceAttrs.verb = byMethod[method.toUpperCase()] ?? '';
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      resourceAttrs.namespace = parts[1];
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
    }
  }
  if (parts.length >= 3 && resourceAttrs.verb !== 'proxy') resourceAttrs.subresource = parts[2];
  if (parts.length >= 2) resourceAttrs.name = parts[1];
  if (parts.length >= 1) resourceAttrs.resource = parts[0];
  if (resourceAttrs.verb === 'get') {
    if (!resourceAttrs.name) {
      resourceAttrs.verb = truthy(query.get('watch')) ? 'watch' : 'list';
      const byField = nameFromFieldSelector(query.get('fieldSelector'));
      if (byField !== undefined && validSegmentName(byField)) resourceAttrs.name = byField;
    } else if (truthy(query.get('watch')) && !resourceAttrs.subresource) {
      resourceAttrs.verb = 'watch';
    }
  }
  if (!resourceAttrs.name && resourceAttrs.verb === 'delete') resourceAttrs.verb = 'deletecollection';
  return resourceAttrs;
}

/** Attributes of a resource check made by the server itself (impersonation, escalate, bind, reviews). */
export function resourceAttributes(user: UserInfo, a: Partial<Omit<Attributes, 'user' | 'resourceRequest' | 'path'>> & { verb: string; resource: string }): Attributes {
  return {
    user,
    verb: a.verb,
    resourceRequest: true,
    namespace: a.namespace ?? '',
    apiGroup: a.apiGroup ?? '',
    apiVersion: a.apiVersion ?? '',
    resource: a.resource,
    subresource: a.subresource ?? '',
    name: a.name ?? '',
    path: '',
  };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path };
}
