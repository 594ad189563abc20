// Strategic-merge metadata: which lists merge and by which key, which maps
// are replaced whole, which use `retainKeys`. Kubernetes reads this from the
// Go struct tags of k8s.io/api (`patchStrategy:"merge" patchMergeKey:"name"`);
// kubeterm keeps the same facts as a small tree of types per kind. A field not
// listed here behaves like an untagged Go field: maps merge key by key, lists
// are atomic (replaced whole).

export interface FieldMeta {
  /** 'merge' merges lists (by mergeKey for lists of objects); 'replace' swaps maps whole. */
  strategy?: 'merge' | 'replace';
  /** `patchStrategy:"retainKeys"`: keys missing from the patch's `$retainKeys` are cleared (union types). */
  retainKeys?: boolean;
  mergeKey?: string;
  /** The type of the value (or of each list element). */
  type?: TypeMeta;
}

export interface TypeMeta {
  name: string;
  fields: Record<string, FieldMeta>;
}

export const UNTYPED: TypeMeta = { name: 'unstructured', fields: {} };

export function lookupField(t: TypeMeta, field: string): { meta: FieldMeta; type: TypeMeta } {
  const meta = Object.prototype.hasOwnProperty.call(t.fields, field) ? t.fields[field] : undefined;
  return { meta: meta ?? {}, type: meta?.type ?? UNTYPED };
}

const T = (name: string, fields: Record<string, FieldMeta>): TypeMeta => ({ name, fields });
const mergeBy = (mergeKey: string, type?: TypeMeta, retainKeys = false): FieldMeta => ({ strategy: 'merge', mergeKey, type, retainKeys });
const of = (type: TypeMeta): FieldMeta => ({ type });
/** A list of strings that merges as a set (e.g. metadata.finalizers). */
const primitiveSet: FieldMeta = { strategy: 'merge' };

const conditions = mergeBy('type');

const ObjectMeta = T('ObjectMeta', {
  finalizers: primitiveSet,
  ownerReferences: mergeBy('uid'),
});

const Container = T('Container', {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
});

const PodSpec = T('PodSpec', {
  volumes: mergeBy('name', T('Volume', {}), true),
  initContainers: mergeBy('name', Container),
  containers: mergeBy('name', Container),
  ephemeralContainers: mergeBy('name', Container),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name', T('PodResourceClaim', {}), true),
  // tolerations, readinessGates, nodeSelector terms …: atomic, as in k8s.io/api.
});

const PodStatus = T('PodStatus', {
  conditions,
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name', T('PodResourceClaimStatus', {}), true),
});

const PodTemplateSpec = T('PodTemplateSpec', { metadata: of(ObjectMeta), spec: of(PodSpec) });
const WithConditions = (name: string) => T(name, { conditions });

const workload = (kind: string, spec: Record<string, FieldMeta> = {}) =>
  T(kind, {
    metadata: of(ObjectMeta),
    spec: of(T(`${kind}Spec`, { template: of(PodTemplateSpec), ...spec })),
    status: of(WithConditions(`${kind}Status`)),
  });

const JobSpec = T('JobSpec', { template: of(PodTemplateSpec) });

const plain = (kind: string, fields: Record<string, FieldMeta> = {}) => T(kind, { metadata: of(ObjectMeta), ...fields });

const KIND_TYPES: Record<string, TypeMeta> = {
  Pod: plain('Pod', { spec: of(PodSpec), status: of(PodStatus) }),
  PodTemplate: plain('PodTemplate', { template: of(PodTemplateSpec) }),
  Deployment: workload('Deployment', { strategy: { retainKeys: true } }),
  ReplicaSet: workload('ReplicaSet'),
  StatefulSet: workload('StatefulSet'),
  DaemonSet: workload('DaemonSet'),
  ReplicationController: workload('ReplicationController'),
  Job: plain('Job', { spec: of(JobSpec), status: of(WithConditions('JobStatus')) }),
  CronJob: plain('CronJob', {
    spec: of(T('CronJobSpec', { jobTemplate: of(T('JobTemplateSpec', { metadata: of(ObjectMeta), spec: of(JobSpec) })) })),
  }),
  Service: plain('Service', {
    spec: of(T('ServiceSpec', { ports: mergeBy('port') })),
    status: of(WithConditions('ServiceStatus')),
  }),
  Node: plain('Node', {
    spec: of(T('NodeSpec', { podCIDRs: primitiveSet })),
    status: of(T('NodeStatus', { conditions, addresses: mergeBy('type') })),
  }),
  Namespace: plain('Namespace', { status: of(WithConditions('NamespaceStatus')) }),
  PersistentVolumeClaim: plain('PersistentVolumeClaim', { status: of(WithConditions('PersistentVolumeClaimStatus')) }),
  ServiceAccount: plain('ServiceAccount', { secrets: mergeBy('name') }),
  HorizontalPodAutoscaler: plain('HorizontalPodAutoscaler', { status: of(WithConditions('HorizontalPodAutoscalerStatus')) }),
  PodDisruptionBudget: plain('PodDisruptionBudget', { status: of(WithConditions('PodDisruptionBudgetStatus')) }),
};

/** The strategic-merge type of a kind; unknown kinds get ObjectMeta only (everything else untyped). */
export function kindPatchType(kind: string): TypeMeta {
  return KIND_TYPES[kind] ?? plain(kind || 'unstructured');
}

/** Whether kubeterm has strategic-merge metadata for this kind beyond metadata. */
export function hasStrategicSchema(kind: string): boolean {
  return kind in KIND_TYPES;
}

/**
 * The merge metadata at a path like `spec.template.spec.containers` (list
 * fields name the list; descend into elements by naming the element field
 * next, e.g. `spec.containers.ports`). For tests and documentation.
 */
export function patchMetaAt(kind: string, path: string): FieldMeta {
  let t = kindPatchType(kind);
  let meta: FieldMeta = {};
  for (const part of path.split('.').filter(Boolean)) {
    const r = lookupField(t, part);
    meta = r.meta;
    t = r.type;
  }
  return meta;
}
