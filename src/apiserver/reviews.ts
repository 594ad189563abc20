// The identity and access APIs the server answers itself (they are never
// stored; their kinds are `virtual`):
//   authorization.k8s.io/v1  SelfSubjectAccessReview, SubjectAccessReview,
//                            LocalSubjectAccessReview, SelfSubjectRulesReview
//   authentication.k8s.io/v1 SelfSubjectReview, TokenReview
//   v1 serviceaccounts/token  TokenRequest (`kubectl create token`)
// Each is a POST answered 201 with the request echoed and `status` filled, as
// pkg/registry/authorization/* and pkg/registry/authentication/* do.
import { rfc3339 } from './time.js';
import type { Api } from '../api/api.js';
import { TokenError } from '../api/auth/sa-token.js';
import type { UserInfo } from '../api/auth/user.js';
import { StatusError, badRequest, invalid, methodNotAllowed, notFound, type FieldError } from '../api/errors.js';
import type { AccessControl } from './access.js';
import { requestUser } from './access.js';
import { nonResourceAttributes, resourceAttributes, type Attributes } from './authz/attributes.js';
import { decodeObject, mediaType, readBody } from './body.js';
import type { ResourceContext } from './resources.js';
import { sendJson } from './respond.js';

const AUTHZ = 'authorization.k8s.io';
const AUTHN = 'authentication.k8s.io';

type Obj = Record<string, unknown>;

const REVIEWS: Record<string, string> = {
  SelfSubjectAccessReview: AUTHZ,
  SubjectAccessReview: AUTHZ,
  LocalSubjectAccessReview: AUTHZ,
  SelfSubjectRulesReview: AUTHZ,
  SelfSubjectReview: AUTHN,
  TokenReview: AUTHN,
};

/** True when this module answers the request (a review kind, or serviceaccounts/token). */
export function isAccessApi(c: Pick<ResourceContext, 'rr'>): boolean {
  const { rr } = c;
  if (REVIEWS[rr.info.kind] === rr.info.group) return true;
  return rr.info.kind === 'ServiceAccount' && rr.info.group === '' && rr.subresource === 'token';
}

async function readObject(c: ResourceContext): Promise<Obj> {
  const body = await readBody(c.req, c.maxBodyBytes);
  if (!body.length) throw badRequest('the request body is empty');
  const obj = decodeObject(body, mediaType(c.req));
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the request body is not an object');
  return obj;
}

const strOf = (v: unknown): string => (typeof v === 'string' ? v : '');
const strsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const objOf = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

function extraOf(v: unknown): Record<string, string[]> | undefined {
  const o = objOf(v);
  if (!o) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, vals] of Object.entries(o)) out[k] = strsOf(vals);
  return Object.keys(out).length ? out : undefined;
}

function userInfoJson(u: UserInfo): Obj {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups], ...(u.extra ? { extra: u.extra } : {}) };
}

function reviewInvalid(kind: string, group: string, errs: FieldError[]): StatusError {
  const e = invalid(kind, '', errs);
  // errors.invalid words unknown kinds without their group; the reviews are `Kind.group`.
  return new StatusError(e.code, e.reason, e.message.replace(/^\S+ ""/, `${kind}.${group} ""`), { ...e.details, group, kind });
}

function attributesFromSpec(user: UserInfo, spec: Obj): Attributes {
  const ra = objOf(spec.resourceAttributes);
  if (ra) {
    return resourceAttributes(user, {
      verb: strOf(ra.verb),
      namespace: strOf(ra.namespace),
      apiGroup: strOf(ra.group),
      apiVersion: strOf(ra.version) || '*',
      resource: strOf(ra.resource),
      subresource: strOf(ra.subresource),
      name: strOf(ra.name),
    });
  }
  const nra = objOf(spec.nonResourceAttributes) ?? {};
  return nonResourceAttributes(user, strOf(nra.verb), strOf(nra.path));
}

