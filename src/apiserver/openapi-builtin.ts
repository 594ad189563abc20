// Length: a table — one schema entry per built-in kind, with no logic between them.
// OpenAPI v3 component schemas for the built-in kinds, derived from the
// known-field trees the API uses for strict field validation
// (src/api/schema, KIND_SCHEMAS). Every nested struct of a tree becomes a
// named component (`io.k8s.api.apps.v1.DeploymentSpec`) referenced by
// `$ref`, as kube-apiserver publishes them: a struct field is
// `{allOf: [{$ref}], description}`, a list or map element a plain `{$ref}`.
// Go leaf types map to OpenAPI types (int32 → integer/int32, bool → boolean,
// []T → array, map[string]T → additionalProperties, IntOrString → the
// x-kubernetes-int-or-string component, v1.Time → string/date-time, a
// free-form value → x-kubernetes-preserve-unknown-fields).
//
// The Go struct names in the trees carry only their version (`v1.Container`),
// so the package is inferred: metav1 types by name, core/v1 types by identity
// (the shared nodes of src/api/schema/core.ts) or by name, and anything else
// lives in the package of the kind that contains it.
import { KIND_SCHEMAS } from '../api/schema/index.js';
import { nodeSelectorTerm, objectMeta, objectReference, podTemplateSpec, pvcSpec, resourceRequirements, serviceSpec } from '../api/schema/core.js';
import { f, GO, LISTS, type Leaf, type Node } from '../api/schema/tree.js';
import { kindPatchType, type FieldMeta, type TypeMeta } from '../api/patch/schema.js';

/** An OpenAPI schema object (v3 flavour; see toV2 in ./openapi-schemas.ts for Swagger 2.0). */
export type Schema = Record<string, unknown>;

export const REF_PREFIX = '#/components/schemas/';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export const ref = (name: string): Schema => ({ $ref: REF_PREFIX + name });
/** A struct-typed field: kube-apiserver's v3 form, so a description can sit beside the reference. */
export const refField = (name: string, description?: string): Schema => ({ allOf: [ref(name)], ...(description ? { description } : {}) });

export const DESCRIPTIONS = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
  metadata: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  listMetadata: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

