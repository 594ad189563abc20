// The REST verbs on resources: list/get/create/update/patch/delete (and
// deletecollection) and the status subresource; lists are in list.ts. Every write
// goes through the Api (defaults, validation, merge); errors come back as the
// Api's metav1.Status errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Api, ApiDeleteOptions, PropagationPolicy, WriteOptions } from '../api/api.js';
import { StatusError, badRequest, methodNotAllowed } from '../api/errors.js';
import { apiVersionOf } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import { PATCH_CONTENT_TYPES } from '../api/patch/index.js';
import { decodeObject, mediaType, parseJson, readBody } from './body.js';
import { boolParam, includeObject, intParam, selectorPredicate, wantsTable } from './negotiate.js';
import { buildTable } from './printers/index.js';
import type { ResourceRequest } from './request-info.js';
import { sendJson, sendJsonText, successStatus } from './respond.js';
import { servedJson } from './object-json.js';
import { serverSideApply } from './server-apply.js';
import { checkBodyVersion, isConvertedVersion, outbound, tableOutbound } from './versions.js';

export interface ResourceContext {
  api: Api;
  req: IncomingMessage;
  res: ServerResponse;
  rr: ResourceRequest;
  query: URLSearchParams;
  maxBodyBytes: number;
  now: () => number;
}

export function writeOptions(q: URLSearchParams): WriteOptions {
  const dry = q.getAll('dryRun');
  if (dry.some((d) => d !== 'All')) throw badRequest(`Invalid dry run value: ${JSON.stringify(dry.find((d) => d !== 'All'))}; supported values are "All"`);
  const fv = q.get('fieldValidation') ?? '';
  if (fv && !['Strict', 'Warn', 'Ignore'].includes(fv)) throw badRequest(`fieldValidation must be one of Ignore, Warn or Strict, got ${JSON.stringify(fv)}`);
  return {
    dryRun: dry.length > 0,
    fieldValidation: (fv || undefined) as WriteOptions['fieldValidation'],
    fieldManager: q.get('fieldManager') ?? undefined,
  };
}

/** Strict decoding errors read as kubectl shows them: `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: …`. */
async function withStrictWording<T>(rr: ResourceRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StatusError && e.code === 400 && e.message.startsWith('strict decoding error:')) {
      throw badRequest(`${rr.info.kind} in version "${rr.info.version}" cannot be handled as a ${rr.info.kind}: ${e.message}`);
    }
    throw e;
  }
}

function checkNamespace(rr: ResourceRequest, obj: Record<string, unknown>): void {
  const meta = (obj.metadata ??= {}) as Record<string, unknown>;
  if (rr.info.namespaced) {
    if (meta.namespace && rr.namespace && meta.namespace !== rr.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (rr.namespace) meta.namespace = rr.namespace;
  }
}

export function handleGet(c: ResourceContext): void {
  const obj = c.api.mustGet(c.rr.info.kind, c.rr.namespace, c.rr.name);
  if (wantsTable(c.req)) {
    sendJson(c.res, 200, tableOutbound(c.rr, buildTable(c.rr.info, [obj], { now: c.now(), include: includeObject(c.query), resourceVersion: obj.metadata.resourceVersion })));
    return;
  }
  sendJsonText(c.res, 200, servedJson(c.rr, obj));
}

export async function handleCreate(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const body = await readBody(c.req, c.maxBodyBytes);
  const obj = decodeObject(body, mediaType(c.req));
  checkNamespace(rr, obj);
  if (obj.kind && obj.kind !== rr.info.kind) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(rr.info)})`);
  }
  checkBodyVersion(rr, obj);
  // The body was decoded for this call alone: the Api may default it in place instead of copying it.
  const created = await withStrictWording(rr, () => api.create(obj as KubeObject, { ...writeOptions(c.query), owned: true }));
  sendJsonText(c.res, 201, servedJson(rr, created));
}

export async function handleUpdate(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const body = await readBody(c.req, c.maxBodyBytes);
  const obj = decodeObject(body, mediaType(c.req));
  checkNamespace(rr, obj);
  const meta = obj.metadata as Record<string, unknown>;
  if (meta.name && meta.name !== rr.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${rr.name})`);
  }
  meta.name = rr.name;
  checkBodyVersion(rr, obj);
  const opts = { ...writeOptions(c.query), owned: true };
  const out = rr.subresource === 'status'
    ? await api.updateStatus(obj as KubeObject)
    : await withStrictWording(rr, () => api.update(obj as KubeObject, opts));
  sendJsonText(c.res, 200, servedJson(rr, out));
}

