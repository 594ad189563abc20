// OpenAPI for kubectl: /openapi/v3 (an index of per-group/version documents)
// and /openapi/v2 (one Swagger 2.0 document), built from the engine's
// KindRegistry so custom kinds appear and go with their CRDs.
//
// What kubectl reads:
// - `kubectl explain` (1.28+; 1.27 still explains from v2) fetches /openapi/v3, then the group/version
//   document at its serverRelativeURL; it takes the GVK from the
//   x-kubernetes-group-version-kind of an operation on the resource's path,
//   finds the component schema whose extension lists that GVK, and walks
//   `properties`, `$ref`, `allOf`, `items` and `additionalProperties`.
//   Schemas: ./openapi-builtin.ts (built-ins, from src/api/schema) and
//   ./openapi-crd.ts (each served CRD version's openAPIV3Schema).
// - `kubectl apply`/`create` look for the `fieldValidation` query parameter
//   on the PATCH operation tagged with the kind's GVK; when present, kubectl
//   sends fieldValidation=Strict and the server validates.
// - Client-side `kubectl apply` computes a strategic merge patch for a
//   built-in kind from OpenAPI v3 only when the kind's PATCH operation
//   accepts `application/strategic-merge-patch+json`; ours declare no request
//   body, so kubectl goes on to OpenAPI v2, which it asks for in protobuf
//   only (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf).
//   What client-go does with the answer (discovery.OpenAPISchema): any error
//   status (404, 406 …) — and, before 1.28, a second 404 from the legacy
//   /swagger-2.0.0.pb-v1 it then tries — or a body that does not unmarshal as
//   protobuf (JSON does not) is an error. kubectl 1.28+ shrugs that off in
//   apply (it uses its compiled-in Go types) and explain (v3), but kubectl
//   1.27 fails outright: its validator, `kubectl explain` (v2 by default) and
//   apply all load the v2 document first ("the server could not find the
//   requested resource"). So /openapi/v2 is served for real, as
//   kube-apiserver does: protobuf (gnostic openapi_v2.Document,
//   ./openapi-proto.ts) when asked for, JSON to clients accepting JSON, 406
//   otherwise. kubectl then computes strategic merge patches from these
//   schemas, which therefore carry x-kubernetes-patch-strategy and
//   x-kubernetes-patch-merge-key taken from the engine's own merge tables
//   (src/api/patch/schema.ts): the client merges lists exactly as the server
//   applies them. Custom kinds are not in kubectl's scheme and get a JSON
//   merge patch.
//
// Caching: documents are rebuilt only when the registry's generation moves
// (and a group/version's document only when its kinds changed). The index
// names each document with `?hash=<sha512>`; a request with the current hash
// is answered `Cache-Control: public, immutable` (kubectl's disk HTTP cache
// keeps it for good), one with a stale hash is redirected (301) to the
// current URL, as kube-apiserver does. The index itself carries an ETag and
// `no-cache`, so clients revalidate it and see a new hash after every change.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../api/errors.js';
import type { KindInfo, KindRegistry } from '../api/kinds.js';
import { builtinSchemas, mergeSchema, ref, REF_PREFIX, type Schema } from './openapi-builtin.js';
import { customSchemas } from './openapi-crd.js';
import { encodeSwaggerProto } from './openapi-proto.js';
import { notFoundPath } from './respond.js';

const INFO = { title: 'Kubernetes', version: 'v1.32.0' };

interface Param {
  name: string;
  description: string;
}

