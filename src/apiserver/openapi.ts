// A small OpenAPI v3 surface. kubectl (1.27+) asks /openapi/v3 whether the
// server understands the `fieldValidation` query parameter (it looks for the
// parameter on the PATCH operation tagged with the kind's
// x-kubernetes-group-version-kind); when it does, kubectl sends
// fieldValidation=Strict and lets the server reject unknown fields instead of
// validating against a client-side schema. Without /openapi/v3, `kubectl apply`
// and `kubectl create -f` fail. The documents declare operations and their
// parameters only — no component schemas — so kubectl falls back to its
// built-in types for strategic-merge-patch metadata.
import { createHash } from 'node:crypto';
import { KINDS, atVersion, servedVersions, type KindInfo } from '../api/kinds.js';
import { servedGroupVersions } from './request-info.js';

const param = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });

const WRITE_PARAMS = [
  param('dryRun', 'When present, indicates that modifications should not be persisted.'),
  param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  param(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  ),
];

function gvk(info: KindInfo) {
  return { group: info.group, version: info.version, kind: info.kind };
}

function op(info: KindInfo, action: string, params: unknown[], description: string) {
  return {
    description,
    operationId: `${action}${info.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(info),
  };
}

function prefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

function pathsFor(info: KindInfo): Record<string, unknown> {
  const base = prefix(info.group, info.version);
  const coll = info.namespaced ? `${base}/namespaces/{namespace}/${info.plural}` : `${base}/${info.plural}`;
  const item = `${coll}/{name}`;
  const force = param('force', 'Force is going to "force" Apply requests.');
  return {
    [coll]: {
      get: op(info, 'list', [], `list or watch objects of kind ${info.kind}`),
      post: op(info, 'post', WRITE_PARAMS, `create a ${info.kind}`),
    },
    [item]: {
      get: op(info, 'get', [], `read the specified ${info.kind}`),
      put: op(info, 'put', WRITE_PARAMS, `replace the specified ${info.kind}`),
      patch: op(info, 'patch', [...WRITE_PARAMS, force], `partially update the specified ${info.kind}`),
      delete: op(info, 'delete', [param('dryRun', ''), param('propagationPolicy', ''), param('gracePeriodSeconds', '')], `delete a ${info.kind}`),
    },
  };
}

function gvKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const documents = new Map<string, { text: string; hash: string }>();
for (const { group, version } of servedGroupVersions()) {
  const paths: Record<string, unknown> = {};
  for (const k of KINDS.filter((k) => k.group === group && servedVersions(k).includes(version))) Object.assign(paths, pathsFor(atVersion(k, version)));
  const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
  const text = JSON.stringify(doc);
  documents.set(gvKey(group, version), { text, hash: createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase() });
}

/** GET /openapi/v3: the index of group-version documents. */
export function openApiIndex(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, d] of documents) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
  return { paths };
}

/** GET /openapi/v3/<api/v1 | apis/g/v>: the document text, or undefined. */
export function openApiDocument(key: string): string | undefined {
  return documents.get(key)?.text;
}
