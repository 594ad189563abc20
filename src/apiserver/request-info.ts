// Turns a URL path into what the Kubernetes API server calls RequestInfo:
// group, version, namespace, resource, name, subresource and verb. It follows
// k8s.io/apiserver/pkg/endpoints/request/requestinfo.go: `/api/v1/...` is the
// core group, `/apis/<group>/<version>/...` the rest, `namespaces/<ns>/` scopes
// a resource unless what follows is a namespace subresource (status, finalize),
// and a leading `watch/` segment is the legacy watch form.
import type { KindInfo, KindRegistry } from '../api/kinds.js';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace: string;
  /** The plural resource name as in the URL. */
  resource: string;
  info: KindInfo;
  name: string;
  subresource: string;
  /** `/watch/` path prefix (deprecated by Kubernetes, still honoured). */
  legacyWatch: boolean;
}

export type ParsedPath =
  | { type: 'resource'; req: ResourceRequest }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'unknown' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** `group/version` of everything served, per registry, dropped whenever its kinds change (every request asks). */
const servedGroupVersions = new WeakMap<KindRegistry, Set<string>>();
function serves(kinds: KindRegistry, group: string, version: string): boolean {
  let set = servedGroupVersions.get(kinds);
  if (!set) {
    set = new Set(kinds.groupVersions().map((gv) => `${gv.group}/${gv.version}`));
    servedGroupVersions.set(kinds, set);
    const off = kinds.onChange(() => {
      servedGroupVersions.delete(kinds);
      off();
    });
  }
  return set.has(`${group}/${version}`);
}

/** Parses a request path against the kinds `kinds` serves right now (custom kinds come and go with their CRDs). */
export function parsePath(pathname: string, kinds: KindRegistry): ParsedPath {
  let segs: string[];
  try {
    segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return { type: 'unknown' }; // malformed %-escapes name nothing we serve
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length < 2) return { type: 'unknown' };
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length < 3) return { type: 'unknown' };
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return { type: 'unknown' };
  }
  if (!serves(kinds, group, version)) return { type: 'unknown' };
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1 && group === '') {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
    else namespace = ''; // the namespace object itself (or its status/finalize)
  }
  if (rest[0] === 'namespaces' && rest.length > 2 && group !== '') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name = '', subresource = '', ...extra] = rest;
  if (extra.length) return { type: 'unknown' };
  const info = kinds.lookup(group, version, resource);
  if (!info) return { type: 'unknown' };
  if (!info.namespaced && namespace) return { type: 'unknown' };
  return { type: 'resource', req: { group, version, namespace, resource, info, name, subresource, legacyWatch } };
}
