// Normalisation that makes defaulting converge: Kubernetes decodes JSON into Go
// structs and encodes it back, so `null`, empty lists and empty maps vanish and
// non-pointer structs (container `resources`) always appear as `{}`. Doing the
// same here means a template sent back by `kubectl rollout undo` (with
// `creationTimestamp: null` and `resources: {}`) defaults to the very same JSON
// as the original, so the Deployment controller's template hash is stable.

export type Json = Record<string, unknown>;

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes `null` values and empty arrays, recursively (Go's omitempty for pointers and slices). */
export function pruneNullsAndEmptyLists(v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) pruneNullsAndEmptyLists(item);
    return;
  }
  if (!isObj(v)) return;
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) delete v[k];
    else pruneNullsAndEmptyLists(x);
  }
}

/** Deletes the named keys of `o` whose value is an empty object (omitempty maps such as labels). */
export function dropEmptyMaps(o: Json | undefined, keys: string[]): void {
  if (!o) return;
  for (const k of keys) {
    const x = o[k];
    if (isObj(x) && Object.keys(x).length === 0) delete o[k];
  }
}

/** Returns `o[key]` as an object, creating `{}` when absent. */
export function child(o: Json, key: string): Json {
  let c = o[key];
  if (!isObj(c)) {
    c = {};
    o[key] = c;
  }
  return c as Json;
}

export function setIfUnset(o: Json, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** Go's zero value means "unset" for non-pointer ints such as probe periods. */
export function setIfZero(o: Json, key: string, value: number): void {
  if (o[key] === undefined || o[key] === null || o[key] === 0) o[key] = value;
}

/** ObjectMeta of an embedded template: the zero creationTimestamp Go prints as null is dropped, empty maps vanish. */
export function normalizeEmbeddedMeta(holder: Json, key = 'metadata'): void {
  const meta = child(holder, key);
  pruneNullsAndEmptyLists(meta);
  dropEmptyMaps(meta, ['labels', 'annotations']);
  reorder(meta, OBJECT_META_ORDER);
}

/**
 * Re-inserts `o`'s keys in Go struct field order (unknown keys keep their
 * relative order after the known ones), so equivalent inputs serialise to the
 * same JSON and read like `kubectl get -o yaml`.
 */
export function reorder(o: Json, order: readonly string[]): void {
  const entries = Object.entries(o);
  const rank = new Map(order.map((k, i) => [k, i]));
  const sorted = [...entries].sort(([a], [b]) => (rank.get(a) ?? order.length) - (rank.get(b) ?? order.length));
  for (const [k] of entries) delete o[k];
  for (const [k, v] of sorted) o[k] = v;
}

export const OBJECT_META_ORDER = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];

export const POD_SPEC_ORDER = [
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds',
  'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID',
  'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations',
  'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy',
  'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources',
];

export const CONTAINER_ORDER = [
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts',
  'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy',
  'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
];

export const CONTAINER_PORT_ORDER = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];

export const PROBE_ORDER = [
  'exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold',
  'terminationGracePeriodSeconds',
];

export const HTTP_GET_ORDER = ['path', 'port', 'host', 'scheme', 'httpHeaders'];

export const RESOURCES_ORDER = ['limits', 'requests', 'claims'];
