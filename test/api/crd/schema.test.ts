// The CRD schema engine: defaulting, pruning and OpenAPI value validation
// against kube-apiserver's behaviour and wording.
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../src/api/crd/schema/index.js';
import { formatFieldError, invalid } from '../../../src/api/errors.js';

type Obj = Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A CR schema with `spec` built from the given properties. */
function specSchema(properties: Obj, extra: Obj = {}): Obj {
  return { type: 'object', properties: { spec: { type: 'object', properties, ...extra } } };
}

const messages = (schema: Obj, obj: Obj, old?: Obj) => compileSchema(schema).validate(obj, old).map(formatFieldError);

describe('applyDefaults', () => {
  const cases: Array<{ name: string; schema: Obj; obj: Obj; want: Obj }> = [
    {
      name: 'missing scalar property',
      schema: specSchema({ replicas: { type: 'integer', default: 1 } }),
      obj: { spec: {} },
      want: { spec: { replicas: 1 } },
    },
    {
      name: 'existing values are kept',
      schema: specSchema({ replicas: { type: 'integer', default: 1 } }),
      obj: { spec: { replicas: 5 } },
      want: { spec: { replicas: 5 } },
    },
    {
      name: 'absent parent object is not created',
      schema: specSchema({ replicas: { type: 'integer', default: 1 } }),
      obj: {},
      want: {},
    },
    {
      name: 'defaulted object gets its own nested defaults',
      schema: specSchema({
        strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'RollingUpdate' }, maxSurge: { type: 'integer', default: 1 } } },
      }),
      obj: { spec: {} },
      want: { spec: { strategy: { type: 'RollingUpdate', maxSurge: 1 } } },
    },
    {
      name: 'arrays of objects default each item',
      schema: specSchema({
        ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } } } },
      }),
      obj: { spec: { ports: [{ name: 'a' }, { name: 'b', protocol: 'UDP' }] } },
      want: { spec: { ports: [{ name: 'a', protocol: 'TCP' }, { name: 'b', protocol: 'UDP' }] } },
    },
    {
      name: 'additionalProperties values',
      schema: specSchema({ limits: { type: 'object', additionalProperties: { type: 'object', properties: { max: { type: 'integer', default: 10 } } } } }),
      obj: { spec: { limits: { cpu: {}, mem: { max: 2 } } } },
      want: { spec: { limits: { cpu: { max: 10 }, mem: { max: 2 } } } },
    },
    {
      name: 'non-nullable null is replaced by the default',
      schema: specSchema({ mode: { type: 'string', default: 'auto' } }),
      obj: { spec: { mode: null } },
      want: { spec: { mode: 'auto' } },
    },
    {
      name: 'nullable null is kept',
      schema: specSchema({ mode: { type: 'string', nullable: true, default: 'auto' } }),
      obj: { spec: { mode: null } },
      want: { spec: { mode: null } },
    },
    {
      name: 'null array items take the items default',
      schema: specSchema({ xs: { type: 'array', items: { type: 'object', default: { a: 1 }, properties: { a: { type: 'integer' } } } } }),
      obj: { spec: { xs: [null, { a: 2 }] } },
      want: { spec: { xs: [{ a: 1 }, { a: 2 }] } },
    },
    {
      name: 'embedded resources are defaulted like any object',
      schema: specSchema({
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { restartPolicy: { type: 'string', default: 'Always' } } } },
        },
      }),
      obj: { spec: { template: { apiVersion: 'v1', kind: 'Pod', spec: {} } } },
      want: { spec: { template: { apiVersion: 'v1', kind: 'Pod', spec: { restartPolicy: 'Always' } } } },
    },
    {
      name: 'defaults inside preserve-unknown-fields objects',
      schema: specSchema({ cfg: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { level: { type: 'string', default: 'info' } } } }),
      obj: { spec: { cfg: { other: true } } },
      want: { spec: { cfg: { other: true, level: 'info' } } },
    },
  ];
  it.each(cases)('$name', ({ schema, obj, want }) => {
    const o = clone(obj);
    compileSchema(schema).applyDefaults(o);
    expect(o).toEqual(want);
  });

  it('deep-copies defaults so objects never share them', () => {
    const schema = specSchema({ tags: { type: 'array', items: { type: 'string' }, default: ['a'] } });
    const c = compileSchema(schema);
    const a: Obj = { spec: {} };
    const b: Obj = { spec: {} };
    c.applyDefaults(a);
    c.applyDefaults(b);
    ((a.spec as Obj).tags as string[]).push('x');
    expect((b.spec as Obj).tags).toEqual(['a']);
  });
});

