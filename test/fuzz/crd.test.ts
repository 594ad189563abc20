// CustomResourceDefinitions and custom resources under random input:
// (a) a random CRD-shaped object (junk in names, versions, schemas, wrong
//     types, missing fields) is either created or refused with a StatusError
//     (400/422) whose message names a field — never a crash — and a refused
//     create leaves the store exactly as it was;
// (b) a random custom-resource body for the Widget and Certificate CRDs is
//     either stored, and then satisfies its schema (re-validating the stored
//     object finds nothing, nothing in it is unknown to the schema, the status
//     a create may not set is gone), or refused with 400/422 naming a field path;
// (c) random create/delete/rename of CRDs, create/delete of their objects and
//     of a namespace holding some, through the whole control plane, never
//     leave an object of a kind whose CRD is gone, nor one in a namespace that
//     is gone, nor a kind served without its CRD, once settled.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { kindFromCrd, requestedNames } from '../../src/api/crd/kind-from-crd.js';
import { servedCustomVersion } from '../../src/api/custom-resources.js';
import { checkFieldTypes } from '../../src/api/validation/index.js';
import { compileSchema } from '../../src/api/crd/schema/index.js';
import { StatusError } from '../../src/api/errors.js';
import { KINDS, KindRegistry } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { certificate, certificateCrd, widgetCrd } from '../controllers/crd-fixtures.js';
import { setup, type Harness } from '../controllers/harness.js';
import { namesConflict } from '../../src/controllers/crd.js';
import { CaseCounter, describeCrash, junkValues, paths, setAt as setPath } from './helpers.js';

const CRD = 'CustomResourceDefinition';
const BUILTIN = new Set(KINDS.map((k) => k.kind));

// ---- shared generators --------------------------------------------------------

const junk = junkValues({ maxString: 6, double: true, more: [fc.constant('__proto__'), fc.constant('1e999999'), fc.jsonValue({ maxDepth: 3 })] });
/** Junk at a path; a removed list item closes the list up. */
const setAt = (o: Record<string, unknown>, path: (string | number)[], value: unknown) => setPath(o, path, value, true);

/** Objects (not arrays) inside `v`, with their paths; the root is `[]`. */
function objectPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'object' && v !== null) {
    if (!Array.isArray(v)) out.push(prefix);
    for (const [k, x] of Object.entries(v)) objectPaths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  }
  return out;
}

type Edit = { kind: 'set'; at: number; value: unknown } | { kind: 'add'; at: number; key: string; value: unknown };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.option(junk, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('extra', 'x-kubernetes-bogus', 'type', 'default', 'status'), fc.string({ maxLength: 5 })), value: junk }) },
);

/** A copy of `base` with each edit applied: a path replaced by junk, removed, or a new key added to some object. */
function corrupt<T>(base: T, edits: Edit[], skip: (path: (string | number)[]) => boolean = () => false): T {
  const o = structuredClone(base) as Record<string, unknown>;
  for (const e of edits) {
    if (e.kind === 'set') {
      const ps = paths(o).filter((p) => !skip(p));
      if (ps.length) setAt(o, ps[e.at % ps.length], structuredClone(e.value));
    } else {
      const ps = objectPaths(o).filter((p) => !skip(p));
      if (!ps.length) continue;
      const p = ps[e.at % ps.length];
      let cur: any = o;
      for (const k of p) cur = cur[k];
      if (e.key !== '__proto__') cur[e.key] = structuredClone(e.value);
    }
  }
  return o as T;
}

/** A thrown value that is not a StatusError is a crash: its first stack line in our code says where. */
function crashWhere(e: unknown): string {
  const where = String((e as Error)?.stack ?? '').split('\n').find((l) => l.includes('/src/') || l.includes('/state/')) ?? '';
  return `${(e as Error)?.name}: ${(e as Error)?.message} ${where.trim()}`;
}

/**
 * The refusal names what is wrong: a 422 lists causes that each name a field
 * (a non-empty path that the message repeats); a 400 says which part of the
 * request it could not take.
 */
function expectNamesAField(e: StatusError, body?: KubeObject): void {
  // A namespace that does not exist is Kubernetes' 404, when the body names one (as a string).
  const missingNs = /^namespaces "(.*)" not found$/.exec(e.message)?.[1];
  if (e.code === 404 && missingNs !== undefined && body?.metadata?.namespace === missingNs) return;
  expect([400, 422]).toContain(e.code);
  expect(e.message.length).toBeGreaterThan(0);
  // validateCrd turns an exception of its own into an error on field '': a crash in disguise.
  expect(e.message).not.toMatch(/could not be validated/);
  if (e.code === 422) {
    const causes = e.details?.causes ?? [];
    expect(causes.length).toBeGreaterThan(0);
    for (const c of causes) {
      expect(c.field ?? '').not.toBe('');
      expect(e.message).toContain(c.field);
    }
  } else {
    // `no kind "X" is registered for version "Y"`, `strict decoding error: unknown field "spec.x"`, `json: cannot unmarshal … field …`
    expect(e.message).toMatch(/kind|version|field|metadata|spec|apiVersion|object/i);
  }
}

/** Everything in the store, as text: the before/after check for "nothing stored partially". */
function dump(store: MemoryStore): string {
  const parts = [store.resourceVersion()];
  for (const kind of store.kinds().sort()) parts.push(JSON.stringify(store.list(kind).items));
  return parts.join('\n');
}

// ---- (a) random CRDs ------------------------------------------------------------

/** Junk now and then in place of a well-formed value. */
const orJunk = <T>(a: fc.Arbitrary<T>, weight = 15): fc.Arbitrary<unknown> => fc.oneof({ weight, arbitrary: a as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });

