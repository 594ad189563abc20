// Kubernetes defaulting for every served kind, dispatched by kind. The per-kind
// rules live in ./defaults/ and follow pkg/apis/*/v1/defaults.go plus the few
// defaults Kubernetes applies in its REST strategies (Namespace finalizers,
// Pod phase). Defaulting is idempotent: applyDefaults(applyDefaults(x)) equals
// applyDefaults(x), and equivalent inputs (null vs absent, `resources: {}` vs
// none) converge to identical JSON.
import type { KubeObject } from './meta.js';
import { defaultEndpointSlice, defaultEndpoints, defaultIngressClass, defaultNetworkPolicy, defaultService } from './defaults/network.js';
import { defaultHPA, defaultLimitRange, defaultNamespace, defaultNode, defaultPriorityClass, defaultSecret } from './defaults/cluster.js';
import type { Json } from './defaults/normalize.js';
import { defaultPod } from './defaults/pod.js';
import { defaultPV, defaultPVC, defaultStorageClass } from './defaults/storage.js';
import { defaultBinding, defaultClusterRole, defaultRole } from './defaults/rbac.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './defaults/workloads.js';

import { defaultCrd } from './crd/defaults-crd.js';

export { imageTag } from './defaults/pod.js';

const byKind: Record<string, (obj: Json) => void> = {
  Pod: defaultPod,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  StatefulSet: defaultStatefulSet,
  DaemonSet: defaultDaemonSet,
  Job: defaultJob,
  CronJob: defaultCronJob,
  Service: defaultService,
  Endpoints: defaultEndpoints,
  EndpointSlice: defaultEndpointSlice,
  NetworkPolicy: defaultNetworkPolicy,
  IngressClass: defaultIngressClass,
  HorizontalPodAutoscaler: defaultHPA,
  PersistentVolumeClaim: defaultPVC,
  PersistentVolume: defaultPV,
  StorageClass: defaultStorageClass,
  Secret: defaultSecret,
  Namespace: defaultNamespace,
  Node: defaultNode,
  LimitRange: defaultLimitRange,
  PriorityClass: defaultPriorityClass,
  Role: defaultRole,
  ClusterRole: defaultClusterRole,
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
  CustomResourceDefinition: defaultCrd as unknown as (obj: Json) => void,
};

/** Returns the object with Kubernetes' defaults applied. May mutate and return its argument (callers pass a private copy). */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  if (!obj || typeof obj !== 'object') return obj;
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  const fn = byKind[obj.kind];
  if (fn) fn(obj as unknown as Json);
  return obj;
}
