// x-kubernetes-validations in the CRD schema engine: rules with self and
// oldSelf, Kubernetes' messages and paths, and CRD-time compile errors.
import { describe, expect, it } from 'vitest';
import { celRuleErrors, compileSchema } from '../../../src/api/crd/schema/index.js';
import { formatFieldError } from '../../../src/api/errors.js';

type Obj = Record<string, unknown>;

/** An object schema whose `spec` has these properties and these x-kubernetes-validations rules. */
const specSchema = (properties: Obj, rules: Obj[]): Obj => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, 'x-kubernetes-validations': rules } },
});

const messages = (schema: Obj, obj: Obj, old?: Obj) => compileSchema(schema).validate(obj, old).map(formatFieldError);

const replicasSchema: Obj = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.replicas', message: 'minReplicas must not exceed replicas' }],
      properties: {
        replicas: { type: 'integer' },
        minReplicas: { type: 'integer' },
        name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'Value is immutable' }] },
      },
    },
  },
};

describe('CEL rules on self', () => {
  const cases: Array<{ name: string; schema: Obj; obj: Obj; want: string[] }> = [
    { name: 'passing rule', schema: replicasSchema, obj: { spec: { replicas: 3, minReplicas: 1 } }, want: [] },
    { name: 'failing rule with message', schema: replicasSchema, obj: { spec: { replicas: 1, minReplicas: 3 } }, want: ['spec: Invalid value: "object": minReplicas must not exceed replicas'] },
    {
      name: 'missing field is a runtime error',
      schema: replicasSchema,
      obj: { spec: { replicas: 1 } },
      want: ['spec: Invalid value: "object": no such key: minReplicas evaluating rule: minReplicas must not exceed replicas'],
    },
    {
      name: 'default message',
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self % 2 == 0' }] } } } } },
      obj: { spec: { n: 3 } },
      want: ['spec.n: Invalid value: "integer": failed rule: self % 2 == 0'],
    },
    {
      name: 'root-level rule reports <nil> and sees metadata.name',
      schema: { type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('my-')" }], properties: { spec: { type: 'object' } } },
      obj: { metadata: { name: 'other' }, spec: {} },
      want: ['<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith(\'my-\')'],
    },
    {
      name: 'list rules and item paths',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              xs: {
                type: 'array',
                'x-kubernetes-validations': [{ rule: 'self.all(x, x.n > 0)', message: 'all n must be positive' }, { rule: 'size(self) <= 2' }],
                items: { type: 'object', properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n < 10' }] },
              },
            },
          },
        },
      },
      obj: { spec: { xs: [{ n: 0 }, { n: 11 }, { n: 1 }] } },
      want: ['spec.xs: Invalid value: "array": all n must be positive', 'spec.xs: Invalid value: "array": failed rule: size(self) <= 2', 'spec.xs[1]: Invalid value: "object": failed rule: self.n < 10'],
    },
    {
      name: 'map values use key paths',
      schema: {
        type: 'object',
        properties: { spec: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 4' }] } } } } },
      },
      obj: { spec: { labels: { ok: 'abc', bad: 'abcd' } } },
      want: ['spec.labels[bad]: Invalid value: "string": failed rule: self.size() < 4'],
    },
    {
      name: 'escaped property names',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            'x-kubernetes-validations': [{ rule: "self.__namespace__ == 'x' && self.dash__dash__name == 1 && !has(self.other)" }],
            properties: { namespace: { type: 'string' }, 'dash-name': { type: 'integer' }, other: { type: 'string' } },
          },
        },
      },
      obj: { spec: { namespace: 'x', 'dash-name': 1 } },
      want: [],
    },
    {
      name: 'messageExpression, reason and fieldPath',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { replicas: { type: 'integer' } },
            'x-kubernetes-validations': [
              { rule: 'self.replicas <= 5', messageExpression: "'replicas ' + string(self.replicas) + ' exceeds 5'", fieldPath: '.replicas', reason: 'FieldValueForbidden' },
            ],
          },
        },
      },
      obj: { spec: { replicas: 7 } },
      want: ['spec.replicas: Forbidden: replicas 7 exceeds 5'],
    },
    {
      name: 'int-or-string, number and date-time values',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            'x-kubernetes-validations': [
              { rule: "type(self.port) == int || self.port.matches('^[a-z]+$')", message: 'port' },
              { rule: 'self.ratio < 1.0', message: 'ratio' },
              { rule: "self.at > timestamp('2020-01-01T00:00:00Z')", message: 'at' },
              { rule: "self.timeout < duration('1h')", message: 'timeout' },
            ],
            properties: {
              port: { 'x-kubernetes-int-or-string': true },
              ratio: { type: 'number' },
              at: { type: 'string', format: 'date-time' },
              timeout: { type: 'string', format: 'duration' },
            },
          },
        },
      },
      obj: { spec: { port: 'HTTP', ratio: 1, at: '2019-06-01T00:00:00Z', timeout: '2h' } },
      want: ['spec: Invalid value: "object": port', 'spec: Invalid value: "object": ratio', 'spec: Invalid value: "object": at', 'spec: Invalid value: "object": timeout'],
    },
    {
      name: 'Kubernetes list and regex libraries',
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            'x-kubernetes-validations': [{ rule: "self.xs.isSorted() && self.xs.sum() == 6 && self.s.find('[0-9]+') == '42'" }],
            properties: { xs: { type: 'array', items: { type: 'integer' } }, s: { type: 'string' } },
          },
        },
      },
      obj: { spec: { xs: [1, 2, 3], s: 'abc42def' } },
      want: [],
    },
    {
      name: 'rules inside allOf apply at the same level',
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer' } }, allOf: [{ 'x-kubernetes-validations': [{ rule: 'self.a > 1' }] }] } } },
      obj: { spec: { a: 1 } },
      want: ['spec: Invalid value: "object": failed rule: self.a > 1'],
    },
    {
      name: 'schema errors that block CEL replace it with one error',
      schema: replicasSchema,
      obj: { spec: { replicas: 'x', minReplicas: 3 } },
      want: [
        'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    },
  ];
  it.each(cases)('$name', ({ schema, obj, want }) => {
    expect(messages(schema, obj)).toEqual(want);
  });
});