/** Schemas that are not struct trees: metav1 scalars, Quantity, IntOrString, ListMeta. */
export const PRIMITIVE_COMPONENTS: Record<string, Schema> = {
  [TIME]: {
    description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.',
    type: 'string',
    format: 'date-time',
  },
  [MICRO_TIME]: { description: 'MicroTime is version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
  [QUANTITY]: {
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors. Examples: 100m, 0.5, 1Gi, 128974848.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
  [LIST_META]: {
    description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    type: 'object',
    properties: {
      continue: { type: 'string', description: 'continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available.' },
      remainingItemCount: { type: 'integer', format: 'int64', description: 'remainingItemCount is the number of subsequent items in the list which are not included in this list response.' },
      resourceVersion: { type: 'string', description: "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed." },
      selfLink: { type: 'string', description: 'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.' },
    },
  },
};

const KIND_DESCRIPTIONS: Record<string, string> = {
  Pod: 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
  Deployment: 'Deployment enables declarative updates for Pods and ReplicaSets.',
  ReplicaSet: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  StatefulSet:
    'StatefulSet represents a set of pods with consistent identities. Identities are defined as: - Network: A single stable DNS and hostname. - Storage: As many VolumeClaims as requested. The StatefulSet guarantees that a given network identity will always map to the same storage identity.',
  DaemonSet: 'DaemonSet represents the configuration of a daemon set.',
  ControllerRevision:
    'ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state.',
  Job: 'Job represents the configuration of a single job.',
  CronJob: 'CronJob represents the configuration of a single cron job.',
  HorizontalPodAutoscaler:
    'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.',
  Service:
    'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  Endpoints: 'Endpoints is a collection of endpoints that implement the actual service.',
  EndpointSlice: 'EndpointSlice represents a subset of the endpoints that implement a service.',
  Ingress:
    'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc.',
  IngressClass: 'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
  NetworkPolicy: 'NetworkPolicy describes what network traffic is allowed for a set of Pods',
  ConfigMap: 'ConfigMap holds configuration data for pods to consume.',
  Secret: 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
  Namespace: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  Node: 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).',
  Event: 'Event is a report of an event somewhere in the cluster.',
  PersistentVolume: 'PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node.',
  PersistentVolumeClaim: "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
  StorageClass: 'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.',
  ResourceQuota: 'ResourceQuota sets aggregate quota restrictions enforced per namespace',
  LimitRange: 'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
  PriorityClass: 'PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer.',
  Lease: 'Lease defines a lease concept.',
  ServiceAccount:
    'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be validated and authorized * a set of secrets',
  CustomResourceDefinition: 'CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.',
  ClusterRole: 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
  ClusterRoleBinding: 'ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
  Role: 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
  RoleBinding: 'RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace.',
  PodDisruptionBudget: 'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
  TokenReview: 'TokenReview attempts to authenticate a token to a known user.',
  SelfSubjectReview: 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.',
  SubjectAccessReview: 'SubjectAccessReview checks whether or not a user or group can perform an action.',
  SelfSubjectAccessReview: 'SelfSubjectAccessReview checks whether or the current user can perform an action.',
  LocalSubjectAccessReview: 'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.',
  SelfSubjectRulesReview: 'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.',
  NodeMetrics: 'NodeMetrics sets resource usage metrics of a node.',
  PodMetrics: 'PodMetrics sets resource usage metrics of a pod.',
};

/** Descriptions of well-known fields: `Struct.field` first, then the field name alone. */
const FIELD_DESCRIPTIONS: Record<string, string> = {
  apiVersion: DESCRIPTIONS.apiVersion,
  kind: DESCRIPTIONS.kind,
  metadata: DESCRIPTIONS.metadata,
  spec: 'Spec defines the desired behavior of this object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  status: 'Most recently observed status of this object. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  'ObjectMeta.name': 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated.',
  'ObjectMeta.namespace': 'Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace.',
  'ObjectMeta.labels': 'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
  'ObjectMeta.annotations': 'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
  'DeploymentSpec.replicas': 'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.',
  'DeploymentSpec.selector': 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.',
  'DeploymentSpec.template': 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  'DeploymentSpec.strategy': 'The deployment strategy to use to replace existing pods with new ones.',
  'DeploymentSpec.minReadySeconds': 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.',
  'DeploymentSpec.revisionHistoryLimit': 'The number of old ReplicaSets to retain to allow rollback. Defaults to 10.',
  'DeploymentSpec.paused': 'Indicates that the deployment is paused.',
  'DeploymentSpec.progressDeadlineSeconds': 'The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.',
  'DeploymentStrategy.type': 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.',
  'DeploymentStrategy.rollingUpdate': 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.',
  'RollingUpdateDeployment.maxUnavailable': 'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.',
  'RollingUpdateDeployment.maxSurge': 'The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.',
  'PodSpec.containers': 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
  'PodSpec.initContainers': 'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.',
  'PodSpec.volumes': 'List of volumes that can be mounted by containers belonging to the pod.',
  'PodSpec.restartPolicy': 'Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.',
  'PodSpec.nodeSelector': "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
  'PodSpec.serviceAccountName': 'ServiceAccountName is the name of the ServiceAccount to use to run this pod.',
  'Container.name': 'Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.',
  'Container.image': 'Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets.',
  'Container.command': "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided.",
  'Container.args': "Arguments to the entrypoint. The container image's CMD is used if this is not provided.",
  'Container.env': 'List of environment variables to set in the container. Cannot be updated.',
  'Container.ports': 'List of ports to expose from the container.',
  'Container.resources': 'Compute Resources required by this container. Cannot be updated.',
  'Container.imagePullPolicy': 'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated.',
  'ContainerPort.containerPort': "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.",
  'ServiceSpec.ports': 'The list of ports that are exposed by this service.',
  'ServiceSpec.selector': 'Route service traffic to pods with label keys and values matching this selector.',
  'ServiceSpec.type': 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.',
  'ConfigMap.data': 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.',
  'Secret.data': 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string.',
  'Secret.stringData': 'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.',
  'Secret.type': 'Used to facilitate programmatic handling of secret data.',
  'LabelSelector.matchLabels': 'matchLabels is a map of {key,value} pairs.',
  'LabelSelector.matchExpressions': 'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
};

const REQUIRED: Record<string, string[]> = {
  DeploymentSpec: ['selector', 'template'],
  ReplicaSetSpec: ['selector'],
  StatefulSetSpec: ['selector', 'template'],
  DaemonSetSpec: ['selector', 'template'],
  JobSpec: ['template'],
  CronJobSpec: ['schedule', 'jobTemplate'],
  PodSpec: ['containers'],
  Container: ['name'],
  EphemeralContainer: ['name'],
  ContainerPort: ['containerPort'],
  EnvVar: ['name'],
  Volume: ['name'],
  VolumeMount: ['name', 'mountPath'],
  ServicePort: ['port'],
  LabelSelectorRequirement: ['key', 'operator'],
  OwnerReference: ['apiVersion', 'kind', 'name', 'uid'],
  HorizontalPodAutoscalerSpec: ['scaleTargetRef', 'maxReplicas'],
  CrossVersionObjectReference: ['kind', 'name'],
};

/** Enumerations of named string types (kube-apiserver publishes them as `enum`). */
const ENUMS: Record<string, string[]> = {
  'v1.DeploymentStrategyType': ['Recreate', 'RollingUpdate'],
  'v1.RestartPolicy': ['Always', 'Never', 'OnFailure'],
  'v1.PullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'v1.Protocol': ['SCTP', 'TCP', 'UDP'],
  'v1.ServiceType': ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'v1.DNSPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'v1.ConcurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'v1.StatefulSetUpdateStrategyType': ['OnDelete', 'RollingUpdate'],
  'v1.DaemonSetUpdateStrategyType': ['OnDelete', 'RollingUpdate'],
  'v1.PodManagementPolicyType': ['OrderedReady', 'Parallel'],
  'v1.TaintEffect': ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
};

/** metav1 struct types (the rest of `v1.` structs live in a kind's own package or core/v1). */
const META_TYPES = new Set(['ObjectMeta', 'OwnerReference', 'LabelSelector', 'LabelSelectorRequirement', 'ManagedFieldsEntry']);
/** core/v1 structs that kinds of other groups name in src/api/schema/kinds.ts. */
const CORE_TYPES = new Set(['ObjectReference', 'LocalObjectReference', 'TypedLocalObjectReference', 'TypedObjectReference', 'PersistentVolumeClaim', 'PodTemplateSpec']);

/** Every node reachable from the shared core/v1 pieces. */
const CORE_NODES = new Set<Node>();
function collectCore(n: Node): void {
  if (CORE_NODES.has(n)) return;
  CORE_NODES.add(n);
  for (const v of Object.values(n)) if (typeof v === 'object') collectCore(v);
}
for (const n of [podTemplateSpec, pvcSpec, serviceSpec, objectReference, nodeSelectorTerm, resourceRequirements]) collectCore(n);

/** `io.k8s.api.apps` for apps, `io.k8s.api.core` for the core group …: a group's Go package without its version. */
export function packageOf(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  return `io.k8s.api.${group.split('.')[0]}`;
}

function splitGo(go: string): { version: string; type: string } {
  const i = go.indexOf('.');
  return i < 0 ? { version: 'v1', type: go } : { version: go.slice(0, i), type: go.slice(i + 1) };
}

/** The component name of a struct node seen inside package `pkg`. */
function componentName(node: Node, pkg: string): { name: string; pkg: string } {
  const { version, type } = splitGo(node[GO] ?? 'v1.Object');
  if (META_TYPES.has(type)) return { name: `${META}.${type}`, pkg: 'io.k8s.apimachinery.pkg.apis.meta' };
  const p = CORE_NODES.has(node) || CORE_TYPES.has(type) ? 'io.k8s.api.core' : pkg;
  return { name: `${p}.${version}.${type}`, pkg: p };
}

/**
 * Strategic-merge metadata by Go struct name and field, from the engine's own
 * patch tables (src/api/patch/schema.ts), published as kube-apiserver does
 * (x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key), so a client
 * computing a strategic merge patch from these documents merges lists
 * exactly as the server will apply them.
 */
const PATCH_META = new Map<string, Record<string, FieldMeta>>();
function collectPatchMeta(t: TypeMeta, seen = new Set<TypeMeta>()): void {
  if (seen.has(t)) return;
  seen.add(t);
  PATCH_META.set(t.name, { ...PATCH_META.get(t.name), ...t.fields });
  for (const m of Object.values(t.fields)) if (m.type) collectPatchMeta(m.type, seen);
}
for (const kind of Object.keys(KIND_SCHEMAS)) collectPatchMeta(kindPatchType(kind));

function patchExtensions(struct: string, field: string): Schema {
  const m = PATCH_META.get(struct)?.[field];
  if (!m) return {};
  const strategy = [m.strategy, m.retainKeys ? 'retainKeys' : undefined].filter(Boolean).join(',');
  return {
    ...(strategy ? { 'x-kubernetes-patch-strategy': strategy } : {}),
    ...(m.mergeKey ? { 'x-kubernetes-patch-merge-key': m.mergeKey } : {}),
  };
}

function describe(struct: string, field: string): string | undefined {
  return FIELD_DESCRIPTIONS[`${struct}.${field}`] ?? FIELD_DESCRIPTIONS[field];
}

/** The schema of a Go leaf type. */
function leafSchema(type: Leaf, field: string): Schema {
  if (type === true) {
    if (field === 'apiVersion' || field === 'kind') return { type: 'string' };
    if (field === 'managedFields') return { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  if (type === 'v1.ResourceList') return { type: 'object', additionalProperties: ref(QUANTITY) };
  if (type === '[]uint8') return { type: 'string', format: 'byte' };
  if (type.startsWith('map[string]')) return { type: 'object', additionalProperties: leafSchema(type.slice('map[string]'.length), field) };
  if (type.startsWith('[]')) return { type: 'array', items: leafSchema(type.slice(2), field) };
  switch (type) {
    case 'int32':
    case 'int64':
      return { type: 'integer', format: type };
    case 'float64':
      return { type: 'number', format: 'double' };
    case 'bool':
      return { type: 'boolean' };
    case 'intstr.IntOrString':
      return ref(INT_OR_STRING);
    case 'resource.Quantity':
      return ref(QUANTITY);
    case 'v1.Time':
      return ref(TIME);
    case 'v1.MicroTime':
      return ref(MICRO_TIME);
  }
  const e = ENUMS[type];
  return e ? { type: 'string', enum: e } : { type: 'string' };
}

/** Component schemas built so far, by name; a name two trees share gets the union of their fields. */
class Components {
  readonly schemas = new Map<string, Schema>();

  /** Adds `node` (seen in package `pkg`) and every struct below it; returns its component name. */
  add(node: Node, pkg: string, extra: Schema = {}): string {
    const { name, pkg: own } = componentName(node, pkg);
    const struct = splitGo(node[GO] ?? '').type;
    const lists = node[LISTS] ?? new Set<string>();
    const properties: Record<string, Schema> = {};
    for (const [field, child] of Object.entries(node)) {
      const description = describe(struct, field);
      let s: Schema;
      if (typeof child === 'object') {
        const childName = this.add(child, own);
        s = lists.has(field) ? { type: 'array', items: ref(childName) } : refField(childName);
      } else s = leafSchema(child, field);
      if (field === 'metadata' && typeof child === 'object') s = refField(OBJECT_META, DESCRIPTIONS.metadata);
      else if (description) s = { ...s, description };
      properties[field] = { ...s, ...patchExtensions(struct, field) };
    }
    const existing = this.schemas.get(name);
    const required = REQUIRED[struct]?.filter((r) => r in properties);
    const schema: Schema = {
      ...(existing ?? {}),
      ...extra,
      type: 'object',
      properties: { ...properties, ...((existing?.properties as Record<string, Schema>) ?? {}) },
      ...(required?.length ? { required } : {}),
    };
    if (!schema.description && !extra.description) delete schema.description;
    this.schemas.set(name, schema);
    return name;
  }
}

// autoscaling/v1 HorizontalPodAutoscaler: served beside v2 (src/api/convert), not in KIND_SCHEMAS.
const hpaV1: Node = f('v1.HorizontalPodAutoscaler', 'apiVersion:* kind:* status:*', {
  metadata: objectMeta,
  spec: f('v1.HorizontalPodAutoscalerSpec', 'minReplicas:int32 maxReplicas:int32 targetCPUUtilizationPercentage:int32', {
    scaleTargetRef: f('v1.CrossVersionObjectReference', 'kind name apiVersion'),
  }),
});

/** The known-field tree of a built-in kind in one of its served versions, if kubeterm has one. */
function treeOf(kind: string, version: string): Node | undefined {
  if (kind === 'HorizontalPodAutoscaler' && version === 'v1') return hpaV1;
  const tree = KIND_SCHEMAS[kind];
  return tree && splitGo(tree[GO] ?? '').version === version ? tree : undefined;
}

export interface KindRef {
  group: string;
  version: string;
  kind: string;
}

export const gvkExtension = (k: KindRef) => ({ 'x-kubernetes-group-version-kind': [{ group: k.group, kind: k.kind, version: k.version }] });

/** The list kind's schema (`DeploymentList`), whose items are `itemName`. */
export function listSchema(k: KindRef, itemName: string): Schema {
  return {
    description: `${k.kind}List is a list of ${k.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: DESCRIPTIONS.apiVersion },
      items: { type: 'array', description: `List of ${k.kind} objects.`, items: ref(itemName) },
      kind: { type: 'string', description: DESCRIPTIONS.kind },
      metadata: refField(LIST_META, DESCRIPTIONS.listMetadata),
    },
    ...gvkExtension({ ...k, kind: `${k.kind}List` }),
  };
}

function buildBuiltin(k: KindRef): { name: string; schemas: Map<string, Schema> } {
  const pkg = packageOf(k.group);
  const tree = treeOf(k.kind, k.version);
  const components = new Components();
  const description = KIND_DESCRIPTIONS[k.kind] ?? `${k.kind} is a ${k.group ? `${k.group}/` : ''}${k.version} kind.`;
  let name: string;
  if (tree) {
    name = components.add(tree, pkg, { ...(description ? { description } : {}), ...gvkExtension(k) });
  } else {
    // A kind without a known-field tree: type meta, metadata, anything else.
    name = `${pkg}.${k.version}.${k.kind}`;
    components.add(objectMeta, pkg);
    components.schemas.set(name, {
      ...(description ? { description } : {}),
      type: 'object',
      properties: {
        apiVersion: { type: 'string', description: DESCRIPTIONS.apiVersion },
        kind: { type: 'string', description: DESCRIPTIONS.kind },
        metadata: refField(OBJECT_META, DESCRIPTIONS.metadata),
      },
      'x-kubernetes-preserve-unknown-fields': true,
      ...gvkExtension(k),
    });
  }
  const out = new Map(components.schemas);
  out.set(`${name}List`, listSchema(k, name));
  for (const [n, s] of Object.entries(PRIMITIVE_COMPONENTS)) out.set(n, s);
  return { name, schemas: out };
}

const memo = new Map<string, { name: string; schemas: Map<string, Schema> }>();

/**
 * The component schemas of one built-in kind at one version: the kind, its
 * list, and every struct below them, named as kube-apiserver names them.
 * Merged into `into` (a struct two kinds share keeps the union of their
 * fields, and the GVK of whichever is the kind). Returns the kind's component name.
 */
export function builtinSchemas(k: KindRef, into: Map<string, Schema>): string {
  const key = `${k.group}/${k.version}/${k.kind}`;
  let built = memo.get(key);
  if (!built) memo.set(key, (built = buildBuiltin(k)));
  for (const [n, s] of built.schemas) mergeSchema(into, n, s);
  return built.name;
}

const GVK = 'x-kubernetes-group-version-kind';

let meta: Map<string, Schema> | undefined;

/** ObjectMeta (and the structs below it), ListMeta, Time, Quantity, IntOrString: what every document references. */
export function metaSchemas(into: Map<string, Schema>): void {
  if (!meta) {
    const c = new Components();
    c.add(objectMeta, 'io.k8s.api.core');
    meta = new Map([...c.schemas, ...Object.entries(PRIMITIVE_COMPONENTS)]);
  }
  for (const [n, s] of meta) mergeSchema(into, n, s);
}

export function mergeSchema(into: Map<string, Schema>, name: string, s: Schema): void {
  const old = into.get(name);
  if (!old) {
    into.set(name, s);
    return;
  }
  const merged: Schema = { ...s, ...old };
  if (s.properties || old.properties) merged.properties = { ...(s.properties as object), ...(old.properties as object) };
  if (s[GVK] && !old[GVK]) {
    merged[GVK] = s[GVK];
    if (s.description) merged.description = s.description;
  }
  into.set(name, merged);
}
