// Who a request is, as Kubernetes' user.Info: a name, an optional uid, the
// groups (RBAC binds to them) and extra attributes (scopes, the pod a token
// is bound to). The names of the well-known users and groups, and the
// ServiceAccount username convention `system:serviceaccount:NS:NAME`, follow
// k8s.io/apiserver/pkg/authentication/{user,serviceaccount}.

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The group the API server never refuses anything (kube-apiserver's privileged group). */
export const SYSTEM_MASTERS = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
/** kubeadm's admin.conf user, the identity of the kubeconfig kubeterm writes. */
export const ADMIN_USERNAME = 'kubernetes-admin';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** The admin identity (the kubeconfig token, the embedded UI and the folder sync act as it). */
export function adminUser(): UserInfo {
  return { username: ADMIN_USERNAME, groups: [SYSTEM_MASTERS, ALL_AUTHENTICATED] };
}

export function anonymousUser(): UserInfo {
  return { username: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccounts` and `system:serviceaccounts:NS` (serviceaccount.MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `system:serviceaccount:NS:NAME` → {namespace, name}, or undefined when the
 * name is not a ServiceAccount's (serviceaccount.SplitUsername: exactly two
 * parts, a valid namespace name and a valid ServiceAccount name).
 */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/** The full identity of a ServiceAccount, as its token authenticates. */
export function serviceAccountUser(namespace: string, name: string, uid?: string, extra?: Record<string, string[]>): UserInfo {
  return {
    username: serviceAccountUsername(namespace, name),
    ...(uid ? { uid } : {}),
    groups: [...serviceAccountGroups(namespace), ALL_AUTHENTICATED],
    ...(extra && Object.keys(extra).length ? { extra } : {}),
  };
}