function accessSpecErrors(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (ra != null && nra != null) errs.push({ type: 'Invalid', field: 'spec.nonResourceAttributes', valueText: '{...}', detail: 'cannot be specified in combination with resourceAttributes' });
  if (ra == null && nra == null) errs.push({ type: 'Invalid', field: 'spec.resourceAttributes', valueText: 'null', detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  return errs;
}

function accessStatus(access: AccessControl, a: Attributes): Obj {
  const d = access.authz.authorize(a);
  return { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
}

function reply(c: ResourceContext, obj: Obj, status: Obj, extra: Obj = {}): void {
  const meta = objOf(obj.metadata) ?? {};
  sendJson(c.res, 201, {
    kind: c.rr.info.kind,
    apiVersion: `${c.rr.info.group}/${c.rr.info.version}`,
    metadata: { ...meta, creationTimestamp: null },
    spec: objOf(obj.spec) ?? {},
    ...extra,
    status,
  });
}

function metadataEmpty(meta: Obj | undefined, allow: string[] = []): boolean {
  if (!meta) return true;
  return Object.entries(meta).every(([k, v]) => allow.includes(k) || k === 'managedFields' || k === 'creationTimestamp' || v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0));
}

async function selfSubjectAccessReview(c: ResourceContext, access: AccessControl, user: UserInfo): Promise<void> {
  const obj = await readObject(c);
  const spec = objOf(obj.spec) ?? {};
  const errs = accessSpecErrors(spec);
  if (!metadataEmpty(objOf(obj.metadata))) errs.push({ type: 'Invalid', field: 'metadata', valueText: '{...}', detail: 'must be empty' });
  if (errs.length) throw reviewInvalid('SelfSubjectAccessReview', AUTHZ, errs);
  reply(c, obj, accessStatus(access, attributesFromSpec(user, spec)));
}

function subjectOf(spec: Obj): UserInfo {
  const extra = extraOf(spec.extra);
  return { username: strOf(spec.user), ...(strOf(spec.uid) ? { uid: strOf(spec.uid) } : {}), groups: strsOf(spec.groups), ...(extra ? { extra } : {}) };
}

async function subjectAccessReview(c: ResourceContext, access: AccessControl, local: boolean): Promise<void> {
  const obj = await readObject(c);
  const spec = objOf(obj.spec) ?? {};
  const kind = local ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
  const errs = accessSpecErrors(spec);
  if (!strOf(spec.user) && !strsOf(spec.groups).length) errs.push({ type: 'Invalid', field: 'spec.user', value: '', detail: 'at least one of user or group must be specified' });
  const meta = objOf(obj.metadata);
  if (local) {
    const ns = strOf(meta?.namespace) || c.rr.namespace;
    if (strOf(meta?.namespace) && strOf(meta?.namespace) !== c.rr.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (!metadataEmpty(meta, ['namespace'])) errs.push({ type: 'Invalid', field: 'metadata', valueText: '{...}', detail: 'must be empty except for namespace' });
    const ra = objOf(spec.resourceAttributes);
    if (ra && strOf(ra.namespace) !== ns) errs.push({ type: 'Invalid', field: 'spec.resourceAttributes.namespace', value: strOf(ra.namespace), detail: 'must match metadata.namespace' });
    if (spec.nonResourceAttributes != null) errs.push({ type: 'Invalid', field: 'spec.nonResourceAttributes', valueText: '{...}', detail: 'disallowed on this kind of request' });
    if (errs.length) throw reviewInvalid(kind, AUTHZ, errs);
    reply(c, { ...obj, metadata: { ...(meta ?? {}), namespace: ns } }, accessStatus(access, attributesFromSpec(subjectOf(spec), spec)));
    return;
  }
  if (!metadataEmpty(meta)) errs.push({ type: 'Invalid', field: 'metadata', valueText: '{...}', detail: 'must be empty' });
  if (errs.length) throw reviewInvalid(kind, AUTHZ, errs);
  reply(c, obj, accessStatus(access, attributesFromSpec(subjectOf(spec), spec)));
}

async function selfSubjectRulesReview(c: ResourceContext, access: AccessControl, user: UserInfo): Promise<void> {
  const obj = await readObject(c);
  const spec = objOf(obj.spec) ?? {};
  const namespace = strOf(spec.namespace);
  if (!namespace) throw badRequest('no namespace on request');
  const { rules, error } = access.authz.rulesFor(user, namespace);
  const resourceRules: Obj[] = [];
  const nonResourceRules: Obj[] = [];
  for (const r of rules) {
    if (r.resources?.length) {
      resourceRules.push({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), resources: r.resources, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) });
    }
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
  }
  reply(c, obj, { resourceRules, nonResourceRules, incomplete: false, ...(error ? { evaluationError: error } : {}) });
}

async function selfSubjectReview(c: ResourceContext, user: UserInfo): Promise<void> {
  const obj = await readObject(c).catch((e: unknown) => {
    // `kubectl auth whoami` may send an empty object; an empty body is as good.
    if (e instanceof StatusError && e.message === 'the request body is empty') return {} as Obj;
    throw e;
  });
  const meta = objOf(obj.metadata) ?? {};
  sendJson(c.res, 201, {
    kind: 'SelfSubjectReview',
    apiVersion: `${AUTHN}/v1`,
    metadata: { ...meta, creationTimestamp: null },
    status: { userInfo: userInfoJson(user) },
  });
}

async function tokenReview(c: ResourceContext, access: AccessControl): Promise<void> {
  const obj = await readObject(c);
  const spec = objOf(obj.spec) ?? {};
  const token = strOf(spec.token);
  if (!token) throw badRequest('token is required for TokenReview in authentication');
  const audiences = strsOf(spec.audiences);
  let status: Obj;
  try {
    const r = await access.authn.authenticateToken(token, audiences.length ? audiences : undefined);
    status = { authenticated: true, user: userInfoJson(r.user), audiences: r.audiences };
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    status = { user: {}, error: `[invalid bearer token, ${e.message.replace(/^invalid bearer token, /, '')}]` };
  }
  reply(c, obj, status);
}

const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;
const DEFAULT_EXPIRATION = 3600;

function tokenRequestInvalid(name: string, errs: FieldError[]): StatusError {
  const e = invalid('TokenRequest', name, errs);
  return new StatusError(e.code, e.reason, e.message.replace(/^\S+ /, `TokenRequest.${AUTHN} `), { ...e.details, group: AUTHN, kind: 'TokenRequest' });
}

/** POST serviceaccounts/<name>/token (pkg/registry/core/serviceaccount/storage/token.go). */
async function tokenRequest(c: ResourceContext, api: Api, access: AccessControl): Promise<void> {
  const { rr } = c;
  const obj = await readObject(c);
  const spec = { ...(objOf(obj.spec) ?? {}) };
  const rawExp = spec.expirationSeconds;
  const exp = rawExp === undefined || rawExp === null ? DEFAULT_EXPIRATION : rawExp;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) {
    throw tokenRequestInvalid(rr.name, [{ type: 'Invalid', field: 'spec.expirationSeconds', value: exp, detail: 'must be a whole number of seconds' }]);
  }
  if (exp < MIN_EXPIRATION) throw tokenRequestInvalid(rr.name, [{ type: 'Invalid', field: 'spec.expirationSeconds', value: exp, detail: 'may not specify a duration less than 10 minutes' }]);
  if (exp > MAX_EXPIRATION) throw tokenRequestInvalid(rr.name, [{ type: 'Invalid', field: 'spec.expirationSeconds', value: exp, detail: 'may not specify a duration larger than 2^32 seconds' }]);
  const sa = api.get('ServiceAccount', rr.namespace, rr.name);
  if (!sa) throw notFound('ServiceAccount', rr.name);
  let bound: { kind: 'Pod' | 'Secret'; name: string; uid: string } | undefined;
  const ref = objOf(spec.boundObjectRef);
  if (ref) {
    const kind = strOf(ref.kind);
    const apiVersion = strOf(ref.apiVersion);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    const name = strOf(ref.name);
    let uid: string;
    if (group === '' && (kind === 'Pod' || kind === 'Secret')) {
      const target = api.get(kind, rr.namespace, name);
      if (!target) throw notFound(kind, name);
      if (kind === 'Pod') {
        const podSa = strOf(objOf(target.spec)?.serviceAccountName) || 'default';
        if (podSa !== rr.name) throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(rr.name)} to pod running with serviceaccount ${JSON.stringify(podSa)}`);
      }
      uid = target.metadata.uid ?? '';
      bound = { kind, name, uid };
    } else {
      throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
    }
    const wantUid = strOf(ref.uid);
    if (wantUid && wantUid !== uid) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${kind} ${JSON.stringify(name)}: the UID in the bound object reference (${wantUid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`, { name, kind });
    }
  }
  const audiences = strsOf(spec.audiences);
  const finalAudiences = audiences.length ? audiences : [...access.tokens.apiAudiences];
  const issued = await access.tokens.issue({
    namespace: rr.namespace,
    serviceAccountName: rr.name,
    serviceAccountUid: sa.metadata.uid ?? '',
    audiences: finalAudiences,
    expirationSeconds: exp,
    boundObject: bound,
  });
  sendJson(c.res, 201, {
    kind: 'TokenRequest',
    apiVersion: `${AUTHN}/v1`,
    metadata: { name: rr.name, namespace: rr.namespace, creationTimestamp: rfc3339(c.now()) },
    spec: { ...spec, audiences: finalAudiences, expirationSeconds: exp, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  });
}

/** Answers a review or a TokenRequest (only POST to the collection; the rest is 405). */
export async function serveAccessApi(c: ResourceContext, access: AccessControl): Promise<void> {
  const { rr, req } = c;
  const method = req.method ?? 'GET';
  const user = requestUser(req);
  if (!user) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
  if (rr.info.kind === 'ServiceAccount') {
    if (method !== 'POST') throw methodNotAllowed(`${method} is not supported on serviceaccounts/token`);
    return tokenRequest(c, c.api, access);
  }
  if (method !== 'POST' || rr.name || rr.subresource) throw methodNotAllowed('the server does not allow this method on the requested resource');
  switch (rr.info.kind) {
    case 'SelfSubjectAccessReview':
      return selfSubjectAccessReview(c, access, user);
    case 'SubjectAccessReview':
      return subjectAccessReview(c, access, false);
    case 'LocalSubjectAccessReview':
      return subjectAccessReview(c, access, true);
    case 'SelfSubjectRulesReview':
      return selfSubjectRulesReview(c, access, user);
    case 'SelfSubjectReview':
      return selfSubjectReview(c, user);
    case 'TokenReview':
      return tokenReview(c, access);
  }
  throw methodNotAllowed('the server does not allow this method on the requested resource');
}
