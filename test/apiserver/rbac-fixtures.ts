// RBAC objects for the access tests: the bootstrap roles every authenticated
// user has in Kubernetes (discovery, the self reviews, public info), and
// small builders for Roles, ClusterRoles and their bindings.
import type { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

export interface Rule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export type SubjectSpec = { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string };

export const role = (namespace: string, name: string, rules: Rule[]): KubeObject =>
  ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules }) as unknown as KubeObject;

export const clusterRole = (name: string, rules: Rule[], extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules, ...extra }) as unknown as KubeObject;

function subjects(list: SubjectSpec[]): Record<string, unknown>[] {
  return list.map((s) => (s.kind === 'ServiceAccount' ? { ...s } : { ...s, apiGroup: 'rbac.authorization.k8s.io' }));
}

export const roleBinding = (namespace: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subs: SubjectSpec[]): KubeObject =>
  ({
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    subjects: subjects(subs),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
  }) as unknown as KubeObject;

export const clusterRoleBinding = (name: string, ref: { kind: 'ClusterRole'; name: string }, subs: SubjectSpec[]): KubeObject =>
  ({
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    subjects: subjects(subs),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
  }) as unknown as KubeObject;

/** Kubernetes' bootstrap policy for every authenticated user: system:discovery, system:basic-user, system:public-info-viewer. */
export const BOOTSTRAP: KubeObject[] = [
  clusterRole('system:discovery', [
    { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
  ]),
  clusterRole('system:basic-user', [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ]),
  clusterRole('system:public-info-viewer', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }]),
  clusterRoleBinding('system:discovery', { kind: 'ClusterRole', name: 'system:discovery' }, [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:basic-user', { kind: 'ClusterRole', name: 'system:basic-user' }, [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:public-info-viewer', { kind: 'ClusterRole', name: 'system:public-info-viewer' }, [
    { kind: 'Group', name: 'system:authenticated' },
    { kind: 'Group', name: 'system:unauthenticated' },
  ]),
];

/** Creates the objects, skipping those that exist already (the engine may bootstrap some of them itself). */
export async function seed(api: Api, objs: KubeObject[]): Promise<void> {
  for (const o of objs) {
    if (api.get(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '')) continue;
    await api.create(o);
  }
}
