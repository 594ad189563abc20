// The door every HTTP request passes before routing: authenticate (auth.ts),
// apply impersonation (impersonation.ts), then authorize the request's
// attributes (authz/) — discovery, OpenAPI, watches, logs, exec and
// port-forward upgrades and subresources included. Public health and version
// paths answer anyone. The user a request acts as is remembered for the
// handlers that need it (review APIs, escalation checks on RBAC writes).
// The embedded UI and the folder sync call the Api directly and never pass
// here: they act as the admin.
import type { IncomingMessage } from 'node:http';
import type { Api } from '../api/api.js';
import type { ServiceAccountTokens } from '../api/auth/sa-token.js';
import { anonymousUser, type UserInfo } from '../api/auth/user.js';
import { Authenticator, isPublicPath, unauthorized } from './auth.js';
import { requestAttributes, resourceAttributes } from './authz/attributes.js';
import { Authorizer, forbiddenError } from './authz/authorizer.js';
import { guardRbacWrites } from './authz/escalation.js';
import { RBAC_GROUP, RbacAuthorizer } from './authz/rbac.js';
import { impersonate } from './impersonation.js';

const users = new WeakMap<IncomingMessage, UserInfo>();

/** The user a request acts as (after impersonation); undefined before it passed AccessControl. */
export function requestUser(req: IncomingMessage): UserInfo | undefined {
  return users.get(req);
}

/** Subresources whose WebSocket/SPDY upgrade (a GET) must also be allowed to `create`, as newer kube-apiservers check. */
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

export class AccessControl {
  readonly authn: Authenticator;
  readonly rbac: RbacAuthorizer;
  readonly authz: Authorizer;

  constructor(
    private readonly api: Api,
    adminToken: string,
    readonly tokens: ServiceAccountTokens,
    now: () => number = Date.now,
  ) {
    this.authn = new Authenticator(api, adminToken, tokens, now);
    this.rbac = new RbacAuthorizer(api);
    this.authz = new Authorizer(this.rbac);
  }

  start(): void {
    this.rbac.start();
  }

  stop(): void {
    this.rbac.stop();
  }

  /**
   * Authenticates, impersonates and authorizes a request; returns the user it
   * acts as. Throws 401 (no or bad credentials), 403 (refused) or 500 (bad
   * impersonation headers, as kube-apiserver answers them).
   */
  async admit(req: IncomingMessage, url: URL, opts: { upgrade?: boolean } = {}): Promise<UserInfo> {
    if (isPublicPath(url.pathname)) {
      let user: UserInfo | undefined;
      try {
        user = await this.authn.authenticate(req);
      } catch {
        user = undefined;
      }
      const u = user ?? anonymousUser();
      users.set(req, u);
      return u;
    }
    const requestor = await this.authn.authenticate(req);
    if (!requestor) throw unauthorized();
    const user = impersonate(req, requestor, this.authz);
    const attrs = requestAttributes(user, req.method ?? 'GET', url.pathname, url.searchParams);
    const d = this.authz.authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
    if (opts.upgrade && attrs.resourceRequest && attrs.verb === 'get' && attrs.resource === 'pods' && STREAMING_SUBRESOURCES.has(attrs.subresource)) {
      const create = { ...attrs, verb: 'create' };
      const dc = this.authz.authorize(create);
      if (!dc.allowed) throw forbiddenError(create, dc.reason);
    }
    users.set(req, user);
    return user;
  }

  /** The Api one request writes through: RBAC objects are checked for escalation unless the user is privileged. */
  apiFor(req: IncomingMessage, request: { group: string; namespace: string; name: string }): Api {
    const user = users.get(req);
    if (!user || request.group !== RBAC_GROUP) return this.api;
    return guardRbacWrites(this.api, this.authz, user, request);
  }

  /** Whether `user` may do `verb` on a resource (used by handlers that check more than the request itself). */
  allowed(user: UserInfo, a: Parameters<typeof resourceAttributes>[1]): boolean {
    return this.authz.authorize(resourceAttributes(user, a)).allowed;
  }
}