describe('prune', () => {
  const cases: Array<{ name: string; schema: Obj; obj: Obj; want: Obj; paths: string[] }> = [
    {
      name: 'unknown fields at every level, sorted paths',
      schema: specSchema({ a: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } }),
      obj: { spec: { a: 'x', foo: 1, items: [{ name: 'n', bar: 2 }, { baz: { deep: 1 } }] }, status: { x: 1 } },
      want: { spec: { a: 'x', items: [{ name: 'n' }, {}] } },
      paths: ['spec.foo', 'spec.items[0].bar', 'spec.items[1].baz', 'status'],
    },
    {
      name: 'apiVersion, kind and metadata at the root are kept; metadata is reduced to ObjectMeta',
      schema: specSchema({}),
      obj: { apiVersion: 'example.com/v1', kind: 'Foo', metadata: { name: 'x', labels: { a: 'b' }, bogus: true }, spec: {} },
      want: { apiVersion: 'example.com/v1', kind: 'Foo', metadata: { name: 'x', labels: { a: 'b' } }, spec: {} },
      paths: ['metadata.bogus'],
    },
    {
      name: 'preserve-unknown-fields on spec keeps unknowns but prunes below known fields',
      schema: specSchema({ known: { type: 'object', properties: { a: { type: 'string' } } } }, { 'x-kubernetes-preserve-unknown-fields': true }),
      obj: { spec: { anything: { goes: 1 }, known: { a: 'x', b: 'y' } } },
      want: { spec: { anything: { goes: 1 }, known: { a: 'x' } } },
      paths: ['spec.known.b'],
    },
    {
      name: 'preserve-unknown-fields at the root',
      schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
      obj: { spec: { a: 'x', b: 1 }, other: { z: 1 } },
      want: { spec: { a: 'x' }, other: { z: 1 } },
      paths: ['spec.b'],
    },
    {
      name: 'preserve-unknown-fields deep inside an array',
      schema: specSchema({ xs: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }),
      obj: { spec: { xs: [{ free: 1 }], y: 2 } },
      want: { spec: { xs: [{ free: 1 }] } },
      paths: ['spec.y'],
    },
    {
      name: 'embedded resources keep apiVersion/kind/metadata, prune the rest',
      schema: specSchema({
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } } },
      }),
      obj: { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { image: 'i', extra: 1 }, other: 1 } } },
      want: { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { image: 'i' } } } },
      paths: ['spec.template.other', 'spec.template.spec.extra', 'spec.template.metadata.junk'],
    },
    {
      name: 'additionalProperties schemas prune inside map values',
      schema: specSchema({ m: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'integer' } } } } }),
      obj: { spec: { m: { k1: { v: 1, w: 2 } } } },
      want: { spec: { m: { k1: { v: 1 } } } },
      paths: ['spec.m.k1.w'],
    },
    {
      name: 'an object with no properties loses all fields',
      schema: specSchema({ empty: { type: 'object' } }),
      obj: { spec: { empty: { a: 1, b: 2 } } },
      want: { spec: { empty: {} } },
      paths: ['spec.empty.a', 'spec.empty.b'],
    },
    {
      name: 'nulls of non-nullable fields without default are dropped (not reported)',
      schema: specSchema({ a: { type: 'string' }, b: { type: 'string', nullable: true }, c: { type: 'string', default: 'x' } }),
      obj: { spec: { a: null, b: null, c: null } },
      want: { spec: { b: null, c: null } },
      paths: [],
    },
  ];
  it.each(cases)('$name', ({ schema, obj, want, paths }) => {
    const o = clone(obj);
    expect(compileSchema(schema).prune(o)).toEqual(paths);
    expect(o).toEqual(want);
  });
});

