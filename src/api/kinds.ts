// The kinds kubeterm serves, with the facts discovery, kubectl, the UI prompt
// and the folder sync all need: group/version, plural, short names, scope,
// categories and subresources. One table, passed around — never a global
// mutable registry.

export interface KindInfo {
  kind: string;
  group: string; // '' for the core group
  version: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  categories: string[];
  subresources: string[]; // e.g. 'status', 'scale', 'log', 'exec'
  /** Order in which a folder sync applies kinds (lower first), as Argo CD/Flux order them. */
  applyOrder: number;
  /**
   * Older versions of the same group also served, as Kubernetes serves
   * HorizontalPodAutoscaler as autoscaling/v2 and autoscaling/v1. `version` is
   * the stored and preferred one; objects in these versions are converted at
   * the edges (src/api/convert) so the store and controllers see one version.
   */
  alsoServed?: readonly string[];
}

function k(
  kind: string,
  group: string,
  version: string,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  opts: { categories?: string[]; subresources?: string[]; applyOrder?: number; alsoServed?: string[] } = {},
): KindInfo {
  return {
    kind,
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    namespaced,
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
    applyOrder: opts.applyOrder ?? 50,
    alsoServed: opts.alsoServed ?? [],
  };
}

const ALL = ['all'];

export const KINDS: readonly KindInfo[] = [
  k('Namespace', '', 'v1', 'namespaces', ['ns'], false, { subresources: ['status', 'finalize'], applyOrder: 0 }),
  k('Node', '', 'v1', 'nodes', ['no'], false, { subresources: ['status'], applyOrder: 1 }),
  k('PriorityClass', 'scheduling.k8s.io', 'v1', 'priorityclasses', ['pc'], false, { applyOrder: 2 }),
  k('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', ['sc'], false, { applyOrder: 3 }),
  k('ResourceQuota', '', 'v1', 'resourcequotas', ['quota'], true, { subresources: ['status'], applyOrder: 5 }),
  k('LimitRange', '', 'v1', 'limitranges', ['limits'], true, { applyOrder: 5 }),
  k('ServiceAccount', '', 'v1', 'serviceaccounts', ['sa'], true, { applyOrder: 10 }),
  k('ConfigMap', '', 'v1', 'configmaps', ['cm'], true, { applyOrder: 10 }),
  k('Secret', '', 'v1', 'secrets', [], true, { applyOrder: 10 }),
  k('PersistentVolume', '', 'v1', 'persistentvolumes', ['pv'], false, { subresources: ['status'], applyOrder: 11 }),
  k('PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims', ['pvc'], true, { subresources: ['status'], applyOrder: 12 }),
  k('Service', '', 'v1', 'services', ['svc'], true, { categories: ALL, subresources: ['status', 'proxy'], applyOrder: 20 }),
  k('Endpoints', '', 'v1', 'endpoints', ['ep'], true, { applyOrder: 21 }),
  k('EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices', [], true, { applyOrder: 21 }),
  k('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', ['netpol'], true, { applyOrder: 22 }),
  k('IngressClass', 'networking.k8s.io', 'v1', 'ingressclasses', [], false, { applyOrder: 22 }),
  k('Deployment', 'apps', 'v1', 'deployments', ['deploy'], true, { categories: ALL, subresources: ['status', 'scale'], applyOrder: 30 }),
  k('ReplicaSet', 'apps', 'v1', 'replicasets', ['rs'], true, { categories: ALL, subresources: ['status', 'scale'], applyOrder: 31 }),
  k('StatefulSet', 'apps', 'v1', 'statefulsets', ['sts'], true, { categories: ALL, subresources: ['status', 'scale'], applyOrder: 30 }),
  k('DaemonSet', 'apps', 'v1', 'daemonsets', ['ds'], true, { categories: ALL, subresources: ['status'], applyOrder: 30 }),
  k('ControllerRevision', 'apps', 'v1', 'controllerrevisions', [], true, { applyOrder: 32 }),
  k('Job', 'batch', 'v1', 'jobs', [], true, { categories: ALL, subresources: ['status'], applyOrder: 30 }),
  k('CronJob', 'batch', 'v1', 'cronjobs', ['cj'], true, { categories: ALL, subresources: ['status'], applyOrder: 30 }),
  k('Pod', '', 'v1', 'pods', ['po'], true, {
    categories: ALL,
    subresources: ['status', 'log', 'exec', 'portforward', 'binding', 'eviction', 'attach'],
    applyOrder: 35,
  }),
  k('HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers', ['hpa'], true, {
    categories: ALL,
    subresources: ['status'],
    applyOrder: 40,
    alsoServed: ['v1'],
  }),
  k('Ingress', 'networking.k8s.io', 'v1', 'ingresses', ['ing'], true, { subresources: ['status'], applyOrder: 40 }),
  k('Lease', 'coordination.k8s.io', 'v1', 'leases', [], true, { applyOrder: 60 }),
  k('Event', '', 'v1', 'events', ['ev'], true, { applyOrder: 60 }),
];

const byKind = new Map(KINDS.map((i) => [i.kind, i]));
const byName = new Map<string, KindInfo>();
for (const info of KINDS) {
  for (const n of [info.plural, info.singular, info.kind.toLowerCase(), ...info.shortNames]) {
    if (!byName.has(n)) byName.set(n, info);
  }
  byName.set(`${info.plural}.${info.group}`, info);
}

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Resolves `pods`, `pod`, `po`, `Pod`, `deployments.apps` … to a kind, as kubectl and the k9s prompt do. */
export function resolveResource(name: string): KindInfo | undefined {
  const n = name.trim();
  return byName.get(n.toLowerCase()) ?? byKind.get(n);
}

/** Every version a kind is served in, the stored (preferred) one first. */
export function servedVersions(info: KindInfo): string[] {
  return [info.version, ...(info.alsoServed ?? [])];
}

/** True when `apiVersion` (e.g. `autoscaling/v1`) is one this kind is served in. */
export function servesApiVersion(info: KindInfo, apiVersion: string): boolean {
  const gv = parseApiVersion(apiVersion);
  return gv.group === info.group && servedVersions(info).includes(gv.version);
}

/**
 * The kind as seen in one of its served versions: the same facts with
 * `version` replaced, so apiVersionOf() names the version a request used.
 */
export function atVersion(info: KindInfo, version: string): KindInfo {
  return version === info.version ? info : { ...info, version };
}

export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Splits `apps/v1` into group and version (`v1` → core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `deployments.apps` — the resource.group form Kubernetes uses in error messages. */
export function qualifiedResource(info: KindInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

/** `Deployment.apps` — the Kind.group form used in `... is invalid` messages. */
export function qualifiedKind(info: KindInfo): string {
  return info.group ? `${info.kind}.${info.group}` : info.kind;
}
