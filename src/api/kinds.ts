// The kinds kubeterm serves, with the facts discovery, kubectl, the UI prompt
// and the folder sync all need: group/version, plural, short names, scope,
// categories and subresources. The built-in kinds are one constant table
// (KINDS); a KindRegistry (one per engine, owned by its Api) starts from it
// and grows and shrinks as CustomResourceDefinitions become Established and
// go away. Everything that must see custom kinds asks the registry.

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
  /**
   * The verbs discovery announces and the API server allows; default: every
   * verb of a stored kind. Review kinds are create-only, metrics get/list.
   */
  verbs?: readonly string[];
  /**
   * Not stored: the API server answers these itself (TokenReview, the access
   * reviews, metrics.k8s.io). The store, the folder sync and the UI's tables
   * never list them.
   */
  virtual?: boolean;
  /** `FooList`: the kind of a list of these (custom kinds name it in their CRD). */
  listKind?: string;
  /** Set for kinds defined by a CustomResourceDefinition. */
  custom?: CustomKind;
}

/** A CRD's additionalPrinterColumns entry (apiextensions.k8s.io/v1 CustomResourceColumnDefinition). */
export interface PrinterColumn {
  name: string;
  /** integer, number, string, boolean, date */
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** The scale subresource of a custom kind: where replicas and the selector live (JSON paths like `.spec.replicas`). */
export interface CustomScale {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** One version of a custom kind, as its CRD declares it. */
export interface CustomVersion {
  name: string;
  served: boolean;
  storage: boolean;
  /** The version's openAPIV3Schema (structural), if any. */
  schema?: Record<string, unknown>;
  printerColumns: PrinterColumn[];
  status: boolean;
  scale?: CustomScale;
  deprecated?: boolean;
  deprecationWarning?: string;
}

/** What a CustomResourceDefinition says of its kind beyond the KindInfo facts. */
export interface CustomKind {
  /** The CRD's name (`plural.group`). */
  crd: string;
  versions: CustomVersion[];
}

function k(
  kind: string,
  group: string,
  version: string,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  opts: { categories?: string[]; subresources?: string[]; applyOrder?: number; alsoServed?: string[]; verbs?: string[]; virtual?: boolean; singular?: string } = {},
): KindInfo {
  return {
    kind,
    group,
    version,
    plural,
    singular: opts.singular ?? kind.toLowerCase(),
    shortNames,
    namespaced,
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
    applyOrder: opts.applyOrder ?? 50,
    alsoServed: opts.alsoServed ?? [],
    ...(opts.verbs ? { verbs: opts.verbs } : {}),
    ...(opts.virtual ? { virtual: true } : {}),
  };
}

const CREATE_ONLY = ['create'];
const READ_ONLY = ['get', 'list'];

const ALL = ['all'];

export const KINDS: readonly KindInfo[] = [
  k('Namespace', '', 'v1', 'namespaces', ['ns'], false, { subresources: ['status', 'finalize'], applyOrder: 0 }),
  k('Node', '', 'v1', 'nodes', ['no'], false, { subresources: ['status'], applyOrder: 1 }),
  k('PriorityClass', 'scheduling.k8s.io', 'v1', 'priorityclasses', ['pc'], false, { applyOrder: 2 }),
  k('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', ['sc'], false, { applyOrder: 3 }),
  k('ResourceQuota', '', 'v1', 'resourcequotas', ['quota'], true, { subresources: ['status'], applyOrder: 5 }),
  k('LimitRange', '', 'v1', 'limitranges', ['limits'], true, { applyOrder: 5 }),
  k('ServiceAccount', '', 'v1', 'serviceaccounts', ['sa'], true, { subresources: ['token'], applyOrder: 10 }),
  // RBAC applies after ServiceAccounts and before workloads, as Argo CD and Helm order it.
  k('ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', [], false, { applyOrder: 11 }),
  k('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', [], false, { applyOrder: 12 }),
  k('Role', 'rbac.authorization.k8s.io', 'v1', 'roles', [], true, { applyOrder: 11 }),
  k('RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', [], true, { applyOrder: 12 }),
  k('PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets', ['pdb'], true, { subresources: ['status'], applyOrder: 40 }),
  k('TokenReview', 'authentication.k8s.io', 'v1', 'tokenreviews', [], false, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('SelfSubjectReview', 'authentication.k8s.io', 'v1', 'selfsubjectreviews', [], false, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('SubjectAccessReview', 'authorization.k8s.io', 'v1', 'subjectaccessreviews', [], false, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('SelfSubjectAccessReview', 'authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', [], false, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('LocalSubjectAccessReview', 'authorization.k8s.io', 'v1', 'localsubjectaccessreviews', [], true, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('SelfSubjectRulesReview', 'authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', [], false, { verbs: CREATE_ONLY, virtual: true, applyOrder: 90 }),
  k('NodeMetrics', 'metrics.k8s.io', 'v1beta1', 'nodes', [], false, { verbs: READ_ONLY, virtual: true, applyOrder: 90, singular: '' }),
  k('PodMetrics', 'metrics.k8s.io', 'v1beta1', 'pods', [], true, { verbs: READ_ONLY, virtual: true, applyOrder: 90, singular: '' }),
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
  k('CustomResourceDefinition', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', ['crd', 'crds'], false, {
    subresources: ['status'],
    applyOrder: -1,
  }),
  k('Event', '', 'v1', 'events', ['ev'], true, { applyOrder: 60 }),
];

/** The names a kind answers to: plural, singular, lower-case kind, short names (first wins on a clash). */
function namesOf(info: KindInfo): string[] {
  return [info.plural, info.singular, info.kind.toLowerCase(), ...info.shortNames];
}

/**
 * The kinds one engine serves: the built-ins plus the custom kinds of its
 * Established CRDs. Listeners hear every change (discovery, OpenAPI, the UI's
 * prompt and the folder sync follow it); `generation` counts them, so caches
 * (discovery ETags, OpenAPI hashes) know when to rebuild.
 */
export class KindRegistry {
  private readonly builtins: readonly KindInfo[];
  private readonly custom = new Map<string, KindInfo>();
  private byKind = new Map<string, KindInfo>();
  private byName = new Map<string, KindInfo>();
  private listAll: readonly KindInfo[] = [];
  private readonly listeners = new Set<() => void>();
  generation = 0;

  constructor(builtins: readonly KindInfo[] = KINDS) {
    this.builtins = builtins;
    this.rebuild();
    LIVE_REGISTRIES.add(new WeakRef(this));
  }

  /** By kind name (`Deployment`, `Certificate`). */
  get(kind: string): KindInfo | undefined {
    return this.byKind.get(kind);
  }

  /** True for a kind this registry serves that a CRD defines. */
  isCustom(kind: string): boolean {
    return this.custom.has(kind);
  }

  /** Resolves `pods`, `pod`, `po`, `Pod`, `deployments.apps`, `certificates.cert.example.com` … as kubectl and the k9s prompt do. */
  resolve(name: string): KindInfo | undefined {
    const n = name.trim();
    return this.byName.get(n.toLowerCase()) ?? this.byKind.get(n);
  }

  /** Every kind served, built-ins first. */
  all(): readonly KindInfo[] {
    return this.listAll;
  }

  /** Kinds in a category (`all`), as `kubectl get all` expands it. */
  inCategory(category: string): KindInfo[] {
    return this.listAll.filter((k) => k.categories.includes(category));
  }

  /** The kind served at /apis/GROUP/VERSION/PLURAL, seen in that version. */
  lookup(group: string, version: string, plural: string): KindInfo | undefined {
    const info = this.listAll.find((k) => k.plural === plural && k.group === group && servedVersions(k).includes(version));
    return info && atVersion(info, version);
  }

  /** Kinds served in one group/version, each seen in that version. */
  forGroupVersion(group: string, version: string): KindInfo[] {
    return this.listAll.filter((k) => k.group === group && servedVersions(k).includes(version)).map((k) => atVersion(k, version));
  }

  /** Every served group/version; a group's stored (preferred) version comes first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const k of this.listAll) if (!seen.has(`${k.group}/${k.version}`)) seen.set(`${k.group}/${k.version}`, { group: k.group, version: k.version });
    for (const k of this.listAll) for (const version of servedVersions(k)) if (!seen.has(`${k.group}/${version}`)) seen.set(`${k.group}/${version}`, { group: k.group, version });
    return [...seen.values()];
  }

  /** Adds or replaces a custom kind. */
  register(info: KindInfo): void {
    const builtin = this.builtins.find((b) => b.kind === info.kind);
    if (builtin) throw new Error(`kind ${info.kind} is built in (${apiVersionOf(builtin)}); a CustomResourceDefinition cannot redefine it`);
    this.custom.set(info.kind, info);
    this.rebuild();
  }

  unregister(kind: string): void {
    if (this.custom.delete(kind)) this.rebuild();
  }

  /** Calls `fn` after every change; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private rebuild(): void {
    this.listAll = [...this.builtins, ...[...this.custom.values()].sort((a, b) => a.kind.localeCompare(b.kind))];
    this.byKind = new Map(this.listAll.map((i) => [i.kind, i]));
    this.byName = new Map();
    for (const info of this.listAll) {
      for (const n of namesOf(info)) if (!this.byName.has(n)) this.byName.set(n, info);
      this.byName.set(`${info.plural}.${info.group}`, info);
      for (const v of servedVersions(info)) this.byName.set(`${info.plural}.${v}.${info.group}`, info);
    }
    this.generation++;
    for (const fn of [...this.listeners]) fn();
  }
}

/**
 * Every live registry, so the few context-free helpers that only need to
 * *name* a kind (error messages, a store key's scope) can find a custom kind
 * without being handed a registry. What is served is decided by the
 * registry an Api owns, never by this list.
 */
const LIVE_REGISTRIES = new Set<WeakRef<KindRegistry>>();

const builtinByKind = new Map(KINDS.map((i) => [i.kind, i]));
const builtinByName = new Map<string, KindInfo>();
for (const info of KINDS) {
  for (const n of namesOf(info)) if (!builtinByName.has(n)) builtinByName.set(n, info);
  builtinByName.set(`${info.plural}.${info.group}`, info);
}

/**
 * The facts of a kind by name: a built-in, else a custom kind some live
 * engine serves. For naming and scoping only; whether a kind is served is the
 * owning registry's answer.
 */
export function kindInfo(kind: string): KindInfo | undefined {
  const b = builtinByKind.get(kind);
  if (b) return b;
  for (const ref of LIVE_REGISTRIES) {
    const r = ref.deref();
    if (!r) {
      LIVE_REGISTRIES.delete(ref);
      continue;
    }
    const i = r.get(kind);
    if (i) return i;
  }
  return undefined;
}

/** A built-in kind's facts; undefined for custom kinds, whose scope only their own registry knows. */
export function builtinKindInfo(kind: string): KindInfo | undefined {
  return builtinByKind.get(kind);
}

/** Resolves a built-in kind by `pods`, `pod`, `po`, `Pod`, `deployments.apps` …; custom kinds need a KindRegistry. */
export function resolveResource(name: string): KindInfo | undefined {
  const n = name.trim();
  return builtinByName.get(n.toLowerCase()) ?? builtinByKind.get(n);
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
  if (version === info.version) return info;
  const cv = info.custom?.versions.find((v) => v.name === version);
  // A CRD declares subresources per version: a version without `scale` serves no /scale.
  if (cv) return { ...info, version, subresources: [...(cv.status ? ['status'] : []), ...(cv.scale ? ['scale'] : [])] };
  return { ...info, version };
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
