// Kind name → object type, so `api.get('Pod', …)` is a Pod and
// `api.list('Deployment')` lists Deployments: the caller names the kind, and
// the type follows from it instead of being picked by the caller. A kind not in
// the map (a custom resource, or a kind held in a variable) is a KubeObject.
import type { KubeObject } from '../meta.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from './apps.js';
import type { HorizontalPodAutoscaler } from './autoscaling.js';
import type { CronJob, Job } from './batch.js';
import type { ConfigMap, Lease, LimitRange, PriorityClass, ResourceQuota, Secret, ServiceAccount } from './config.js';
import type { Event } from './event.js';
import type { Ingress, IngressClass, NetworkPolicy } from './networking.js';
import type { Namespace, Node } from './node.js';
import type { Pod } from './pod.js';
import type { PodDisruptionBudget } from './policy.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './rbac.js';
import type { Endpoints, EndpointSlice, Service } from './service.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './storage.js';

export interface BuiltinKindTypes {
  Pod: Pod;
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  StatefulSet: StatefulSet;
  DaemonSet: DaemonSet;
  ControllerRevision: ControllerRevision;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  Job: Job;
  CronJob: CronJob;
  ConfigMap: ConfigMap;
  Secret: Secret;
  ServiceAccount: ServiceAccount;
  ResourceQuota: ResourceQuota;
  LimitRange: LimitRange;
  PriorityClass: PriorityClass;
  Lease: Lease;
  Event: Event;
  Ingress: Ingress;
  IngressClass: IngressClass;
  NetworkPolicy: NetworkPolicy;
  Node: Node;
  Namespace: Namespace;
  PodDisruptionBudget: PodDisruptionBudget;
  Role: Role;
  ClusterRole: ClusterRole;
  RoleBinding: RoleBinding;
  ClusterRoleBinding: ClusterRoleBinding;
  Service: Service;
  Endpoints: Endpoints;
  EndpointSlice: EndpointSlice;
  PersistentVolume: PersistentVolume;
  PersistentVolumeClaim: PersistentVolumeClaim;
  StorageClass: StorageClass;
}

/** The object type of kind `K`: its type when built in, else a KubeObject. */
export type ObjectOf<K extends string> = K extends keyof BuiltinKindTypes ? BuiltinKindTypes[K] : KubeObject;
