// Escalation prevention, as Kubernetes' RBAC storage does it (pkg/registry/
// rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased and
// pkg/registry/rbac/validation ConfirmNoEscalation):
//   - a Role or ClusterRole may be created or updated only with rules the
//     user already holds (in the request's namespace; cluster-wide for a
//     ClusterRole), unless the user may `escalate` roles/clusterroles;
//     setting a ClusterRole's aggregationRule needs every permission;
//   - a RoleBinding or ClusterRoleBinding only to a role whose rules the user
//     holds, unless the user may `bind` that role (checked in the binding's
//     namespace, so `bind` can be delegated per namespace);
//   - members of system:masters are never checked; an update that only
//     changes ownerReferences/finalizers (garbage collection) is never checked.
// The refusal: `roles.rbac.authorization.k8s.io "x" is forbidden: user "u"
// (groups=["g"]) is attempting to grant RBAC permissions not currently held:`
// and one `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}` per line.
//
// The checks wrap the Api for one request (`guardRbacWrites`): Api.patch and
// server-side apply end in Api.create/update, so every way of writing an RBAC
// object sees the object as it will be stored.
import type { Api, WriteOptions } from '../../api/api.js';
import type { UserInfo } from '../../api/auth/user.js';
import { StatusError, forbidden } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import { resourceAttributes } from './attributes.js';
import { isPrivileged, type Authorizer } from './authorizer.js';
import { RBAC_GROUP, RoleRefError, roleRefOf } from './rbac.js';
import { compactRules, compactString, covers, goQuotedList, normalizeRules, type PolicyRule } from './rules.js';

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

const PLURAL: Record<string, string> = { Role: 'roles', ClusterRole: 'clusterroles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings' };

export function isRbacObject(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return typeof obj.kind === 'string' && obj.kind in PLURAL && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

/** ConfirmNoEscalation: undefined when the user holds every rule in `rules` in `namespace`, else the message. */
export function escalationMessage(authz: Authorizer, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const owner = authz.rulesFor(user, namespace);
  const { covered, missing } = covers(owner.rules, rules);
  if (covered) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owner.error) msg += `; resolution errors: [${owner.error}]`;
  return msg;
}

/** rbacregistry.IsOnlyMutatingGCFields: equal once ownerReferences, finalizers and server-set fields are taken from the old object. */
function onlyGcFieldsChanged(next: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, generation: _g, ...meta } = o.metadata as unknown as Record<string, unknown>;
    return JSON.stringify({ ...o, metadata: meta, status: undefined });
  };
  return strip(next) === strip(old);
}

interface GuardContext {
  authz: Authorizer;
  user: UserInfo;
  /** The namespace and name of the request URL (requestInfo), used for the escalate check. */
  namespace: string;
  name: string;
}

function checkRole(g: GuardContext, obj: KubeObject): void {
  const kind = obj.kind;
  const resource = PLURAL[kind];
  const escalate = g.authz.authorize(resourceAttributes(g.user, { verb: 'escalate', apiGroup: RBAC_GROUP, apiVersion: '*', resource, name: g.name, namespace: g.namespace }));
  if (escalate.allowed) return;
  const name = obj.metadata?.name ?? '';
  const rules = normalizeRules((obj as { rules?: unknown }).rules);
  const ns = kind === 'Role' ? (g.namespace || obj.metadata?.namespace || '') : g.namespace;
  const msg = escalationMessage(g.authz, g.user, ns, rules);
  if (msg) throw forbidden(kind, name, msg);
  const aggregation = (obj as { aggregationRule?: unknown }).aggregationRule;
  if (kind === 'ClusterRole' && aggregation && typeof aggregation === 'object' && escalationMessage(g.authz, g.user, ns, FULL_AUTHORITY)) {
    throw forbidden(kind, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
}

function checkBinding(g: GuardContext, obj: KubeObject): void {
  const kind = obj.kind;
  const ref = roleRefOf(obj);
  if (!ref) return; // validation refuses it; a binding without a roleRef grants nothing
  const bindingNs = kind === 'RoleBinding' ? (g.namespace || obj.metadata?.namespace || '') : '';
  if (ref.kind === 'Role' || ref.kind === 'ClusterRole') {
    const bind = g.authz.authorize(
      resourceAttributes(g.user, { verb: 'bind', apiGroup: ref.apiGroup, resource: ref.kind === 'Role' ? 'roles' : 'clusterroles', name: ref.name, namespace: bindingNs }),
    );
    if (bind.allowed) return;
  }
  let rules: PolicyRule[];
  try {
    rules = g.authz.rbac.roleReferenceRules(ref, bindingNs);
  } catch (e) {
    if (e instanceof RoleRefError && (e.kind === 'role' || e.kind === 'clusterrole')) {
      throw new StatusError(404, 'NotFound', e.message, { name: e.roleName, group: RBAC_GROUP, kind: e.kind });
    }
    throw forbidden(kind, obj.metadata?.name ?? '', (e as Error).message);
  }
  const msg = escalationMessage(g.authz, g.user, bindingNs, rules);
  if (msg) throw forbidden(kind, obj.metadata?.name ?? '', msg);
}

function check(g: GuardContext, obj: KubeObject): void {
  if (obj.kind === 'Role' || obj.kind === 'ClusterRole') checkRole(g, obj);
  else checkBinding(g, obj);
}

/**
 * The Api as one request of `user` sees it: writes of RBAC objects are
 * checked for escalation first. Members of system:masters get the Api itself.
 */
export function guardRbacWrites(api: Api, authz: Authorizer, user: UserInfo, request: { namespace: string; name: string }): Api {
  if (isPrivileged(user)) return api;
  const g: GuardContext = { authz, user, namespace: request.namespace, name: request.name };
  const guarded = Object.create(api) as Api;
  const create = api.create;
  const update = api.update;
  guarded.create = function <T extends KubeObject>(input: T, opts?: WriteOptions): Promise<T> {
    if (isRbacObject(input)) {
      try {
        check(g, input);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return create.call(guarded, input, opts) as Promise<T>;
  };
  guarded.update = function <T extends KubeObject>(input: T, opts?: WriteOptions): Promise<T> {
    if (isRbacObject(input)) {
      const old = api.get(input.kind, input.metadata?.namespace ?? g.namespace, input.metadata?.name ?? '');
      if (!old || !onlyGcFieldsChanged(input, old)) {
        try {
          check(g, input);
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    return update.call(guarded, input, opts) as Promise<T>;
  };
  return guarded;
}