describe('validate: OpenAPI keywords', () => {
  const cases: Array<{ name: string; props: Obj; spec: unknown; want: string[] }> = [
    { name: 'maximum', props: { replicas: { type: 'integer', maximum: 10 } }, spec: { replicas: 11 }, want: ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'] },
    {
      name: 'exclusiveMaximum',
      props: { replicas: { type: 'integer', maximum: 10, exclusiveMaximum: true } },
      spec: { replicas: 10 },
      want: ['spec.replicas: Invalid value: 10: spec.replicas in body should be less than 10'],
    },
    { name: 'minimum', props: { r: { type: 'number', minimum: 0.5 } }, spec: { r: 0.25 }, want: ['spec.r: Invalid value: 0.25: spec.r in body should be greater than or equal to 0.5'] },
    { name: 'exclusiveMinimum', props: { r: { type: 'integer', minimum: 0, exclusiveMinimum: true } }, spec: { r: 0 }, want: ['spec.r: Invalid value: 0: spec.r in body should be greater than 0'] },
    { name: 'float bounds print like Go', props: { r: { type: 'number', maximum: 1000000 } }, spec: { r: 1000000.5 }, want: ['spec.r: Invalid value: 1.0000005e+06: spec.r in body should be less than or equal to 1e+06'] },
    { name: 'multipleOf', props: { n: { type: 'integer', multipleOf: 5 } }, spec: { n: 12 }, want: ['spec.n: Invalid value: 12: spec.n in body should be a multiple of 5'] },
    { name: 'multipleOf with a fraction', props: { n: { type: 'number', multipleOf: 0.1 } }, spec: { n: 0.3 }, want: [] },
    {
      name: 'type integer',
      props: { count: { type: 'integer' } },
      spec: { count: 'string' },
      want: ['spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"'],
    },
    { name: 'integer rejects fractions', props: { count: { type: 'integer' } }, spec: { count: 1.5 }, want: ['spec.count: Invalid value: "number": spec.count in body must be of type integer: "number"'] },
    { name: 'number accepts integers', props: { r: { type: 'number' } }, spec: { r: 3 }, want: [] },
    { name: 'type boolean', props: { b: { type: 'boolean' } }, spec: { b: 'yes' }, want: ['spec.b: Invalid value: "string": spec.b in body must be of type boolean: "string"'] },
    { name: 'type object', props: { o: { type: 'object' } }, spec: { o: [1] }, want: ['spec.o: Invalid value: "array": spec.o in body must be of type object: "array"'] },
    { name: 'type array', props: { a: { type: 'array', items: { type: 'string' } } }, spec: { a: 'x' }, want: ['spec.a: Invalid value: "string": spec.a in body must be of type array: "string"'] },
    { name: 'null in a non-nullable field', props: { s: { type: 'string' } }, spec: { s: null }, want: ['spec.s: Invalid value: "null": spec.s in body must be of type string: "null"'] },
    { name: 'nullable', props: { s: { type: 'string', nullable: true } }, spec: { s: null }, want: [] },
    { name: 'int-or-string accepts both', props: { p: { 'x-kubernetes-int-or-string': true } }, spec: { p: 8080 }, want: [] },
    {
      name: 'int-or-string rejects others',
      props: { p: { 'x-kubernetes-int-or-string': true } },
      spec: { p: true },
      want: ['spec.p: Invalid value: "boolean": spec.p in body must be of type integer,string: "boolean"'],
    },
    { name: 'required', props: { name: { type: 'string' } }, spec: {}, want: [] },
    {
      name: 'enum',
      props: { size: { type: 'string', enum: ['small', 'large'] } },
      spec: { size: 'huge' },
      want: ['spec.size: Unsupported value: "huge": supported values: "small", "large"'],
    },
    { name: 'numeric enum', props: { n: { type: 'integer', enum: [1, 2] } }, spec: { n: 3 }, want: ['spec.n: Unsupported value: 3: supported values: "1", "2"'] },
    { name: 'maxLength', props: { s: { type: 'string', maxLength: 3 } }, spec: { s: 'abcd' }, want: ['spec.s: Too long: may not be longer than 3'] },
    { name: 'maxLength counts characters', props: { s: { type: 'string', maxLength: 3 } }, spec: { s: 'äöü' }, want: [] },
    { name: 'minLength', props: { s: { type: 'string', minLength: 2 } }, spec: { s: 'a' }, want: ['spec.s: Invalid value: "a": spec.s in body should be at least 2 chars long'] },
    { name: 'pattern', props: { s: { type: 'string', pattern: '^[a-z]+$' } }, spec: { s: 'A1' }, want: ["spec.s: Invalid value: \"A1\": spec.s in body should match '^[a-z]+$'"] },
    { name: 'RE2 pattern syntax', props: { s: { type: 'string', pattern: '(?i)^\\pL+\\z' } }, spec: { s: 'Äbc' }, want: [] },
    { name: 'format date-time', props: { t: { type: 'string', format: 'date-time' } }, spec: { t: 'yesterday' }, want: ['spec.t: Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"'] },
    { name: 'format date-time ok', props: { t: { type: 'string', format: 'date-time' } }, spec: { t: '2024-02-29T10:00:00Z' }, want: [] },
    { name: 'format uuid', props: { u: { type: 'string', format: 'uuid' } }, spec: { u: 'nope' }, want: ['spec.u: Invalid value: "nope": spec.u in body must be of type uuid: "nope"'] },
    { name: 'format ipv4', props: { ip: { type: 'string', format: 'ipv4' } }, spec: { ip: '10.0.0.256' }, want: ['spec.ip: Invalid value: "10.0.0.256": spec.ip in body must be of type ipv4: "10.0.0.256"'] },
    { name: 'format cidr/duration/quantity ok', props: { c: { type: 'string', format: 'cidr' }, d: { type: 'string', format: 'duration' }, q: { type: 'string', format: 'quantity' } }, spec: { c: '10.0.0.0/8', d: '1h30m', q: '500Mi' }, want: [] },
    { name: 'unknown formats are not checked', props: { s: { type: 'string', format: 'my-format' } }, spec: { s: '!!' }, want: [] },
    { name: 'minItems', props: { a: { type: 'array', minItems: 1, items: { type: 'string' } } }, spec: { a: [] }, want: ['spec.a: Invalid value: 0: spec.a in body should have at least 1 items'] },
    { name: 'maxItems', props: { a: { type: 'array', maxItems: 2, items: { type: 'string' } } }, spec: { a: ['a', 'b', 'c'] }, want: ['spec.a: Too many: 3: must have at most 2 items'] },
    { name: 'uniqueItems', props: { a: { type: 'array', uniqueItems: true, items: { type: 'integer' } } }, spec: { a: [1, 2, 1] }, want: ['spec.a: Invalid value: "": spec.a in body shouldn\'t contain duplicates'] },
    {
      name: 'items are validated with indexed paths',
      props: { a: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } } } },
      spec: { a: [{ n: 1 }, { n: 0 }] },
      want: ['spec.a[1].n: Invalid value: 0: spec.a[1].n in body should be greater than or equal to 1'],
    },
    { name: 'minProperties', props: { m: { type: 'object', minProperties: 2, additionalProperties: { type: 'string' } } }, spec: { m: { a: 'x' } }, want: ['spec.m: Invalid value: 1: spec.m in body should have at least 2 properties'] },
    { name: 'maxProperties', props: { m: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } } }, spec: { m: { a: 'x', b: 'y' } }, want: ['spec.m: Too many: 2: must have at most 1 items'] },
    {
      name: 'additionalProperties schema',
      props: { m: { type: 'object', additionalProperties: { type: 'integer' } } },
      spec: { m: { a: 1, b: 'x' } },
      want: ['spec.m.b: Invalid value: "string": spec.m.b in body must be of type integer: "string"'],
    },
    { name: 'additionalProperties false', props: { m: { type: 'object', additionalProperties: false } }, spec: { m: { a: 1 } }, want: ['spec.m: Invalid value: "a": spec.m.a in body is a forbidden property'] },
    {
      name: 'anyOf',
      props: { v: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] } },
      spec: { v: {} },
      want: ['<nil>: Invalid value: "": "spec.v" must validate at least one schema (anyOf)', 'spec.v.a: Required value'],
    },
    {
      name: 'oneOf with two matches',
      props: { v: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] } },
      spec: { v: { a: 'x', b: 'y' } },
      want: ['<nil>: Invalid value: "": "spec.v" must validate one and only one schema (oneOf). Found 2 valid alternatives'],
    },
    {
      name: 'allOf',
      props: { n: { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 5 }] } },
      spec: { n: 7 },
      want: ['spec.n: Invalid value: 7: spec.n in body should be less than or equal to 5', '<nil>: Invalid value: "": "spec.n" must validate all the schemas (allOf)'],
    },
    { name: 'not', props: { s: { type: 'string', not: { enum: ['forbidden'] } } }, spec: { s: 'forbidden' }, want: ['<nil>: Invalid value: "": "spec.s" must not validate the schema (not)'] },
    {
      name: 'several errors keep kube-openapi order (type, then per-keyword validators, then properties)',
      props: { s: { type: 'string', maxLength: 2, enum: ['a'] } },
      spec: { s: 'abc' },
      want: ['spec.s: Too long: may not be longer than 2', 'spec.s: Unsupported value: "abc": supported values: "a"'],
    },
  ];
  it.each(cases)('$name', ({ props, spec, want }) => {
    expect(messages(specSchema(props), { spec })).toEqual(want);
  });

  it('required properties', () => {
    expect(messages(specSchema({ name: { type: 'string' } }, { required: ['name'] }), { spec: {} })).toEqual(['spec.name: Required value']);
    expect(messages({ type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } }, {})).toEqual(['spec: Required value']);
  });

  it('renders through invalid() exactly like kube-apiserver', () => {
    const errs = compileSchema(specSchema({ replicas: { type: 'integer', maximum: 10 } })).validate({ spec: { replicas: 11 } });
    expect(invalid('Foo', 'x', errs).message).toBe('Foo "x" is invalid: spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
  });

  it('embedded resources need apiVersion and kind and valid metadata', () => {
    const schema = specSchema({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } });
    expect(messages(schema, { spec: { template: { metadata: { name: 'a/b' } } } })).toEqual([
      'spec.template.apiVersion: Required value',
      'spec.template.kind: Required value',
      'spec.template.metadata.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
    expect(messages(schema, { spec: { template: { apiVersion: 'a/b/c', kind: 'My_Kind' } } })).toEqual([
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      expect.stringMatching(/^spec\.template\.kind: Invalid value: "My_Kind": may have mixed case, but should otherwise match: /),
    ]);
    expect(messages(schema, { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' } } } } })).toEqual([]);
  });

  it('preserve-unknown-fields values are not validated beyond their schema', () => {
    const schema = specSchema({ cfg: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } } });
    expect(messages(schema, { spec: { cfg: { anything: [1, 'x'], n: 1 } } })).toEqual([]);
    expect(messages(schema, { spec: { cfg: { n: 'x' } } })).toEqual(['spec.cfg.n: Invalid value: "string": spec.cfg.n in body must be of type integer: "string"']);
  });
});

describe('validate: list types', () => {
  const schema = specSchema({
    tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    objs: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'integer' } } } },
    ports: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
    },
    routes: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['host', 'path'],
      items: { type: 'object', properties: { host: { type: 'string' }, path: { type: 'string' } } },
    },
  });
  const cases: Array<{ name: string; spec: Obj; want: string[] }> = [
    { name: 'set of scalars', spec: { tags: ['a', 'b', 'a', 'a'] }, want: ['spec.tags[2]: Duplicate value: "a"'] },
    { name: 'set of objects', spec: { objs: [{ a: 1 }, { a: 1 }] }, want: ['spec.objs[1]: Duplicate value: map[string]interface {}{"a":1}'] },
    { name: 'map with one key', spec: { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }, want: ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}'] },
    { name: 'map with a missing key', spec: { ports: [{ port: 80 }, { port: 81 }] }, want: ['spec.ports[1]: Duplicate value: map[string]interface {}{}'] },
    {
      name: 'map with two keys',
      spec: { routes: [{ host: 'a', path: '/' }, { host: 'a', path: '/x' }, { host: 'a', path: '/' }] },
      want: ['spec.routes[2]: Duplicate value: map[string]interface {}{"host":"a", "path":"/"}'],
    },
    { name: 'unique lists pass', spec: { tags: ['a', 'b'], ports: [{ name: 'a' }, { name: 'b' }] }, want: [] },
  ];
  it.each(cases)('$name', ({ spec, want }) => {
    expect(messages(schema, { spec })).toEqual(want);
  });

  it('on update, duplicates are only enforced when the old object had none', () => {
    const old = { spec: { tags: ['a', 'a'] } };
    expect(messages(schema, { spec: { tags: ['a', 'a', 'b'] } }, old)).toEqual([]);
    expect(messages(schema, { spec: { tags: ['a', 'a'] } }, { spec: { tags: ['a'] } })).toEqual(['spec.tags[1]: Duplicate value: "a"']);
  });
});

describe('validate: ratcheting on update', () => {
  const schema = specSchema({ name: { type: 'string', maxLength: 3 }, other: { type: 'string' } });
  it('unchanged invalid values are allowed, changed ones are not', () => {
    const old = { spec: { name: 'toolong', other: 'a' } };
    expect(messages(schema, { spec: { name: 'toolong', other: 'b' } }, old)).toEqual([]);
    expect(messages(schema, { spec: { name: 'toolong2', other: 'a' } }, old)).toEqual(['spec.name: Too long: may not be longer than 3']);
    expect(messages(schema, { spec: { name: 'toolong', other: 'b' } })).toEqual(['spec.name: Too long: may not be longer than 3']);
  });
});

describe('compileSchema', () => {
  it('compiles each schema object once', () => {
    const schema = specSchema({ a: { type: 'string' } });
    const first = compileSchema(schema);
    expect(compileSchema(schema)).toBe(first);
    expect(compileSchema(clone(schema))).not.toBe(first);
  });
});