const WRITE_PARAMS: Param[] = [
  { name: 'dryRun', description: 'When present, indicates that modifications should not be persisted.' },
  { name: 'fieldManager', description: 'fieldManager is a name associated with the actor or entity that is making these changes.' },
  {
    name: 'fieldValidation',
    description:
      'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  },
];
const FORCE: Param = { name: 'force', description: 'Force is going to "force" Apply requests.' };
const DELETE_PARAMS: Param[] = [
  { name: 'dryRun', description: '' },
  { name: 'propagationPolicy', description: '' },
  { name: 'gracePeriodSeconds', description: '' },
];

const v3Param = (p: Param) => ({ name: p.name, in: 'query', description: p.description, schema: { type: 'string', uniqueItems: true } });
const v2Param = (p: Param) => ({ name: p.name, in: 'query', description: p.description, type: 'string', uniqueItems: true });

function gvk(info: KindInfo) {
  return { group: info.group, version: info.version, kind: info.kind };
}

function prefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** `api/v1`, `apis/apps/v1`: the index key and URL tail of a group/version document. */
export function gvKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

type Flavour = 'v3' | 'v2';

/** The collection and item paths of one kind, each operation tagged with its GVK and action. */
function pathsFor(info: KindInfo, schema: string, flavour: Flavour): Record<string, unknown> {
  const base = prefix(info.group, info.version);
  const coll = info.namespaced ? `${base}/namespaces/{namespace}/${info.plural}` : `${base}/${info.plural}`;
  const item = `${coll}/{name}`;
  const param: (p: Param) => Record<string, unknown> = flavour === 'v3' ? v3Param : v2Param;
  const response = (name: string) => {
    const r = flavour === 'v3' ? ref(name) : { $ref: `#/definitions/${name}` };
    return { '200': flavour === 'v3' ? { description: 'OK', content: { 'application/json': { schema: r } } } : { description: 'OK', schema: r } };
  };
  const op = (action: string, params: Param[], description: string, returns?: string) => ({
    description,
    operationId: `${action}${info.kind}`,
    parameters: params.map(param),
    responses: returns ? response(returns) : { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(info),
  });
  // Only the operations the kind allows (review kinds are create-only, metrics read-only).
  const can = (verb: string) => !info.verbs || info.verbs.includes(verb);
  const collection: Record<string, unknown> = {};
  if (can('list')) collection.get = op('list', [], `list or watch objects of kind ${info.kind}`, `${schema}List`);
  if (can('create')) collection.post = op('post', WRITE_PARAMS, `create a ${info.kind}`, schema);
  const one: Record<string, unknown> = {};
  if (can('get')) one.get = op('get', [], `read the specified ${info.kind}`, schema);
  if (can('update')) one.put = op('put', WRITE_PARAMS, `replace the specified ${info.kind}`, schema);
  // No requestBody: kubectl must not compute strategic merge patches from v3 (see the top of this file).
  if (can('patch')) one.patch = op('patch', [...WRITE_PARAMS, FORCE], `partially update the specified ${info.kind}`, schema);
  if (can('delete')) one.delete = op('delete', DELETE_PARAMS, `delete a ${info.kind}`);
  return { ...(Object.keys(collection).length ? { [coll]: collection } : {}), ...(Object.keys(one).length ? { [item]: one } : {}) };
}

/** Paths and component schemas of one group/version. */
function buildGroupVersion(kinds: readonly KindInfo[], flavour: Flavour): { paths: Record<string, unknown>; schemas: Map<string, Schema> } {
  const paths: Record<string, unknown> = {};
  const schemas = new Map<string, Schema>();
  for (const info of kinds) {
    const name = info.custom ? customSchemas(info, schemas) : builtinSchemas(gvk(info), schemas);
    if (name) Object.assign(paths, pathsFor(info, name, flavour));
  }
  return { paths, schemas };
}

function sortedObject(m: Map<string, Schema>): Record<string, Schema> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const DROP_IN_V2 = new Set(['nullable', 'oneOf', 'anyOf', 'not', 'x-kubernetes-validations']);

/**
 * A v3 schema in Swagger 2.0 form: references point into #/definitions, a
 * field's `allOf: [{$ref}]` becomes a plain `$ref`, and what 2.0 cannot say
 * (nullable, oneOf/anyOf/not) is dropped — a one-of type (Quantity,
 * IntOrString) becomes a string, as kube-apiserver publishes them in v2.
 */
export function toV2(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2);
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (DROP_IN_V2.has(k)) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(REF_PREFIX, '#/definitions/');
    else if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, toV2(ps)]));
    else out[k] = toV2(v);
  }
  const allOf = out.allOf as Record<string, unknown>[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0]!.$ref === 'string' && !out.$ref) {
    delete out.allOf;
    out.$ref = allOf[0]!.$ref;
  }
  if (o.oneOf && !o.type) out.type = 'string';
  return out;
}

interface Doc {
  text: string;
  hash: string;
}

const sha512 = (data: string | Buffer) => createHash('sha512').update(data).digest('hex').toUpperCase();

function doc(value: unknown): Doc {
  const text = JSON.stringify(value);
  return { text, hash: sha512(text) };
}

export const PROTO_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The Content-Type answered for PROTO_V2: `@` is no token character, and client-go's mime.ParseMediaType refuses it (kube-openapi answers this form). */
const PROTO_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * The OpenAPI documents of one KindRegistry, cached and rebuilt when its
 * generation changes.
 */
export class OpenApi {
  private generation = -1;
  /** Group/version key → its kinds' signature and the built document. */
  private v3 = new Map<string, { sig: string; doc: Doc }>();
  private v2: Doc | undefined;
  private v2proto: { body: Buffer; hash: string } | undefined;
  private indexCache: Doc | undefined;

  constructor(private readonly kinds: KindRegistry) {}

