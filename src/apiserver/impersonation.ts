// Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
// `Impersonate-User`, `Impersonate-Group` (repeatable), `Impersonate-Uid` and
// `Impersonate-Extra-<key>` headers make a request act as someone else, when
// the requester may `impersonate` each of them:
//   user `system:serviceaccount:NS:NAME` → serviceaccounts NAME in NS (group "")
//   any other user → users NAME; a group → groups NAME;
//   a uid → uids.authentication.k8s.io NAME;
//   an extra value → userextras/<key>.authentication.k8s.io NAME (the key
//   percent-decoded and lower-cased).
// Groups, uid or extras without a user are an error. A ServiceAccount without
// explicit groups gets its two ServiceAccount groups; everyone but
// system:anonymous gets system:authenticated unless system:authenticated or
// system:unauthenticated was given. A refusal is the 403 of the first check
// that fails: `users "bob" is forbidden: User "x" cannot impersonate resource
// "users" in API group "" at the cluster scope`.
import type { IncomingMessage } from 'node:http';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS,
  parseServiceAccountUsername,
  serviceAccountGroups,
  type UserInfo,
} from '../api/auth/user.js';
import { StatusError } from '../api/errors.js';
import { resourceAttributes, type Attributes } from './authz/attributes.js';
import { forbiddenError, type Authorizer } from './authz/authorizer.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHN_GROUP = 'authentication.k8s.io';

/** True when the request asks to act as someone else. */
export function wantsImpersonation(req: IncomingMessage): boolean {
  return Object.keys(req.headers).some((h) => h === USER || h === GROUP || h === UID || h.startsWith(EXTRA_PREFIX));
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const distinct = (req as IncomingMessage & { headersDistinct?: Record<string, string[] | undefined> }).headersDistinct;
  if (distinct) return distinct[name] ?? [];
  const v = req.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function unescapeExtraKey(k: string): string {
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
}

/** Applies the impersonation headers of `req` to `requestor`; returns the user to act as (the requestor when none). */
export function impersonate(req: IncomingMessage, requestor: UserInfo, authz: Authorizer): UserInfo {
  if (!wantsImpersonation(req)) return requestor;
  const username = headerValues(req, USER)[0] ?? '';
  const groups = headerValues(req, GROUP);
  const uid = headerValues(req, UID)[0] ?? '';
  const extras: [string, string][] = [];
  for (const h of Object.keys(req.headers)) {
    if (!h.startsWith(EXTRA_PREFIX)) continue;
    const key = unescapeExtraKey(h.slice(EXTRA_PREFIX.length));
    for (const v of headerValues(req, h)) extras.push([key, v]);
  }
  if (!username) {
    const what = [...groups.map((g) => `group ${JSON.stringify(g)}`), ...(uid ? [`uid ${JSON.stringify(uid)}`] : []), ...extras.map(([k, v]) => `extra ${k}=${JSON.stringify(v)}`)];
    throw new StatusError(500, 'InternalError', `Internal error occurred: requested [${what.join(', ')}] without impersonating a user`);
  }

  const checks: Attributes[] = [];
  const sa = parseServiceAccountUsername(username);
  let actingGroups: string[] = [];
  if (sa) {
    checks.push(resourceAttributes(requestor, { verb: 'impersonate', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name }));
    if (!groups.length) actingGroups = serviceAccountGroups(sa.namespace);
  } else {
    checks.push(resourceAttributes(requestor, { verb: 'impersonate', resource: 'users', name: username }));
  }
  for (const g of groups) {
    checks.push(resourceAttributes(requestor, { verb: 'impersonate', resource: 'groups', name: g }));
    actingGroups.push(g);
  }
  const extra: Record<string, string[]> = {};
  for (const [key, value] of extras) {
    checks.push(resourceAttributes(requestor, { verb: 'impersonate', apiGroup: AUTHN_GROUP, resource: 'userextras', subresource: key, name: value }));
    (extra[key] ??= []).push(value);
  }
  if (uid) checks.push(resourceAttributes(requestor, { verb: 'impersonate', apiGroup: AUTHN_GROUP, resource: 'uids', name: uid }));

  for (const a of checks) {
    const d = authz.authorize(a);
    if (!d.allowed) throw forbiddenError(a, d.reason);
  }

  if (username !== ANONYMOUS) {
    if (!actingGroups.includes(ALL_AUTHENTICATED) && !actingGroups.includes(ALL_UNAUTHENTICATED)) actingGroups.push(ALL_AUTHENTICATED);
  } else if (!actingGroups.includes(ALL_UNAUTHENTICATED)) {
    actingGroups.push(ALL_UNAUTHENTICATED);
  }
  return {
    username,
    ...(uid ? { uid } : {}),
    groups: actingGroups,
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