export async function handlePatch(c: ResourceContext): Promise<void> {
  const { api, rr, query } = c;
  const type = PATCH_CONTENT_TYPES[mediaType(c.req)];
  if (!type) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_CONTENT_TYPES).join(', ')}`);
  }
  if (type === 'strategic' && rr.info.custom) {
    // As the apiextensions-apiserver: custom resources have no strategic-merge metadata.
    throw new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
  const body = await readBody(c.req, c.maxBodyBytes);
  const opts = writeOptions(query);
  if (type === 'apply') {
    if (rr.subresource && rr.subresource !== 'status') throw methodNotAllowed(`server-side apply of the ${rr.subresource} subresource is not supported by kubeterm`);
    const manager = opts.fieldManager;
    if (!manager) throw badRequest('PATCH, application/apply-patch+yaml requests must have a fieldManager query parameter');
    const config = decodeObject(body, 'application/apply-patch+yaml');
    checkNamespace(rr, config);
    const { object, created } = await withStrictWording(rr, () =>
      serverSideApply({
        api,
        info: rr.info,
        namespace: rr.namespace,
        name: rr.name,
        config,
        manager,
        force: boolParam(query, 'force'),
        write: opts,
        now: c.now(),
        subresource: rr.subresource === 'status' ? 'status' : undefined,
      }),
    );
    sendJsonText(c.res, created ? 201 : 200, servedJson(rr, object));
    return;
  }
  const patch = parseJson(body);
  if (rr.subresource && rr.subresource !== 'status') throw methodNotAllowed(`PATCH is not supported on ${rr.resource}/${rr.subresource}`);
  const out = await withStrictWording(rr, () =>
    api.patch(rr.info.kind, rr.namespace, rr.name, type, patch, {
      ...opts,
      subresource: rr.subresource === 'status' ? 'status' : undefined,
      apiVersion: isConvertedVersion(rr) ? apiVersionOf(rr.info) : undefined,
    }),
  );
  sendJsonText(c.res, 200, servedJson(rr, out));
}

async function deleteOptions(c: ResourceContext): Promise<ApiDeleteOptions> {
  const body = await readBody(c.req, c.maxBodyBytes);
  let fromBody: Record<string, unknown> = {};
  if (body.length && mediaType(c.req) !== 'application/vnd.kubernetes.protobuf') {
    const v = parseJson(body);
    if (v && typeof v === 'object') fromBody = v as Record<string, unknown>;
  }
  const q = c.query;
  const policy = (q.get('propagationPolicy') ?? fromBody.propagationPolicy) as PropagationPolicy | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphan = q.get('orphanDependents') ?? fromBody.orphanDependents;
  const graceQ = intParam(q, 'gracePeriodSeconds');
  const grace = graceQ ?? (typeof fromBody.gracePeriodSeconds === 'number' ? fromBody.gracePeriodSeconds : undefined);
  const dry = [...q.getAll('dryRun'), ...((fromBody.dryRun as string[] | undefined) ?? [])];
  return {
    propagationPolicy: policy ?? (orphan === true || orphan === 'true' ? 'Orphan' : undefined),
    gracePeriodSeconds: grace,
    preconditions: fromBody.preconditions as ApiDeleteOptions['preconditions'],
    dryRun: dry.length > 0,
  };
}

function deleteResponse(c: ResourceContext, obj: KubeObject): void {
  const stillThere = c.api.get(c.rr.info.kind, c.rr.namespace, obj.metadata.name ?? '');
  // Like the apiserver: an object that is only marked (finalizers, grace) comes back as 200 with
  // its new state; Pods always return the object; otherwise a Success Status.
  if (stillThere || c.rr.info.kind === 'Pod') {
    sendJson(c.res, 200, outbound(c.rr, stillThere ?? obj));
    return;
  }
  sendJson(c.res, 200, successStatus({ name: obj.metadata.name, group: c.rr.info.group, kind: c.rr.info.plural, uid: obj.metadata.uid } as never));
}

export async function handleDelete(c: ResourceContext): Promise<void> {
  if (c.rr.subresource) throw methodNotAllowed(`DELETE is not supported on ${c.rr.resource}/${c.rr.subresource}`);
  const opts = await deleteOptions(c);
  const out = await c.api.delete(c.rr.info.kind, c.rr.namespace, c.rr.name, opts);
  deleteResponse(c, out);
}

export async function handleDeleteCollection(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const opts = await deleteOptions(c);
  const filter = selectorPredicate(c.query, rr.info.kind);
  const items = api.list(rr.info.kind, { namespace: rr.namespace || undefined, filter }).items;
  const out: KubeObject[] = [];
  for (const o of items) {
    try {
      out.push(await api.delete(rr.info.kind, o.metadata.namespace ?? '', o.metadata.name ?? '', opts));
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
  sendJson(c.res, 200, { kind: `${rr.info.kind}List`, apiVersion: apiVersionOf(rr.info), metadata: { resourceVersion: api.store.resourceVersion() }, items: out.map((o) => outbound(rr, o)) });
}
