import { describe, expect, it } from 'vitest';
import { structuralErrors } from '../../../src/api/crd/structural.js';
import { formatFieldError } from '../../../src/api/errors.js';

const P = 'spec.versions[0].schema.openAPIV3Schema';
const msgs = (schema: unknown) => structuralErrors(schema, P).map(formatFieldError);
/** A root object schema with the given properties. */
const root = (properties: object, extra: object = {}) => ({ type: 'object', properties, ...extra });

describe('structuralErrors accepts', () => {
  it.each([
    ['a typed tree', root({ spec: { type: 'object', properties: { a: { type: 'string' }, l: { type: 'array', items: { type: 'integer' } } } } })],
    ['preserve-unknown-fields in place of a type', root({ raw: { 'x-kubernetes-preserve-unknown-fields': true } })],
    ['int-or-string with the anyOf pattern', root({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } })],
    [
      'int-or-string with the allOf pattern',
      root({ port: { 'x-kubernetes-int-or-string': true, allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, { pattern: '^[0-9]+%?$' }] } }),
    ],
    ['an embedded resource', root({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } })],
    ['metadata constraining name only', root({ metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } } })],
    ['additionalProperties for a map', root({ labels: { type: 'object', additionalProperties: { type: 'string' } } })],
    ['nullable below the root', root({ n: { type: 'string', nullable: true } })],
    ['value validations that mention structural fields', root({ a: { type: 'string' } }, { anyOf: [{ required: ['a'] }, { properties: { a: { minLength: 1 } } }] })],
    [
      'a map list with required keys',
      root({
        l: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      }),
    ],
    ['CEL rules (not compiled)', root({ a: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', message: 'must be positive' }] } })],
  ])('%s', (_name, schema) => {
    expect(msgs(schema)).toEqual([]);
  });
});

