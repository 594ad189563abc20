// kube-apiserver's authorizer chain as kubeterm has it: the privileged group
// `system:masters` is allowed everything (authorizerfactory.NewPrivilegedGroups,
// which contributes no rules to rules reviews), then RBAC. A refusal is a 403
// Status in Kubernetes' words (responsewriters.Forbidden + errors.NewForbidden):
//   pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"
//   forbidden: User "u" cannot get path "/openapi/v3"
import { SYSTEM_MASTERS, type UserInfo } from '../../api/auth/user.js';
import { StatusError, type StatusDetails } from '../../api/errors.js';
import type { Attributes } from './attributes.js';
import { RbacAuthorizer, type Decision } from './rbac.js';
import type { PolicyRule } from './rules.js';

export class Authorizer {
  constructor(readonly rbac: RbacAuthorizer) {}

  authorize(a: Attributes): Decision {
    if (isPrivileged(a.user)) return { allowed: true, reason: '' };
    return this.rbac.authorize(a);
  }

  /** The rules a rules review reports (RBAC's only, as in Kubernetes). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; error?: string } {
    return this.rbac.rulesFor(user, namespace);
  }
}

export function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}

/** responsewriters.forbiddenMessage. */
export function forbiddenMessage(a: Attributes): string {
  const user = JSON.stringify(a.user.username);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}

/** The 403 for a refused request: `<resource>[.<group>] ["name"] is forbidden: <message>[: <reason>]`. */
export function forbiddenError(a: Attributes, reason: string): StatusError {
  const why = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  const details: StatusDetails = {};
  if (a.name) details.name = a.name;
  if (a.apiGroup) details.group = a.apiGroup;
  if (a.resource) details.kind = a.resource;
  if (!a.resource && !a.apiGroup) return new StatusError(403, 'Forbidden', `forbidden: ${why}`, details);
  const gr = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message = a.name ? `${gr} ${JSON.stringify(a.name)} is forbidden: ${why}` : `${gr} is forbidden: ${why}`;
  return new StatusError(403, 'Forbidden', message, details);
}
