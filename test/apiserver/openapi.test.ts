// The OpenAPI documents built from a KindRegistry: component schemas for
// every built-in kind (derived from src/api/schema) and every served CRD
// version, caching by registry generation, the Swagger 2.0 JSON and protobuf
// forms, and the HTTP caching contract kubectl relies on (hashes, 301, 304).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../../src/api/errors.js';
import { KindRegistry, type KindInfo } from '../../src/api/kinds.js';
import { OpenApi, PROTO_V2, serveOpenApi, toV2 } from '../../src/apiserver/openapi.js';

type Json = Record<string, any>;

const docOf = (api: OpenApi, key: string): Json => JSON.parse(api.document(key)!.text);

/** Every `$ref` in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

/** The schema a property resolves to: through `$ref` and a single-element `allOf`. */
function resolve(doc: Json, s: Json): Json {
  const r = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  return r ? doc.components.schemas[r.replace('#/components/schemas/', '')] : s;
}

/** Walks `a.b.c` from a component, as kubectl explain does. */
function field(doc: Json, component: string, path: string): Json {
  let s: Json = doc.components.schemas[component];
  for (const part of path.split('.')) {
    s = resolve(doc, s);
    if (s.items) s = resolve(doc, s.items);
    s = s.properties[part];
    expect(s, `${component}.${path} at ${part}`).toBeDefined();
  }
  return s;
}

function widget(versions: { name: string; served: boolean; storage: boolean; schema?: Json }[], group = 'example.com'): KindInfo {
  const storage = versions.find((v) => v.storage)!;
  return {
    kind: 'Widget',
    group,
    version: storage.name,
    plural: 'widgets',
    singular: 'widget',
    shortNames: [],
    namespaced: true,
    categories: [],
    subresources: [],
    applyOrder: 50,
    alsoServed: versions.filter((v) => v.served && v !== storage).map((v) => v.name),
    listKind: 'WidgetList',
    custom: { crd: `widgets.${group}`, versions: versions.map((v) => ({ ...v, printerColumns: [], status: false })) },
  };
}

const WIDGET_SCHEMA = {
  type: 'object',
  description: 'A widget.',
  properties: {
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
    spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer' }, port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } },
  },
};