describe('structuralErrors reports', () => {
  it.each<[string, unknown, string[]]>([
    ['an untyped root', {}, [`${P}.type: Required value: must not be empty at the root`]],
    ['a non-object root', { type: 'string' }, [`${P}.type: Invalid value: "string": must be object at the root`]],
    [
      'an untyped field',
      root({ spec: { properties: { a: { type: 'string' } } } }),
      [`${P}.properties[spec].type: Required value: must not be empty for specified object fields`],
    ],
    [
      'untyped items',
      root({ l: { type: 'array', items: {} } }),
      [`${P}.properties[l].items.type: Required value: must not be empty for specified array items`],
    ],
    ['an array without items', root({ l: { type: 'array' } }), [`${P}.properties[l].items: Required value: must be specified`]],
    [
      'errors sorted by message',
      root({ foo: {}, bar: {} }),
      [
        `${P}.properties[bar].type: Required value: must not be empty for specified object fields`,
        `${P}.properties[foo].type: Required value: must not be empty for specified object fields`,
      ],
    ],
    [
      'x-kubernetes-preserve-unknown-fields: false',
      root({ a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }),
      [`${P}.properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`],
    ],
    [
      'int-or-string with preserve-unknown-fields',
      root({ a: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true } }),
      [`${P}.properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
    ],
    [
      'int-or-string anyOf in the wrong order',
      root({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'string' }, { type: 'integer' }] } }),
      [`${P}.properties[port].anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.properties[port].anyOf[1].type: Forbidden: must be empty to be structural`],
    ],
    [
      'an untyped embedded resource',
      root({ t: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }),
      [`${P}.properties[t].type: Required value: must be object if x-kubernetes-embedded-resource is true`],
    ],
    [
      'an embedded resource with neither properties nor preserve-unknown-fields',
      root({ t: { type: 'object', 'x-kubernetes-embedded-resource': true } }),
      [`${P}.properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`],
    ],
    [
      'an embedded resource with additionalProperties',
      root({ t: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, additionalProperties: { type: 'string' } } }),
      [`${P}.properties[t].additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set`],
    ],
    [
      'a map list without keys',
      root({ l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } } }),
      [`${P}.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`],
    ],
    [
      'map keys without a list type',
      root({ l: { type: 'array', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }),
      [`${P}.properties[l].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`],
    ],
    [
      'map keys on a set',
      root({ l: { type: 'array', 'x-kubernetes-list-type': 'set', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'string' } } }),
      [`${P}.properties[l].x-kubernetes-list-type: Invalid value: "set": must be map if x-kubernetes-list-map-keys is non-empty`],
    ],
    [
      'an unknown list type',
      root({ l: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } } }),
      [`${P}.properties[l].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`],
    ],
    [
      'a list type on an object',
      root({ l: { type: 'object', 'x-kubernetes-list-type': 'atomic' } }),
      [`${P}.properties[l].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`],
    ],
    [
      'a map key that is not an item property',
      root({
        l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { name: { type: 'string' } } } },
      }),
      [`${P}.properties[l].x-kubernetes-list-map-keys: Invalid value: []string{"id"}: entries must all be names of item properties`],
    ],
    [
      'an optional map key without a default',
      root({
        l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } },
      }),
      [`${P}.properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
    ],
    [
      'a set of granular objects',
      root({ l: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } } }),
      [`${P}.properties[l].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`],
    ],
    [
      'a map type on a string',
      root({ m: { type: 'string', 'x-kubernetes-map-type': 'atomic' } }),
      [`${P}.properties[m].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`],
    ],
    [
      'additionalProperties with properties',
      root({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
      [`${P}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
    ],
    ['additionalProperties at the root', { type: 'object', additionalProperties: { type: 'string' } }, [`${P}.additionalProperties: Forbidden: must not be used at the root`]],
    ['$ref', root({ r: { $ref: '#/definitions/r' } }), [`${P}.properties[r].$ref: Forbidden: $ref is not supported`]],
    ['nullable at the root', { type: 'object', nullable: true }, [`${P}.nullable: Forbidden: nullable cannot be true at the root`]],
    ['nullable in a value validation', root({ a: { type: 'string' } }, { anyOf: [{ nullable: true }] }), [`${P}.anyOf[0].nullable: Forbidden: must be false to be structural`]],
    [
      'a type in allOf',
      root({ a: { type: 'string', allOf: [{ type: 'string', minLength: 1 }] } }),
      [`${P}.properties[a].allOf[0].type: Forbidden: must be empty to be structural`],
    ],
    [
      'uniqueItems',
      root({ l: { type: 'array', items: { type: 'string' }, uniqueItems: true } }),
      [`${P}.properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`],
    ],
    [
      'type null',
      root({ n: { type: 'null' } }),
      [
        `${P}.properties[n].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
        `${P}.properties[n].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
      ],
    ],
    [
      'metadata beyond name and generateName',
      root({ metadata: { type: 'object', properties: { labels: { type: 'object' } } } }),
      [`${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
    ],
    ['metadata that is not an object', root({ metadata: { type: 'string' } }), [`${P}.properties[metadata].type: Invalid value: "string": must be object`]],
    ['kind that is not a string', root({ kind: { type: 'integer' } }), [`${P}.properties[kind].type: Invalid value: "integer": must be string`]],
    [
      'a default in top-level metadata',
      root({ metadata: { type: 'object', default: { name: 'x' } } }),
      [`${P}.properties[metadata].default: Forbidden: must not be set in top-level metadata`],
    ],
    [
      'a value validation on an undefined field',
      { type: 'object', anyOf: [{ properties: { x: { minLength: 1 } } }] },
      [`${P}.properties[x]: Required value: because it is defined in ${P}.anyOf[0].properties[x]`],
    ],
    [
      'metadata in a value validation',
      root({ metadata: { type: 'object' } }, { allOf: [{ properties: { metadata: { required: ['name'] } } }] }),
      [`${P}.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`],
    ],
    [
      'a pattern RE2 cannot parse',
      root({ p: { type: 'string', pattern: '(?=a)' } }),
      [`${P}.properties[p].pattern: Invalid value: "(?=a)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``],
    ],
    [
      'a CEL rule without a rule',
      root({ a: { type: 'integer', 'x-kubernetes-validations': [{ rule: ' ' }] } }),
      [`${P}.properties[a].x-kubernetes-validations[0].rule: Required value: rule is not specified`],
    ],
    [
      'a CEL rule with an unknown reason',
      root({ a: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', reason: 'FieldValueBad' }] } }),
      [
        `${P}.properties[a].x-kubernetes-validations[0].reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
      ],
    ],
  ])('%s', (_name, schema, expected) => {
    expect(msgs(schema)).toEqual(expected);
  });
});

describe('structuralErrors on malformed input', () => {
  it.each<[string, unknown, string[]]>([
    ['a string', 'x', [`${P}: Invalid value: "x": must be a JSON schema object`]],
    ['null', null, [`${P}: Invalid value: null: must be a JSON schema object`]],
    ['an array', [], [`${P}: Invalid value: []: must be a JSON schema object`]],
    ['properties as a list', { type: 'object', properties: [] }, [`${P}.properties: Invalid value: []: must be a map of schemas`]],
    ['a property that is a string', root({ a: 'x' }), [`${P}.properties[a]: Invalid value: "x": must be a JSON schema object`]],
    ['a numeric type', { type: 5 }, [`${P}.type: Invalid value: 5: must be a string`]],
    ['required as a string', { type: 'object', required: 'a' }, [`${P}.required: Invalid value: "a": must be a list of strings`]],
  ])('%s', (_name, schema, expected) => {
    expect(msgs(schema)).toEqual(expected);
  });

  it('survives a cyclic schema', () => {
    const s: Record<string, unknown> = { type: 'object' };
    s.properties = { self: s };
    expect(() => structuralErrors(s, P)).not.toThrow();
    expect(structuralErrors(s, P).length).toBeGreaterThan(0);
  });
});
