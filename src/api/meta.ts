// The Kubernetes object model shared by every part of kubeterm: metav1 types
// (ObjectMeta, OwnerReference, LabelSelector, Condition) and the generic
// KubeObject every stored object satisfies. Field names follow the Kubernetes
// JSON wire format exactly, so manifests, kubectl and the store all speak it.
import { knownJson } from './object-json.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** Any Kubernetes object. Kind-specific interfaces in ./types refine spec/status. */
export interface KubeObject extends TypeMeta {
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  // Kinds like ConfigMap/Secret/Endpoints/Event carry top-level fields.
  [field: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

/** Identifies one object: the store's primary key. namespace is '' for cluster-scoped kinds. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

export function keyOf(obj: KubeObject): ObjectKey {
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

/** `namespace/name` (or `name` for cluster-scoped) — the work-queue key format of client-go. */
export function nsName(obj: { metadata: ObjectMeta }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

export function splitNsName(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function findCondition<C extends { type: string }>(conds: C[] | undefined, type: string): C | undefined {
  return conds?.find((c) => c.type === type);
}

/**
 * Deep copy through JSON: objects in kubeterm are plain JSON, so this is exact.
 * A stored version whose text is already known (object-json.ts) is parsed from
 * that text instead of being serialised again.
 */
export function clone<T>(v: T): T {
  if (v === undefined) return v;
  const text = v !== null && typeof v === 'object' ? knownJson(v) : undefined;
  return JSON.parse(text ?? JSON.stringify(v)) as T;
}