describe('built-in documents', () => {
  const kinds = new KindRegistry();
  const api = new OpenApi(kinds);

  it('serve a document per group/version with a schema for every kind, every $ref resolving', () => {
    const index = api.index() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths).sort()).toEqual(kinds.groupVersions().map(({ group, version }) => (group ? `apis/${group}/${version}` : `api/${version}`)).sort());
    for (const { group, version } of kinds.groupVersions()) {
      const key = group ? `apis/${group}/${version}` : `api/${version}`;
      expect(index.paths[key]!.serverRelativeURL).toBe(`/openapi/v3/${key}?hash=${api.document(key)!.hash}`);
      const doc = docOf(api, key);
      const schemas = doc.components.schemas as Record<string, Json>;
      for (const info of kinds.forGroupVersion(group, version)) {
        const gvk = { group, kind: info.kind, version };
        const named = Object.entries(schemas).filter(([, s]) => s['x-kubernetes-group-version-kind']?.some((g: Json) => JSON.stringify(g) === JSON.stringify(gvk)));
        expect(named.map(([n]) => n), `${key} ${info.kind}`).toHaveLength(1);
        const [, schema] = named[0]!;
        expect(schema.type).toBe('object');
        expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
        expect(schema.description, info.kind).toBeTruthy();
        // The list kind too.
        expect(Object.values(schemas).some((s) => s['x-kubernetes-group-version-kind']?.[0]?.kind === `${info.kind}List`)).toBe(true);
        // Operations for the verbs the kind allows, each tagged with the GVK (explain finds the kind through them).
        const ops = Object.values(doc.paths as Record<string, Json>).flatMap((p) => Object.entries(p)).filter(([, o]) => o['x-kubernetes-group-version-kind']?.kind === info.kind);
        const verbs = info.verbs ?? ['list', 'create', 'get', 'update', 'patch', 'delete'];
        const actions: Record<string, string> = { list: 'list', create: 'post', get: 'get', update: 'put', patch: 'patch', delete: 'delete' };
        expect(ops.map(([, o]) => o['x-kubernetes-action']).sort(), info.kind).toEqual(verbs.filter((v) => actions[v]).map((v) => actions[v]).sort());
        if (!verbs.includes('patch')) continue;
        // kubectl's fieldValidation probe: the PATCH operation tagged with the GVK declares the parameter.
        const patch = ops.find(([m]) => m === 'patch')![1];
        expect(patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
        // No strategic-merge request body: kubectl must not compute SMP from v3 (see openapi.ts).
        expect(patch.requestBody).toBeUndefined();
      }
      for (const r of refs(doc)) expect(schemas[r.replace('#/components/schemas/', '')], `${key}: ${r}`).toBeDefined();
    }
  });

  it('describe Deployment down to spec.strategy and the pod template, as kube-apiserver names them', () => {
    const doc = docOf(api, 'apis/apps/v1');
    const d = 'io.k8s.api.apps.v1.Deployment';
    expect(doc.components.schemas[d]['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const strategy = field(doc, d, 'spec.strategy');
    expect(strategy.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    expect(strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(field(doc, d, 'spec.strategy.type')).toMatchObject({ type: 'string', enum: ['Recreate', 'RollingUpdate'] });
    expect(field(doc, d, 'spec.strategy.rollingUpdate.maxSurge')).toMatchObject({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['x-kubernetes-int-or-string']).toBe(true);
    expect(field(doc, d, 'spec.replicas')).toMatchObject({ type: 'integer', format: 'int32' });
    expect(field(doc, d, 'spec.paused')).toMatchObject({ type: 'boolean' });
    expect(field(doc, d, 'metadata').allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(field(doc, d, 'metadata.labels')).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(field(doc, d, 'metadata.creationTimestamp')).toEqual({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' });
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(field(doc, d, 'spec.selector').allOf[0].$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
    const containers = field(doc, d, 'spec.template.spec.containers');
    expect(containers).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    });
    expect(doc.components.schemas['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(field(doc, d, 'spec.template.spec.containers.image')).toMatchObject({ type: 'string', description: expect.stringMatching(/Container image name/) });
    expect(field(doc, d, 'spec.template.spec.containers.resources.limits')).toEqual({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
    });
    expect(field(doc, d, 'status')).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('serve autoscaling/v1 HorizontalPodAutoscaler with its own v1 fields', () => {
    const doc = docOf(api, 'apis/autoscaling/v1');
    expect(field(doc, 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler', 'spec.targetCPUUtilizationPercentage')).toMatchObject({ type: 'integer', format: 'int32' });
    const v2 = docOf(api, 'apis/autoscaling/v2');
    expect(field(v2, 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', 'spec.metrics.type')).toMatchObject({ type: 'string' });
  });

  it('Swagger 2.0: definitions with #/definitions references, a plain $ref for fields, every reference resolving', () => {
    const v2 = JSON.parse(api.swagger().text) as Json;
    expect(v2.swagger).toBe('2.0');
    const strategy = v2.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy;
    expect(strategy).toMatchObject({ $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(strategy.allOf).toBeUndefined();
    expect(v2.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
    expect(v2.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf).toBeUndefined();
    for (const r of refs(v2.definitions)) expect(v2.definitions[r.replace('#/definitions/', '')], r).toBeDefined();
    const patch = v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.find((p: Json) => p.name === 'fieldValidation')).toMatchObject({ in: 'query', type: 'string' });
    expect(toV2({ allOf: [{ $ref: '#/components/schemas/X' }], description: 'd', nullable: true })).toEqual({ $ref: '#/definitions/X', description: 'd' });
  });

  it('Swagger 2.0 protobuf: a gnostic Document holding the same definitions', () => {
    const pb = api.swaggerProto().body;
    const top = decode(pb);
    expect(top.get(1)?.[0]?.toString()).toBe('2.0');
    const definitions = decode(top.get(9)![0]!).get(1)!;
    const names = definitions.map((named) => decode(named).get(1)![0]!.toString());
    expect(names).toEqual(Object.keys(JSON.parse(api.swagger().text).definitions));
    // Deployment's schema carries its GVK as a vendor extension whose value is YAML (JSON) text.
    const deployment = definitions.map((n) => decode(n)).find((n) => n.get(1)![0]!.toString() === 'io.k8s.api.apps.v1.Deployment')!;
    const ext = decode(deployment.get(2)![0]!).get(31)!.map((e) => decode(e));
    const gvk = ext.find((e) => e.get(1)![0]!.toString() === 'x-kubernetes-group-version-kind')!;
    expect(JSON.parse(decode(gvk.get(2)![0]!).get(2)![0]!.toString())).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  });
});

/** A minimal protobuf reader: field number → raw values (length-delimited as Buffers, varints as numbers). */
function decode(buf: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let pos = 0;
  const varint = () => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++]!;
      r |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return r;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    let v: Buffer;
    if (wire === 2) {
      const len = Number(varint());
      v = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 0) v = Buffer.from(String(varint()));
    else if (wire === 1) {
      v = buf.subarray(pos, pos + 8);
      pos += 8;
    } else throw new Error(`wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), v]);
  }
  return out;
}

describe('custom kinds and caching', () => {
  it('publishes each served CRD version as kube-apiserver does, and follows register/unregister', () => {
    const kinds = new KindRegistry();
    const api = new OpenApi(kinds);
    const before = api.index() as { paths: Record<string, { serverRelativeURL: string }> };
    const apps = api.document('apis/apps/v1');
    const schema = structuredClone(WIDGET_SCHEMA);
    kinds.register(
      widget([
        { name: 'v1', served: true, storage: true, schema },
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1alpha1', served: false, storage: false, schema },
      ]),
    );
    const after = api.index() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(after.paths)).toEqual(expect.arrayContaining(['apis/example.com/v1', 'apis/example.com/v1beta1']));
    expect(after.paths['apis/example.com/v1alpha1']).toBeUndefined();
    // Other documents are untouched, the same cached objects with the same hashes.
    expect(api.document('apis/apps/v1')).toBe(apps);
    expect(after.paths['apis/apps/v1']).toEqual(before.paths['apis/apps/v1']);

    const doc = docOf(api, 'apis/example.com/v1');
    const w = doc.components.schemas['com.example.v1.Widget'];
    expect(w['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    expect(w.description).toBe('A widget.');
    expect(w.properties.apiVersion.type).toBe('string');
    expect(w.properties.kind.type).toBe('string');
    expect(w.properties.metadata).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] });
    expect(w.properties.spec).toEqual(WIDGET_SCHEMA.properties.spec);
    expect(doc.components.schemas['com.example.v1.WidgetList']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'WidgetList', version: 'v1' }],
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/com.example.v1.Widget' } } },
    });
    for (const r of refs(doc)) expect(doc.components.schemas[r.replace('#/components/schemas/', '')], r).toBeDefined();
    expect(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
    });
    // The CRD's own schema is not modified.
    expect(schema).toEqual(WIDGET_SCHEMA);
    // A version without a schema keeps unknown fields.
    expect(docOf(api, 'apis/example.com/v1beta1').components.schemas['com.example.v1beta1.Widget']).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    // In Swagger 2.0, what 2.0 cannot say is dropped.
    const v2 = JSON.parse(api.swagger().text) as Json;
    expect(v2.definitions['com.example.v1.Widget'].properties.spec.properties.port).toEqual({ 'x-kubernetes-int-or-string': true });

    // A changed schema changes that document's hash only.
    const v1Hash = api.document('apis/example.com/v1')!.hash;
    kinds.register(widget([{ name: 'v1', served: true, storage: true, schema: { ...WIDGET_SCHEMA, description: 'Changed.' } }]));
    expect(api.document('apis/example.com/v1')!.hash).not.toBe(v1Hash);
    expect(api.document('apis/example.com/v1beta1')).toBeUndefined();
    expect(api.document('apis/apps/v1')).toBe(apps);

    kinds.unregister('Widget');
    expect(Object.keys((api.index() as Json).paths)).toEqual(Object.keys(before.paths));
  });

  it('rebuilds nothing while the registry generation stands still', () => {
    const kinds = new KindRegistry();
    const api = new OpenApi(kinds);
    const a = api.document('api/v1');
    const v2 = api.swagger();
    expect(api.document('api/v1')).toBe(a);
    expect(api.swagger()).toBe(v2);
    kinds.register(widget([{ name: 'v1', served: true, storage: true, schema: WIDGET_SCHEMA }]));
    expect(api.swagger()).not.toBe(v2);
    expect(api.document('api/v1')).toBe(a);
  });
});

describe('over HTTP', () => {
  const kinds = new KindRegistry();
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      try {
        serveOpenApi(kinds, req, res, url.pathname, url.searchParams);
      } catch (e) {
        const err = e as StatusError;
        res.writeHead(err.code ?? 500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(err.toStatus()));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers, redirect: 'manual' });

  it('the index revalidates by ETag; a document at its hash is immutable, at an old hash redirects', async () => {
    const index = await get('/openapi/v3');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache, private');
    const etag = index.headers.get('etag')!;
    expect((await get('/openapi/v3', { 'If-None-Match': etag })).status).toBe(304);
    const url = ((await index.json()) as Json).paths['apis/apps/v1'].serverRelativeURL as string;
    const d = await get(url);
    expect(d.status).toBe(200);
    expect(d.headers.get('cache-control')).toBe('public, immutable');
    expect(((await d.json()) as Json).components.schemas['io.k8s.api.apps.v1.Deployment']).toBeDefined();
    const stale = await get('/openapi/v3/apis/apps/v1?hash=0123');
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
    expect((await get('/openapi/v3/apis/apps/v1')).headers.get('cache-control')).toBe('no-cache, private');
    expect((await get('/openapi/v3/apis/nope/v1')).status).toBe(404);

    kinds.register(widget([{ name: 'v1', served: true, storage: true, schema: WIDGET_SCHEMA }]));
    expect((await get('/openapi/v3', { 'If-None-Match': etag })).status).toBe(200);
    kinds.unregister('Widget');
  });

  it('/openapi/v2: protobuf for client-go, JSON for JSON clients, 406 otherwise', async () => {
    const pb = await get('/openapi/v2', { Accept: PROTO_V2 });
    expect(pb.status).toBe(200);
    expect(pb.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(decode(Buffer.from(await pb.arrayBuffer())).get(1)![0]!.toString()).toBe('2.0');
    const json = await get('/openapi/v2', { Accept: 'application/json' });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(((await json.json()) as Json).swagger).toBe('2.0');
    expect((await get('/openapi/v2')).status).toBe(200);
    const refused = await get('/openapi/v2', { Accept: 'text/html' });
    expect(refused.status).toBe(406);
    expect(((await refused.json()) as Json).reason).toBe('NotAcceptable');
  });
});