describe('transition rules (oldSelf)', () => {
  it('are skipped on create', () => {
    expect(messages(replicasSchema, { spec: { replicas: 1, minReplicas: 1, name: 'a' } })).toEqual([]);
  });
  it('enforce immutability on update', () => {
    const old = { spec: { replicas: 1, minReplicas: 1, name: 'a' } };
    expect(messages(replicasSchema, { spec: { replicas: 1, minReplicas: 1, name: 'b' } }, old)).toEqual(['spec.name: Invalid value: "string": Value is immutable']);
    expect(messages(replicasSchema, { spec: { replicas: 2, minReplicas: 1, name: 'a' } }, old)).toEqual([]);
  });
  it('are skipped when the field did not exist before', () => {
    expect(messages(replicasSchema, { spec: { replicas: 1, minReplicas: 1, name: 'b' } }, { spec: { replicas: 1, minReplicas: 1 } })).toEqual([]);
  });
  it('correlate map-list items by key, not by index', () => {
    const schema: Obj = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: {
                type: 'object',
                properties: { name: { type: 'string' }, port: { type: 'integer' } },
                'x-kubernetes-validations': [{ rule: 'self.port == oldSelf.port', message: 'port is immutable' }],
              },
            },
          },
        },
      },
    };
    const old = { spec: { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] } };
    expect(messages(schema, { spec: { ports: [{ name: 'b', port: 2 }, { name: 'a', port: 1 }, { name: 'c', port: 3 }] } }, old)).toEqual([]);
    expect(messages(schema, { spec: { ports: [{ name: 'b', port: 5 }] } }, old)).toEqual(['spec.ports[0]: Invalid value: "object": port is immutable']);
  });
  it('do not hide failures of ordinary rules on changed values, but unchanged values are ratcheted', () => {
    const old = { spec: { replicas: 1, minReplicas: 3 } };
    expect(messages(replicasSchema, { spec: { replicas: 1, minReplicas: 3 } }, old)).toEqual([]);
    expect(messages(replicasSchema, { spec: { replicas: 1, minReplicas: 4 } }, old)).toEqual(['spec: Invalid value: "object": minReplicas must not exceed replicas']);
  });
});

