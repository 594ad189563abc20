// The ingress routing table: built from the Ingresses kubeterm's class owns,
// swapped in whole when they change, and matched per request as the
// Ingress spec says — hosts exact or `*.wildcard` (one label), paths Exact or
// Prefix (element-wise: `/foo` matches `/foo` and `/foo/bar`, never `/foobar`;
// ImplementationSpecific is treated as Prefix), longest path first, Exact
// before Prefix on a tie, the older Ingress before the newer. Pure: no I/O.
import type { KubeObject } from '../api/meta.js';
import type { Ingress, IngressClass, PathType } from '../api/types/networking.js';

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface BackendRef {
  namespace: string;
  service: string;
  port: { number?: number; name?: string };
}

export interface Route {
  host?: string;
  path: string;
  pathType: PathType;
  backend: BackendRef;
  /** `namespace/name` of the Ingress it came from. */
  ingress: string;
}

export interface TlsRef {
  namespace: string;
  secret: string;
  ingress: string;
}

export interface RoutingTable {
  exact: Map<string, Route[]>;
  wildcard: { suffix: string; routes: Route[] }[];
  any: Route[];
  defaultBackend?: BackendRef & { ingress: string };
  /** host (exact or `*.x`) → certificate Secret; '' for a tls entry without hosts. */
  tls: Map<string, TlsRef>;
  ingresses: string[];
}

/** Whether an Ingress belongs to the class `className` (kubeterm's, the default unless another class claims to be). */
export function ownsIngress(ing: Ingress, className: string, classes: IngressClass[]): boolean {
  const named = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (named) return named === className;
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true').map((c) => c.metadata.name);
  return defaults.length === 0 || defaults.includes(className);
}

const segments = (p: string) => p.split('/').filter(Boolean);

/** Kubernetes path matching for one rule path against a request path (no query string). */
export function pathMatches(pathType: PathType, rulePath: string, reqPath: string): boolean {
  if (pathType === 'Exact') return rulePath === reqPath;
  const want = segments(rulePath);
  const got = segments(reqPath);
  if (want.length > got.length) return false;
  return want.every((s, i) => s === got[i]);
}

const created = (o: KubeObject) => (o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);

function order(a: Route & { age: number }, b: Route & { age: number }): number {
  const la = a.pathType === 'Exact' ? a.path.length : segments(a.path).join('/').length;
  const lb = b.pathType === 'Exact' ? b.path.length : segments(b.path).join('/').length;
  if (la !== lb) return lb - la;
  if (a.pathType !== b.pathType) return a.pathType === 'Exact' ? -1 : b.pathType === 'Exact' ? 1 : 0;
  return a.age - b.age;
}

export function buildRoutingTable(ingresses: Ingress[]): RoutingTable {
  const sorted = [...ingresses].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  type Aged = Route & { age: number };
  const exact = new Map<string, Aged[]>();
  const wild = new Map<string, Aged[]>();
  const any: Aged[] = [];
  const tls = new Map<string, TlsRef>();
  let defaultBackend: RoutingTable['defaultBackend'];
  sorted.forEach((ing, age) => {
    const ns = ing.metadata.namespace ?? 'default';
    const id = `${ns}/${ing.metadata.name}`;
    const db = ing.spec?.defaultBackend?.service;
    if (db && !defaultBackend) defaultBackend = { namespace: ns, service: db.name, port: db.port ?? {}, ingress: id };
    for (const t of ing.spec?.tls ?? []) {
      if (!t.secretName) continue;
      for (const h of t.hosts?.length ? t.hosts : ['']) if (!tls.has(h.toLowerCase())) tls.set(h.toLowerCase(), { namespace: ns, secret: t.secretName, ingress: id });
    }
    for (const rule of ing.spec?.rules ?? []) {
      const host = rule.host?.toLowerCase();
      for (const p of rule.http?.paths ?? []) {
        const svc = p.backend?.service;
        if (!svc) continue;
        const r: Aged = { ...(host ? { host } : {}), path: p.path || '/', pathType: p.pathType ?? 'Prefix', backend: { namespace: ns, service: svc.name, port: svc.port ?? {} }, ingress: id, age };
        if (!host) any.push(r);
        else if (host.startsWith('*.')) wild.set(host.slice(1), [...(wild.get(host.slice(1)) ?? []), r]);
        else exact.set(host, [...(exact.get(host) ?? []), r]);
      }
    }
  });
  for (const list of [...exact.values(), ...wild.values(), any]) list.sort(order);
  return {
    exact,
    wildcard: [...wild].map(([suffix, routes]) => ({ suffix, routes })).sort((a, b) => b.suffix.length - a.suffix.length),
    any,
    ...(defaultBackend ? { defaultBackend } : {}),
    tls,
    ingresses: sorted.map((i) => `${i.metadata.namespace}/${i.metadata.name}`),
  };
}

/** `Host` header → lower-case host without port. */
export function hostOf(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const i = h.lastIndexOf(':');
  return i >= 0 ? h.slice(0, i) : h;
}

function wildcardMatches(suffix: string, host: string): boolean {
  // `*.foo.com` (suffix `.foo.com`) matches exactly one extra label.
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/**
 * The route for a request: rules for the exact host first, then wildcard
 * hosts, then host-less rules; the first bucket with a matching path wins.
 * Falls back to the default backend.
 */
export function matchRoute(t: RoutingTable, hostHeader: string | undefined, rawPath: string): { route?: Route; backend?: BackendRef } {
  const host = hostOf(hostHeader);
  const path = (rawPath.split('?')[0] || '/').split('#')[0] || '/';
  const buckets: Route[][] = [];
  const ex = t.exact.get(host);
  if (ex) buckets.push(ex);
  for (const w of t.wildcard) if (wildcardMatches(w.suffix, host)) buckets.push(w.routes);
  buckets.push(t.any);
  for (const b of buckets) {
    const r = b.find((x) => pathMatches(x.pathType, x.path, path));
    if (r) return { route: r, backend: r.backend };
  }
  return t.defaultBackend ? { backend: t.defaultBackend } : {};
}

/** The certificate Secret for an SNI server name. */
export function tlsFor(t: RoutingTable, servername: string): TlsRef | undefined {
  const h = servername.toLowerCase();
  const exact = t.tls.get(h);
  if (exact) return exact;
  const dot = h.indexOf('.');
  if (dot > 0) {
    const w = t.tls.get(`*${h.slice(dot)}`);
    if (w) return w;
  }
  return t.tls.get('');
}