/** CEL rules that fit a node of each type (they compile), plus ones that do not. */
const RULES: Record<string, string[]> = {
  object: ['has(self.a) || !has(self.b)', 'self == oldSelf', '!has(self.a) || self.a == self.a', 'size(self) <= 3', 'has(self.spec)'],
  array: ['size(self) <= 3', 'self.all(x, x == x)', 'self == oldSelf', 'self.exists(x, true) || size(self) == 0'],
  string: ["self.startsWith('a') || self == ''", 'self.size() < 5', 'self == oldSelf', "self.matches('^[a-z]*$')", 'self.lowerAscii() == self'],
  integer: ['self >= 0', 'self % 2 == 0', 'self == oldSelf', 'self < 1000', 'oldSelf <= self'],
  number: ['self >= 0.0', 'self == oldSelf'],
  boolean: ['self || !self', 'self == oldSelf'],
};
const BAD_RULES = ['))((', '', 'self.', 'self.nope.nope', '1 / 0 == 1', 'int("x") == 1', 'oldSelf.x + 1', 'self + 1', 'nosuchvar', "'a' + 1 == 2", 'self.matches("(")'];
const KEY = fc.oneof(fc.constantFrom('spec', 'a', 'b', 'replicas', 'x', 'metadata', 'items', 'self'), fc.string({ maxLength: 4 }));
type SchemaNode = Record<string, unknown>;

