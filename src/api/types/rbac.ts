// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.
import type { KubeObject, LabelSelector } from '../meta.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

/**
 * One grant: verbs on resources of API groups (optionally only the named
 * objects), or verbs on non-resource URLs (ClusterRoles only). Unknown verbs
 * and resources are stored as written and grant only what they name.
 */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface AggregationRule {
  /** A ClusterRole matching any selector contributes its rules. */
  clusterRoleSelectors?: LabelSelector[];
}

export interface Role extends KubeObject {
  kind: 'Role';
  rules?: PolicyRule[];
}

export interface ClusterRole extends KubeObject {
  kind: 'ClusterRole';
  rules?: PolicyRule[];
  /** When set, `rules` is owned by the aggregation controller. */
  aggregationRule?: AggregationRule;
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  kind: SubjectKind | string;
  /** '' for ServiceAccount, rbac.authorization.k8s.io for User and Group (defaulted). */
  apiGroup?: string;
  name: string;
  /** The ServiceAccount's namespace; required for ServiceAccounts in a ClusterRoleBinding. */
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

export interface RoleBinding extends KubeObject {
  kind: 'RoleBinding';
  subjects?: Subject[];
  /** Immutable once created. */
  roleRef: RoleRef;
}

export interface ClusterRoleBinding extends KubeObject {
  kind: 'ClusterRoleBinding';
  subjects?: Subject[];
  /** Immutable once created; a ClusterRole. */
  roleRef: RoleRef;
}