  private refresh(): void {
    if (this.generation === this.kinds.generation) return;
    const next = new Map<string, { sig: string; doc: Doc }>();
    for (const { group, version } of this.kinds.groupVersions()) {
      const members = this.kinds.forGroupVersion(group, version);
      const key = gvKey(group, version);
      const sig = JSON.stringify(members);
      const old = this.v3.get(key);
      if (old?.sig === sig) {
        next.set(key, old);
        continue;
      }
      const { paths, schemas } = buildGroupVersion(members, 'v3');
      // A custom group/version whose every version is unserved has no document.
      if (!Object.keys(paths).length) continue;
      next.set(key, { sig, doc: doc({ openapi: '3.0.0', info: INFO, paths, components: { schemas: sortedObject(schemas) } }) });
    }
    this.v3 = next;
    this.v2 = undefined;
    this.v2proto = undefined;
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, { doc: d }] of this.v3) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
    this.indexCache = doc({ paths });
    this.generation = this.kinds.generation;
  }

  /** GET /openapi/v3: `{paths: {'apis/apps/v1': {serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=…'}}}`. */
  index(): Record<string, unknown> {
    return JSON.parse(this.indexDocument().text) as Record<string, unknown>;
  }

  /** The index as served (text and hash). */
  indexDocument(): Doc {
    this.refresh();
    return this.indexCache!;
  }

  /** The v3 document of `api/v1` / `apis/<group>/<version>` (text and hash), or undefined. */
  document(key: string): Doc | undefined {
    this.refresh();
    return this.v3.get(key)?.doc;
  }

  /** The Swagger 2.0 document of every served group/version. */
  swagger(): Doc {
    this.refresh();
    if (!this.v2) {
      const paths: Record<string, unknown> = {};
      const schemas = new Map<string, Schema>();
      for (const { group, version } of this.kinds.groupVersions()) {
        const gv = buildGroupVersion(this.kinds.forGroupVersion(group, version), 'v2');
        Object.assign(paths, gv.paths);
        for (const [n, s] of gv.schemas) mergeSchema(schemas, n, s);
      }
      const definitions = Object.fromEntries([...schemas.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([n, s]) => [n, toV2(s)]));
      this.v2 = doc({ swagger: '2.0', info: INFO, paths, definitions });
    }
    return this.v2;
  }

  /** The Swagger 2.0 document as gnostic protobuf (what client-go's OpenAPISchema reads). */
  swaggerProto(): { body: Buffer; hash: string } {
    const json = this.swagger();
    if (!this.v2proto) {
      const body = encodeSwaggerProto(JSON.parse(json.text) as Record<string, unknown>);
      this.v2proto = { body, hash: sha512(body) };
    }
    return this.v2proto;
  }
}

const services = new WeakMap<KindRegistry, OpenApi>();

/** The (cached) OpenAPI service of a registry. */
export function openApiFor(kinds: KindRegistry): OpenApi {
  let s = services.get(kinds);
  if (!s) services.set(kinds, (s = new OpenApi(kinds)));
  return s;
}

/** The first of JSON / the v2 protobuf an Accept header admits, in its order (none given: JSON). */
function negotiateV2(accept: string | undefined): 'json' | 'proto' | undefined {
  if (!accept) return 'json';
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (type === PROTO_V2.toLowerCase() || type === PROTO_V2_CONTENT_TYPE) return 'proto';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  return undefined;
}

function matches(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function sendDoc(req: IncomingMessage, res: ServerResponse, d: { body: string | Buffer; hash: string }, headers: Record<string, string>, type = 'application/json'): void {
  const etag = `"${d.hash}"`;
  const common = { ETag: etag, Vary: 'Accept', ...headers };
  if (matches(req, etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(d.body), ...common });
  res.end(req.method === 'HEAD' ? undefined : d.body);
}

const json = (d: Doc) => ({ body: d.text, hash: d.hash });

/**
 * Serves GET /openapi/v2, /openapi/v3 and /openapi/v3/<api/v1 | apis/g/v>
 * (`path` without a trailing slash). Throws a 404 Status for anything else.
 */
export function serveOpenApi(kinds: KindRegistry, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
  const api = openApiFor(kinds);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  const noCache = { 'Cache-Control': 'no-cache, private' };
  if (path === '/openapi/v2') {
    const as = negotiateV2(req.headers.accept);
    if (as === 'proto') return sendDoc(req, res, api.swaggerProto(), noCache, PROTO_V2_CONTENT_TYPE);
    if (as === 'json') return sendDoc(req, res, json(api.swagger()), noCache);
    throw new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json, ${PROTO_V2}`);
  }
  if (path === '/openapi/v3') return sendDoc(req, res, json(api.indexDocument()), noCache);
  if (!path.startsWith('/openapi/v3/')) throw notFoundPath();
  const key = path.slice('/openapi/v3/'.length);
  const d = api.document(key);
  if (!d) throw notFoundPath();
  const hash = query.get('hash');
  if (hash && hash !== d.hash) {
    // A client holding an old index: send it to the current document, never serve new content under an old immutable URL.
    res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${d.hash}`, 'Cache-Control': 'no-cache, private', 'Content-Length': 0 });
    res.end();
    return;
  }
  return sendDoc(req, res, json(d), hash ? { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 86_400_000).toUTCString() } : noCache);
}