/** Structural schemas that follow the rules (keywords fit their type, rules compile): CRDs with them are mostly accepted. */
const { node: validSchemaNode } = fc.letrec<{ node: SchemaNode; object: SchemaNode; map: SchemaNode; array: SchemaNode; string: SchemaNode; integer: SchemaNode; other: SchemaNode }>((tie) => {
  const rules = (type: string) => fc.option(fc.array(fc.record({ rule: fc.constantFrom(...RULES[type]), message: fc.string({ maxLength: 8 }) }, { requiredKeys: ['rule'] }), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 });
  const opt = { requiredKeys: ['type'] as ['type'] };
  return {
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('string'), tie('integer'), tie('other'), tie('object'), tie('map'), tie('array')),
    object: fc
      .record({ type: fc.constant('object'), properties: fc.dictionary(KEY, tie('node'), { minKeys: 1, maxKeys: 3 }), 'x-kubernetes-validations': rules('object'), nullable: fc.boolean() }, { requiredKeys: ['type', 'properties'] })
      .chain((o) => fc.subarray(Object.keys(o.properties as object), { maxLength: 1 }).map((required) => (required.length ? { ...o, required } : o))),
    map: fc.record({ type: fc.constant('object'), additionalProperties: tie('node'), maxProperties: fc.integer({ min: 0, max: 4 }) }, { requiredKeys: ['type', 'additionalProperties'] }),
    array: fc.record({ type: fc.constant('array'), items: tie('node'), maxItems: fc.integer({ min: 0, max: 4 }), 'x-kubernetes-list-type': fc.constant('atomic'), 'x-kubernetes-validations': rules('array') }, { requiredKeys: ['type', 'items'] }),
    // One constraint family per string, so random values can satisfy it.
    string: fc.tuple(
      fc.oneof(
        fc.constant({}),
        fc.record({ maxLength: fc.integer({ min: 1, max: 6 }) }),
        fc.record({ pattern: fc.constantFrom('^[a-z]*$', '^\\d+$', 'x') }),
        fc.record({ enum: fc.array(fc.constantFrom('a', 'b', 'abc', ''), { minLength: 1, maxLength: 3 }) }),
        fc.record({ format: fc.constantFrom('date-time', 'byte', 'duration', 'uuid') }),
      ),
      fc.record({ default: fc.constantFrom('a', 'abc', '2026-01-01T00:00:00Z'), 'x-kubernetes-validations': rules('string') }, { requiredKeys: [] }),
    ).map(([constraint, rest]) => ({ type: 'string', ...constraint, ...rest })),
    integer: fc.record({ type: fc.constant('integer'), minimum: fc.integer({ min: -2, max: 2 }), maximum: fc.integer({ min: 3, max: 100 }), format: fc.constantFrom('int32', 'int64'), default: fc.integer({ min: -3, max: 5 }), 'x-kubernetes-validations': rules('integer') }, opt),
    other: fc.oneof(
      fc.record({ type: fc.constant('boolean'), default: fc.boolean(), 'x-kubernetes-validations': rules('boolean') }, opt),
      fc.record({ type: fc.constant('number'), minimum: fc.constant(0), 'x-kubernetes-validations': rules('number') }, opt),
      fc.constant({ 'x-kubernetes-int-or-string': true }),
      fc.constant({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
    ),
  };
});

/**
 * Random CRDs. `clean`: every field of the right JSON type and the version
 * list well-formed (one storage version, distinct names), so most get past
 * decoding and the schema rules are what is exercised; otherwise junk may
 * appear anywhere, as a hostile client would send it.
 */
function randomCrdArb(clean: boolean): fc.Arbitrary<KubeObject> {
  const j = <T>(a: fc.Arbitrary<T>, weight?: number): fc.Arbitrary<unknown> => (clean ? (a as fc.Arbitrary<unknown>) : orJunk(a, weight));
  const ruleFor = (type: string) =>
    fc.record(
      {
        rule: clean ? fc.constantFrom(...(RULES[type] ?? ['true'])) : fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(RULES[type] ?? ['true'])) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_RULES) }, { weight: 1, arbitrary: junk }),
        message: j(fc.string({ maxLength: 8 })),
        messageExpression: j(fc.constantFrom('"x"', "'bad: ' + string(self)", '1 +')),
        reason: j(fc.constantFrom('FieldValueInvalid', 'FieldValueForbidden', 'Bogus')),
        fieldPath: j(fc.constantFrom('.a', '.spec', "['a']", '..', 'x')),
        optionalOldSelf: j(fc.boolean()),
      },
      { requiredKeys: ['rule'] },
    );
  const validations = (type: string) => fc.option(fc.array(ruleFor(type), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 });

  /** Mostly well-formed structural schema nodes of every type, with their keywords, CEL rules and Kubernetes extensions. */
  const { node: schemaNode } = fc.letrec<{ node: SchemaNode; object: SchemaNode; array: SchemaNode; scalar: SchemaNode }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('object'), tie('array')),
    object: fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(KEY, tie('node'), { maxKeys: 3 }),
        additionalProperties: fc.oneof(fc.boolean(), tie('node')),
        required: fc.array(fc.constantFrom('a', 'b', 'spec', 'replicas', ''), { maxLength: 2 }),
        maxProperties: fc.integer({ min: 0, max: 4 }),
        nullable: fc.boolean(),
        default: fc.jsonValue({ maxDepth: 1 }),
        'x-kubernetes-preserve-unknown-fields': fc.boolean(),
        'x-kubernetes-embedded-resource': fc.boolean(),
        'x-kubernetes-map-type': fc.constantFrom('atomic', 'granular', 'bogus'),
        'x-kubernetes-validations': validations('object'),
      },
      { requiredKeys: ['type'] },
    ),
    array: fc.record(
      {
        type: fc.constant('array'),
        items: tie('node'),
        maxItems: fc.integer({ min: -1, max: 5 }),
        minItems: fc.integer({ min: 0, max: 2 }),
        nullable: fc.boolean(),
        default: fc.jsonValue({ maxDepth: 1 }),
        'x-kubernetes-list-type': fc.constantFrom('atomic', 'set', 'map', 'bogus'),
        'x-kubernetes-list-map-keys': fc.array(fc.constantFrom('name', 'a', ''), { maxLength: 2 }),
        'x-kubernetes-validations': validations('array'),
      },
      { requiredKeys: ['type', 'items'] },
    ),
    scalar: fc.constantFrom('string', 'integer', 'number', 'boolean').chain((type) =>
      fc.record(
        {
          type: fc.constant(type),
          enum: fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 5 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
          default: fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 5 }), fc.boolean(), fc.double(), fc.constant(null)),
          nullable: fc.boolean(),
          minimum: fc.integer({ min: -3, max: 3 }),
          maximum: fc.integer({ min: -3, max: 3 }),
          exclusiveMinimum: fc.boolean(),
          multipleOf: fc.constantFrom(0, 2, 0.5, -1),
          maxLength: fc.integer({ min: -1, max: 5 }),
          minLength: fc.integer({ min: 0, max: 2 }),
          pattern: fc.constantFrom('^[a-z]+$', '(', '[', '\\p{L}+', '(?<x>a)', '(?=a)', 'a{2,1}', '\\d'),
          format: fc.constantFrom('date-time', 'date', 'int32', 'int64', 'uuid', 'byte', 'duration', 'email', 'bogus'),
          'x-kubernetes-int-or-string': fc.boolean(),
          'x-kubernetes-validations': validations(type),
        },
        { requiredKeys: ['type'] },
      ),
    ),
  }));
  /** A schema node, in the hostile variant with 1–2 random paths replaced by junk, removed, or a key added. */
  const schemaish = clean ? validSchemaNode : fc.tuple(schemaNode, fc.oneof({ weight: 3, arbitrary: fc.constant<Edit[]>([]) }, { weight: 1, arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }) })).map(([n, e]) => corrupt(n, e));
  /** Schemas: usually object-rooted with a spec and status, as CRDs have them; sometimes anything. */
  const rootSchema = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(schemaish, schemaish).map(([spec, status]) => ({ type: 'object', properties: { spec, status } })) },
    ...(clean ? [] : [{ weight: 1, arbitrary: schemaish }, { weight: 1, arbitrary: junk }]),
  );

  const version = fc.record(
    {
      name: j(fc.constantFrom('v1', 'v1', 'v1beta1', 'v2alpha1', 'V1', '1', '')),
      served: j(fc.boolean(), 8),
      storage: j(fc.boolean(), 8),
      deprecated: j(fc.boolean()),
      deprecationWarning: clean ? fc.constant(undefined) : j(fc.string({ maxLength: 8 })),
      schema: j(rootSchema.map((s) => ({ openAPIV3Schema: s })), 8),
      subresources: j(
        fc.oneof(
          fc.constant({ status: {} }),
          fc.record(
            {
              status: j(fc.constant({})),
              scale: clean ? fc.constant(undefined) : j(
                fc.record(
                  {
                    specReplicasPath: j(fc.constantFrom('.spec.replicas', 'spec.replicas', '.status.x', '')),
                    statusReplicasPath: j(fc.constantFrom('.status.replicas', '.spec.x', '')),
                    labelSelectorPath: j(fc.constantFrom('.status.selector', '..')),
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
      additionalPrinterColumns: clean
        ? fc.array(fc.record({ name: fc.constantFrom('Age', 'Ready', 'A'), type: fc.constantFrom('string', 'integer', 'date'), jsonPath: fc.constantFrom('.spec.replicas', '.status.conditions[?(@.type=="Ready")].status', '.spec.a[*]', '.metadata.creationTimestamp'), priority: fc.constantFrom(0, 1) }, { requiredKeys: ['name', 'type', 'jsonPath'] }), { maxLength: 2 }).map((cols) => cols.filter((c, i) => cols.findIndex((d) => d.name === c.name) === i))
        : orJunk(
            fc.array(
              fc.record(
                {
                  name: orJunk(fc.constantFrom('Age', 'Ready', 'A', '')),
                  type: orJunk(fc.constantFrom('string', 'integer', 'date', 'bogus')),
                  jsonPath: orJunk(fc.constantFrom('.spec.replicas', '.status.conditions[?(@.type=="Ready")].status', '.spec.a[*]', '{.x}', '.[', '')),
                  priority: orJunk(fc.integer({ min: -1, max: 2 })),
                  format: orJunk(fc.constantFrom('int32', 'bogus')),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
          ),
    },
    { requiredKeys: clean ? ['name', 'served', 'storage', 'schema'] : ['name', 'served', 'storage'] },
  );
  // Clean: distinct version names, exactly one storage version, all served.
  const versions = clean
    ? fc.array(version, { minLength: 1, maxLength: 3 }).map((vs) => vs.map((v, i) => ({ ...v, name: ['v1', 'v1beta1', 'v2alpha1'][i], served: true, storage: i === 0 })))
    : fc.array(version, { minLength: 1, maxLength: 3 });

  const dnsy = clean ? fc.constantFrom('gadgets', 'things') : fc.oneof({ weight: 4, arbitrary: fc.constantFrom('gadgets', 'gadget', 'gd', 'things') }, { weight: 1, arbitrary: fc.constantFrom('Gadgets', 'pods', 'deployments', 'a.b', '', 'x'.repeat(70)) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
  return fc
    .record(
      {
        apiVersion: clean ? fc.constant('apiextensions.k8s.io/v1') : fc.oneof({ weight: 12, arbitrary: fc.constant('apiextensions.k8s.io/v1') }, { weight: 1, arbitrary: fc.oneof(fc.constant('apiextensions.k8s.io/v1beta1'), junk) }),
        kind: clean ? fc.constant(CRD) : fc.oneof({ weight: 12, arbitrary: fc.constant(CRD) }, { weight: 1, arbitrary: junk }),
        group: clean ? fc.constantFrom('example.com', 'acme.io') : orJunk(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('example.com', 'acme.io') }, { weight: 1, arbitrary: fc.constantFrom('k8s.io', 'Example.com', 'nodots', '') }), 10),
        scope: clean ? fc.constantFrom('Namespaced', 'Cluster') : orJunk(fc.constantFrom('Namespaced', 'Namespaced', 'Cluster', 'Global'), 10),
        names: j(
          fc.record(
            {
              plural: j(dnsy, 10),
              singular: clean ? fc.constant(undefined) : j(dnsy, 10),
              kind: clean ? fc.constant('Gadget') : j(fc.oneof({ weight: 4, arbitrary: fc.constant('Gadget') }, { weight: 1, arbitrary: fc.constantFrom('gadget', 'Pod', 'Deployment', 'Gadget List', '') }), 10),
              listKind: clean ? fc.constant('GadgetList') : j(fc.constantFrom('GadgetList', 'Gadget', ''), 10),
              shortNames: clean ? fc.constantFrom(['gd'], []) : j(fc.array(j(dnsy, 10), { maxLength: 2 }), 10),
              categories: clean ? fc.constantFrom(['all'], []) : j(fc.array(j(fc.constantFrom('all', 'A B'), 10), { maxLength: 2 }), 10),
            },
            { requiredKeys: ['plural', 'kind'] },
          ),
          10,
        ),
        versions: j(versions, 10),
        conversion: clean ? fc.constant({ strategy: 'None' }) : orJunk(fc.constantFrom({ strategy: 'None' }, { strategy: 'Webhook' })),
        preserveUnknownFields: j(fc.constant(false)),
        nameMode: clean ? fc.constant('match') : fc.constantFrom('match', 'match', 'match', 'junk'),
        junkName: junk,
        extraSpec: clean ? fc.constant(undefined) : fc.option(fc.dictionary(fc.constantFrom('validation', 'version', 'additionalPrinterColumns', 'x'), junk, { maxKeys: 2 }), { nil: undefined, freq: 8 }),
      },
      { requiredKeys: ['apiVersion', 'kind', 'group', 'scope', 'names', 'versions', 'nameMode', 'junkName'] },
    )
    .map((r) => {
      const plural = r.names && typeof r.names === 'object' && !Array.isArray(r.names) ? (r.names as { plural?: unknown }).plural : undefined;
      const name = r.nameMode === 'match' ? `${String(plural)}.${String(r.group)}` : r.junkName;
      const spec: Record<string, unknown> = { ...(r.extraSpec ?? {}) };
      for (const k of ['group', 'scope', 'names', 'versions', 'conversion', 'preserveUnknownFields'] as const) if (k in r) spec[k] = r[k];
      return { apiVersion: r.apiVersion, kind: r.kind, metadata: { name }, spec } as unknown as KubeObject;
    });
}

const CRD_BASES = [certificateCrd(), widgetCrd(), certificateCrd({ plural: 'keys', kind: 'Key', shortNames: [] })];
const corruptedCrd = fc.tuple(fc.constantFrom(...CRD_BASES), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([b, e]) => corrupt(b, e));
const anyCrd = fc.oneof({ weight: 3, arbitrary: corruptedCrd }, { weight: 3, arbitrary: randomCrdArb(true) }, { weight: 2, arbitrary: randomCrdArb(false) }, { weight: 1, arbitrary: fc.constantFrom(...CRD_BASES) });

function freshApi(): { api: Api; store: MemoryStore } {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  let n = 0;
  const store = new MemoryStore({ now: () => clock.now(), newUid: () => `uid-${++n}` });
  return { api: new Api({ store, now: () => clock.now(), kinds: new KindRegistry() }), store };
}

/** Values shaped by a (possibly malformed) schema node: mostly of its type, keys and enum, sometimes anything. */
function valueFor(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.jsonValue({ maxDepth: 1 });
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || depth > 4) return anything;
  const s = schema as SchemaNode;
  let a: fc.Arbitrary<unknown>;
  const props = s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties) ? (s.properties as Record<string, unknown>) : undefined;
  switch (s.type) {
    case 'object':
      if (props) {
        const keys = Object.keys(props).filter((k) => k !== '__proto__');
        a = fc.record(Object.fromEntries(keys.map((k) => [k, valueFor(props[k], depth + 1)])), { requiredKeys: [] });
      } else a = fc.dictionary(fc.string({ maxLength: 3 }), valueFor(s.additionalProperties, depth + 1), { maxKeys: 2 });
      break;
    case 'array':
      a = fc.array(valueFor(s.items, depth + 1), { maxLength: 3 });
      break;
    case 'string':
      a = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('2026-01-01T00:00:00Z', '1h', 'aGk=', 'abc', 'A', ''));
      break;
    case 'integer':
      a = fc.oneof(fc.integer({ min: -3, max: 1000 }), fc.constantFrom(2 ** 53, 2 ** 31, 1.5));
      break;
    case 'number':
      a = fc.oneof(fc.double({ noNaN: true }), fc.integer());
      break;
    case 'boolean':
      a = fc.boolean();
      break;
    default:
      a = anything;
  }
  if (Array.isArray(s.enum) && s.enum.length) a = fc.oneof(fc.constantFrom(...(s.enum as unknown[])), a);
  return fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: anything }, { weight: 1, arbitrary: fc.constant(null) });
}

/** Up to three bodies of the kind a CRD defines, in its versions, shaped by their schemas. */
function bodiesFor(crd: KubeObject): fc.Arbitrary<KubeObject[]> {
  const spec = (crd.spec ?? {}) as Record<string, any>;
  const versions = Array.isArray(spec.versions) ? (spec.versions as unknown[]).filter((v): v is Record<string, any> => !!v && typeof v === 'object') : [];
  if (!versions.length || typeof spec.names?.kind !== 'string' || typeof spec.group !== 'string') return fc.constant([]);
  const one = fc.constantFrom(...versions).chain((v) => {
    const root = v.schema?.openAPIV3Schema as SchemaNode | undefined;
    const props = (root?.properties ?? {}) as Record<string, unknown>;
    return fc.record({ name: fc.constantFrom('r1', 'r2'), spec: valueFor(props.spec), status: valueFor(props.status), extra: fc.option(junk, { nil: undefined, freq: 4 }) }).map(
      (b) => ({ apiVersion: `${spec.group}/${String(v.name)}`, kind: spec.names.kind, metadata: { name: b.name, namespace: 'default' }, spec: b.spec, status: b.status, ...(b.extra !== undefined ? { extra: b.extra } : {}) }) as unknown as KubeObject,
    );
  });
  return fc.array(one, { maxLength: 3 });
}

/**
 * A custom resource the Api stored satisfies the schema of the version it was
 * written in: re-validating finds nothing, pruning finds nothing unknown, a
 * status subresource means create set no status, and its metadata is
 * well-typed ObjectMeta (what the built-in kinds' decoder demands).
 */
function expectSatisfiesSchema(api: Api, written: KubeObject, stored: KubeObject): void {
  const info = api.kinds.get(stored.kind);
  const version = info ? servedCustomVersion(info, written.apiVersion) : undefined;
  expect(version, `${stored.kind} ${String(written.apiVersion)} is served`).toBeDefined();
  expect(api.get(stored.kind, stored.metadata.namespace ?? '', stored.metadata.name ?? '')).toEqual(stored);
  if (version?.schema) {
    const schema = compileSchema(version.schema);
    const raw = structuredClone(stored) as unknown as Record<string, unknown>;
    expect(schema.validate(raw, undefined)).toEqual([]);
    expect(schema.prune(structuredClone(raw))).toEqual([]);
  }
  if (version?.status) expect(stored.status).toBeUndefined();
  expect(() => checkFieldTypes({ apiVersion: 'v1', kind: 'ConfigMap', metadata: stored.metadata })).not.toThrow();
}

/** A refused write: a StatusError naming a field, and the store as it was. */
function expectRefusal(e: unknown, store: MemoryStore, before: string, tally: Map<string, number>, body?: KubeObject): void {
  if (!(e instanceof StatusError)) throw new Error(`crash: ${crashWhere(e)}\n${describeCrash(e)}`);
  expectNamesAField(e, body);
  tally.set(`${e.code} ${e.reason}`, (tally.get(`${e.code} ${e.reason}`) ?? 0) + 1);
  expect(dump(store)).toBe(before);
}

describe('random CustomResourceDefinitions at the Api door', () => {
  it('are created, or refused with a 400/422 naming a field, and a refusal stores nothing; a created one serves its kind without crashing', async () => {
    const c = new CaseCounter('crd: random CRD create');
    const reasons = new Map<string, number>();
    const crReasons = new Map<string, number>();
    let accepted = 0;
    let crsStored = 0;
    await fc.assert(
      fc.asyncProperty(
        anyCrd.chain((crd) => fc.tuple(fc.constant(crd), bodiesFor(crd))),
        async ([crd, bodies]) => {
          const { api, store } = freshApi();
          const before = dump(store);
          const input = structuredClone(crd);
          let created: KubeObject | undefined;
          try {
            created = await c.timeAsync(() => api.create(crd));
          } catch (e) {
            expectRefusal(e, store, before, reasons);
          }
          expect(crd).toEqual(input); // the caller's object is never modified
          if (!created) return;
          accepted++;
          expect(api.get(CRD, '', created.metadata.name ?? '')).toEqual(created);
          // Serve its kind as the CRD controller would once Established, then write objects of it.
          if (namesConflict(created, [])) return;
          api.kinds.register(kindFromCrd(created));
          await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
          for (const body of bodies) {
            const was = dump(store);
            let stored: KubeObject | undefined;
            try {
              stored = await api.create(body);
            } catch (e) {
              expectRefusal(e, store, was, crReasons, body);
              continue;
            }
            crsStored++;
            expectSatisfiesSchema(api, body, stored);
            await api.delete(stored.kind, stored.metadata.namespace ?? '', stored.metadata.name ?? '');
          }
        },
      ),
      { numRuns: 100 },
    );
    expect(c.report()).toBe(100);
    console.log(`fuzz: crd: random CRDs: ${accepted} created, refused: ${JSON.stringify(Object.fromEntries(reasons))}`);
    console.log(`fuzz: crd: objects of random CRDs: ${crsStored} stored, refused: ${JSON.stringify(Object.fromEntries(crReasons))}`);
    expect(reasons.size).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('CRD validation: pinned counterexamples of the random CRDs above', () => {
  const gadgetCrd = (scope: string, specSchema: Record<string, unknown>, kind = 'Gadget'): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: CRD,
    metadata: { name: `${kind.toLowerCase()}s.example.com` },
    spec: { group: 'example.com', scope, names: { plural: `${kind.toLowerCase()}s`, kind }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: specSchema } } } }] },
  });

  // Found by the property above while CRD validation did not compile CEL yet:
  // the CRD was accepted, then every object of its kind was refused with
  // `rule compile error … undefined field 'a'`. kube-apiserver refuses the CRD
  // at the rule; so does kubeterm now (celRuleErrors in validate-crd-version.ts).
  it('a CRD whose CEL rule does not compile (has(self.a), no property a) is refused at the rule', async () => {
    const { api } = freshApi();
    const err = await api.create(gadgetCrd('Namespaced', { type: 'object', properties: { b: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'has(self.a)' }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toContain('x-kubernetes-validations[0].rule');
  });

  // Found by this file (fixed): an object's scope was read from the
  // process-wide kindInfo() (the first live KindRegistry that knows the kind),
  // not from the Api's own registry. Two engines in one process
  // (every test file, an engine restarted in-process) that serve the same
  // custom kind with different scopes validate each other's objects: here the
  // namespaced Gadget is refused with `metadata.namespace: Forbidden: not
  // allowed on this type` because another registry, registered first, serves
  // the kind cluster-scoped. (A kind name of its own, so the registries of the
  // properties above, still alive, cannot answer first.)
  it('each Api validates a custom kind by the scope its own registry serves', async () => {
    const cluster = freshApi().api;
    const namespaced = freshApi();
    cluster.kinds.register(kindFromCrd(gadgetCrd('Cluster', { type: 'object' }, 'Sprocket')));
    namespaced.api.kinds.register(kindFromCrd(gadgetCrd('Namespaced', { type: 'object' }, 'Sprocket')));
    await namespaced.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const created = await namespaced.api.create({ apiVersion: 'example.com/v1', kind: 'Sprocket', metadata: { name: 'g', namespace: 'default' } } as KubeObject);
    expect(created.metadata.namespace).toBe('default');
  });
});

// ---- (b) random custom resources -----------------------------------------------

const CR_BASES: KubeObject[] = [
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', labels: { app: 'w' } }, spec: { replicas: 2, selector: 'app=w', size: 'small' } },
  { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { replicas: 10, size: 'large' }, status: { replicas: 1 } },
  { ...certificate('web'), status: { conditions: [{ type: 'Ready', status: 'True' }] } },
  certificate('api'),
];
const notMetadata = (p: (string | number)[]) => p[0] === 'metadata';
const corruptedCr = fc.tuple(fc.constantFrom(...CR_BASES), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([b, e]) => corrupt(b, e, notMetadata));
const plausibleValue = fc.oneof(
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom(1.5, 2 ** 53, -0, 1e300, 'small', 'large', 'medium', '', '3', true, null),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
/**
 * Metadata is well-typed here (its string values are not): malformed
 * metadata on custom resources is a known bug, pinned below.
 */
const crMetadata = fc.record(
  {
    name: orJunk(fc.constantFrom('r', 'r-1', 'R', '', 'a.b', '-x', 'x'.repeat(254))),
    namespace: fc.constantFrom('default', 'missing', ''),
    labels: fc.dictionary(fc.oneof(fc.constantFrom('app', 'a/b', 'bad key'), fc.string({ maxLength: 4 })), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    annotations: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    generateName: orJunk(fc.constantFrom('gen-', 'Bad_')),
    unknownMetaField: fc.string({ maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const randomCr = fc
  .record(
    {
      apiVersion: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('example.com/v1', 'example.com/v1beta1', 'cert.example.com/v1') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('example.com/v2', 'cert.example.com/v1beta1', 'v1'), junk) }),
      kind: fc.constantFrom('Widget', 'Certificate'),
      metadata: crMetadata,
      spec: orJunk(fc.dictionary(fc.constantFrom('replicas', 'selector', 'size', 'secretName', 'dnsNames', 'duration', 'unknown', 'metadata'), plausibleValue, { maxKeys: 4 }), 4),
      status: orJunk(fc.record({ replicas: plausibleValue, selector: plausibleValue, conditions: plausibleValue }, { requiredKeys: [] })),
      extra: junk,
    },
    { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
  )
  .map((o) => o as unknown as KubeObject);
const anyCr = fc.oneof({ weight: 2, arbitrary: corruptedCr }, { weight: 2, arbitrary: randomCr }, { weight: 1, arbitrary: fc.constantFrom(...CR_BASES) });

describe('random custom resources against the Widget and Certificate CRDs', () => {
  it('are stored satisfying their schema, or refused with a 400/422 naming a field path', async () => {
    const h = await setup();
    try {
      await h.api.create(widgetCrd());
      await h.api.create(certificateCrd());
      await h.settle();
      expect(h.api.kinds.get('Widget')).toBeDefined();
      expect(h.api.kinds.get('Certificate')).toBeDefined();
      const c = new CaseCounter('crd: random custom resources');
      const reasons = new Map<string, number>();
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(anyCr, async (body) => {
          const before = dump(h.store);
          const input = structuredClone(body);
          let created: KubeObject | undefined;
          try {
            created = await c.timeAsync(() => h.api.create(body));
          } catch (e) {
            expectRefusal(e, h.store, before, reasons, body);
            return;
          }
          expect(body).toEqual(input);
          stored++;
          expectSatisfiesSchema(h.api, body, created);
          await h.api.delete(created.kind, created.metadata.namespace ?? '', created.metadata.name ?? '');
          await h.settle();
        }),
        { numRuns: 100 },
      );
      expect(c.report()).toBe(100);
      console.log(`fuzz: crd: random custom resources: ${stored} stored, refused: ${JSON.stringify(Object.fromEntries(reasons))}`);
      expect(stored).toBeGreaterThan(0);
      expect(reasons.size).toBeGreaterThan(0);
    } finally {
      await h.mgr.stop();
    }
  });

  // Found by this file (fixed in src/api/api.ts prepareCustomObject): a custom
  // resource's metadata was not type-checked on create. Built-in kinds
  // refuse these with 400 (`json: cannot unmarshal string into Go struct field
  // ObjectMeta.metadata.labels of type map[string]string`), as kube-apiserver
  // also does for custom resources (objectmeta coercion fails the decode).
  // Instead `labels: "x"`, `annotations: [1]`, `finalizers: "x"` are stored as
  // they are, and a non-string namespace becomes 404 `namespaces "[object Object]"
  // not found`. A stored `finalizers: "x"` makes the object undeletable (delete
  // only marks it) and holds its CRD Terminating until the field is patched away.
  // Smallest counterexamples from the property above before its metadata was
  // restricted to well-typed values.
  const malformed: [string, Record<string, unknown>][] = [
    ['labels: "x"', { name: 'w', namespace: 'default', labels: 'x' }],
    ['finalizers: "x"', { name: 'w', namespace: 'default', finalizers: 'x' }],
    ['namespace: 5', { name: 'w', namespace: 5 }],
  ];
  for (const [what, metadata] of malformed) {
    it(`a custom resource with malformed metadata (${what}) is refused with 400, as a built-in kind is`, async () => {
      const h = await setup();
      try {
        await h.api.create(widgetCrd());
        await h.settle();
        const builtin = await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata } as unknown as KubeObject).catch((e: unknown) => e);
        expect(builtin).toMatchObject({ code: 400 });
        const custom = await h.api.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata, spec: {} } as unknown as KubeObject).catch((e: unknown) => e);
        expect(custom).toBeInstanceOf(StatusError);
        expect(custom).toMatchObject({ code: 400 });
      } finally {
        await h.mgr.stop();
      }
    });
  }
});

// ---- (c) CRD and custom resource lifecycles through the control plane -----------

type Which = 'certificates' | 'widgets';
type Op =
  | { op: 'createCrd'; which: Which; kind?: string; settle: boolean }
  | { op: 'renameKind'; which: Which; kind: string }
  | { op: 'deleteCrd'; which: Which }
  | { op: 'createCr'; kind?: string; pick: number; name: string; ns: string }
  | { op: 'deleteCr'; kind?: string; pick: number; name: string; ns: string }
  | { op: 'createNs' | 'deleteNs' }
  | { op: 'settle' }
  | { op: 'restart' };

const CR_KINDS = ['Certificate', 'Widget', 'Cert'];
const crdName = (w: Which) => (w === 'certificates' ? 'certificates.cert.example.com' : 'widgets.example.com');

function crdFor(o: { which: Which; kind?: string }): KubeObject {
  if (o.which === 'widgets') return widgetCrd();
  return certificateCrd(o.kind ? { kind: o.kind } : {});
}

function crFor(kind: string, name: string, namespace: string): KubeObject {
  if (kind === 'Widget') return { apiVersion: 'example.com/v1', kind, metadata: { name, namespace }, spec: { replicas: 1 } };
  const cert = certificate(name);
  return { ...cert, kind, metadata: { ...cert.metadata, namespace } };
}

const which = fc.constantFrom<Which>('certificates', 'widgets');
const lifecycleOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('createCrd' as const), which, kind: fc.constantFrom(undefined, 'Cert'), settle: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }, { requiredKeys: ['op', 'which', 'settle'] }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('renameKind' as const), which, kind: fc.constantFrom('Certificate', 'Cert') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteCrd' as const), which }) },
  // Without a kind: one of the kinds served at that moment (if any), so most creates can succeed.
  {
    weight: 6,
    arbitrary: fc.record(
      { op: fc.constant('createCr' as const), kind: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CR_KINDS) }), pick: fc.nat(), name: fc.constantFrom('a', 'b', 'c'), ns: fc.constantFrom('default', 'default', 'team') },
      { requiredKeys: ['op', 'pick', 'name', 'ns'] },
    ),
  },
  // Without a kind: one of the custom objects stored at that moment (if any).
  {
    weight: 2,
    arbitrary: fc.record(
      { op: fc.constant('deleteCr' as const), kind: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CR_KINDS) }), pick: fc.nat(), name: fc.constantFrom('a', 'b', 'c'), ns: fc.constantFrom('default', 'team') },
      { requiredKeys: ['op', 'pick', 'name', 'ns'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('createNs' as const, 'createNs' as const, 'deleteNs' as const) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'settle' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
);

/** An op with nothing to act on (no kind served, no object stored): not counted. */
const SKIPPED = Symbol('skipped');

async function runOp(h: Harness, o: Op): Promise<unknown> {
  switch (o.op) {
    case 'createCrd': {
      const crd = await h.api.create(crdFor(o));
      if (o.settle) await h.settle(); // mostly Established before the next op, so its objects get written
      return crd;
    }
    case 'renameKind':
      return h.api.patch(CRD, '', crdName(o.which), 'merge', { spec: { names: { kind: o.kind, listKind: `${o.kind}List` } } });
    case 'deleteCrd':
      return h.api.delete(CRD, '', crdName(o.which));
    case 'createCr': {
      const served = h.api.kinds.all().filter((k) => k.custom);
      if (o.kind === undefined && !served.length) return SKIPPED; // nothing served yet: nothing to write
      const kind = o.kind ?? (served.length ? served[o.pick % served.length].kind : 'Certificate');
      return h.api.create(crFor(kind, o.name, o.ns));
    }
    case 'deleteCr': {
      if (o.kind !== undefined) return h.api.delete(o.kind, o.ns, o.name);
      const stored = [...h.store.kinds()].filter((k) => !BUILTIN.has(k)).flatMap((k) => h.store.list(k).items);
      if (!stored.length) return SKIPPED;
      const victim = stored[o.pick % stored.length];
      return h.api.delete(victim.kind, victim.metadata.namespace ?? '', victim.metadata.name ?? '');
    }
    case 'createNs':
      return h.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    case 'deleteNs':
      return h.api.delete('Namespace', '', 'team');
    case 'settle':
      return h.settle(1_000);
    case 'restart':
      return h.restart();
  }
}

/**
 * Objects of a custom kind no CRD in the store names (in spec.names or its
 * accepted names), objects of custom kinds in a namespace that is gone, and
 * kinds served whose CRD is gone: all must be empty.
 */
function orphans(h: Harness): string[] {
  const crds = h.store.list(CRD).items;
  const named = new Set<string>();
  for (const crd of crds) {
    named.add(requestedNames(crd).kind);
    const accepted = (crd.status as { acceptedNames?: { kind?: string } } | undefined)?.acceptedNames?.kind;
    if (accepted) named.add(accepted);
  }
  const out: string[] = [];
  for (const kind of h.store.kinds()) {
    if (BUILTIN.has(kind)) continue;
    const homeless = h.store.list(kind).items.filter((o) => o.metadata.namespace && !h.store.get('Namespace', '', o.metadata.namespace));
    if (homeless.length) out.push(`${homeless.map((o) => `${kind} ${o.metadata.namespace}/${o.metadata.name}`).join(', ')} left in a deleted namespace`);
    if (named.has(kind)) continue;
    const items = h.store.list(kind).items;
    if (items.length) out.push(`${items.length} ${kind} object(s) (${items.map((i) => i.metadata.name).join(', ')}) and no CRD names ${kind}`);
  }
  for (const k of h.api.kinds.all()) {
    if (k.custom && !h.store.get(CRD, '', k.custom.crd)) out.push(`kind ${k.kind} is served but its CRD ${k.custom.crd} is gone`);
  }
  return out;
}

describe('CRD and custom resource lifecycles through the control plane', () => {
  it('never leave custom resources of a kind whose CRD is gone, or in a namespace that is gone', async () => {
    const c = new CaseCounter('crd: lifecycles');
    const refusals = new Map<string, number>();
    const done = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(lifecycleOp, { minLength: 1, maxLength: 12 }), async (ops) => {
        const h = await setup();
        try {
          await c.timeAsync(async () => {
            for (const o of ops) {
              try {
                if ((await runOp(h, o)) !== SKIPPED) done.set(o.op, (done.get(o.op) ?? 0) + 1);
              } catch (e) {
                if (!(e instanceof StatusError)) throw new Error(`${o.op} crashed: ${crashWhere(e)}\n${describeCrash(e)}`);
                refusals.set(`${o.op} ${e.reason}`, (refusals.get(`${o.op} ${e.reason}`) ?? 0) + 1);
              }
            }
            await h.settle(1_000);
            expect(orphans(h)).toEqual([]);
            // Every CRD deleted and settled: no custom object and no custom kind is left.
            for (const crd of h.store.list(CRD).items) await h.api.delete(CRD, '', crd.metadata.name ?? '');
            await h.settle(1_000);
            await h.settle(1_000);
            expect(h.store.list(CRD).items.map((o) => o.metadata.name)).toEqual([]);
            for (const kind of CR_KINDS) expect(h.store.list(kind).items.map((o) => `${kind}/${o.metadata.name}`)).toEqual([]);
            expect(h.api.kinds.all().filter((k) => k.custom).map((k) => k.kind)).toEqual([]);
          });
        } finally {
          await h.mgr.stop();
        }
      }),
      { numRuns: 100 },
    );
    expect(c.report()).toBe(100);
    console.log(`fuzz: crd: lifecycles: done ${JSON.stringify(Object.fromEntries(done))}, refused ${JSON.stringify(Object.fromEntries(refusals))}`);
  });
});