describe('bad CEL at runtime', () => {
  it('never throws out of validate', () => {
    const schema = specSchema({ a: { type: 'integer' } }, [{ rule: 'self.a / 0 == 1' }, { rule: 'self.a ==' }, { rule: "self.a + 'x' == 'y'" }]);
    expect(messages(schema, { spec: { a: 1 } })).toEqual([
      'spec: Invalid value: "object": division by zero evaluating rule: self.a / 0 == 1',
      expect.stringMatching(/^spec: Invalid value: "object": rule compile error: compilation failed: ERROR: <input>:1:\d+: Syntax error: /),
      "spec: Invalid value: \"object\": 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: self.a + 'x' == 'y'",
    ]);
  });
});

describe('celRuleErrors', () => {
  const base = 'spec.versions[0].schema.openAPIV3Schema';
  it('reports compile errors with the CRD field path', () => {
    const schema = specSchema({ a: { type: 'integer' }, items: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.foo' }] } } }, [{ rule: 'self.b == 1' }, { rule: 'self.a' }, { rule: 'x > 1' }, { rule: ' ' }, { rule: 'self.a > 0' }]);
    expect(celRuleErrors(schema, base).map(formatFieldError)).toEqual([
      `${base}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.b == 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'b'\n | self.b == 1\n | ....^`,
      `${base}.properties[spec].x-kubernetes-validations[1].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.a", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool`,
      `${base}.properties[spec].x-kubernetes-validations[2].rule: Invalid value: apiextensions.ValidationRule{Rule:"x > 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:1: undeclared reference to 'x' (in container '')\n | x > 1\n | ^`,
      `${base}.properties[spec].x-kubernetes-validations[3].rule: Required value: rule is not specified`,
      `${base}.properties[spec].properties[items].items.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.foo", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: type 'string' does not support field selection\n | self.foo\n | ....^`,
    ]);
  });
  it('accepts valid rules, macros and comprehension variables', () => {
    const schema: Obj = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: "self.metadata.name != '' && self.spec.xs.all(x, x.n > 0) && self.spec.m.exists(k, self.spec.m[k] == 'v')" }],
      properties: {
        spec: {
          type: 'object',
          properties: { xs: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } }, m: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    };
    expect(celRuleErrors(schema, base)).toEqual([]);
  });
});

describe('celRuleErrors: messageExpression and fieldPath', () => {
  it('reports them on their own fields', () => {
    const schema = specSchema({ a: { type: 'integer' } }, [
      { rule: 'self.a > 0', messageExpression: "'a is ' +", fieldPath: '.b' },
      { rule: 'self.a > 0', fieldPath: '.a', messageExpression: "'a is ' + string(self.a)" },
    ]);
    const errs = celRuleErrors(schema, 'openAPIV3Schema').map(formatFieldError);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(
      /^openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.messageExpression: Invalid value: apiextensions\.ValidationRule\{Rule:"self\.a > 0", .*\}: messageExpression compilation failed: ERROR: <input>:1:\d+: Syntax error: /,
    );
    expect(errs[1]).toBe('openAPIV3Schema.properties[spec].x-kubernetes-validations[0].fieldPath: Invalid value: ".b": fieldPath must be a valid path: does not refer to a valid field');
  });
});
