// The server-side table of custom resources from additionalPrinterColumns, as
// kube-apiserver's apiextensions tableconvertor builds it: column definitions,
// cells per column type, missing values, dates against a fixed clock, the
// Ready-condition filter and the default Age column.
import { describe, expect, it } from 'vitest';
import type { PrinterColumn } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { DEFAULT_PRINTER_COLUMNS, customPrinter, parseRfc3339 } from '../../src/apiserver/printers/custom.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function cr(spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'default', creationTimestamp: ago(300), ...meta },
    spec,
    status,
  } as KubeObject;
}

/** The one custom cell of a single-column printer. */
function cell(type: string, jsonPath: string, obj: KubeObject): unknown {
  return customPrinter([{ name: 'C', type, jsonPath }]).cells(obj, NOW)[1];
}

describe('columns', () => {
  it('a CRD version without printer columns gets Name and an Age date column on .metadata.creationTimestamp', () => {
    const p = customPrinter([]);
    expect(p.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Age', 'date', '', 0],
    ]);
    expect(p.columns[1].description).toBe(DEFAULT_PRINTER_COLUMNS[0].description);
    expect(p.cells(cr(), NOW)).toEqual(['w1', '5m']);
  });

  it('Name, then the printer columns in order, with type, format, priority and description passed through', () => {
    const cols: PrinterColumn[] = [
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', format: 'int32' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Ready condition' },
      { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1, format: 'password' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ];
    const p = customPrinter(cols);
    expect(p.columns).toEqual([
      expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
      { name: 'Replicas', type: 'integer', format: 'int32', priority: 0, description: 'Custom resource definition column (in JSONPath format): .spec.replicas' },
      { name: 'Ready', type: 'string', format: '', priority: 0, description: 'Ready condition' },
      { name: 'Image', type: 'string', format: 'password', priority: 1, description: 'Custom resource definition column (in JSONPath format): .spec.image' },
      { name: 'Age', type: 'date', format: '', priority: 0, description: 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp' },
    ]);
    // wide-only columns still get their cell (kubectl hides priority ≠ 0 columns without -o wide); format never changes a value
    const obj = cr({ replicas: 3, image: 'nginx:1' }, { conditions: [{ type: 'Ready', status: 'True' }] });
    expect(p.cells(obj, NOW)).toEqual(['w1', 3, 'True', 'nginx:1', '5m']);
  });

  it('a column whose path does not parse ends the columns there, as the API server keeps what it built before the error', () => {
    const p = customPrinter([
      { name: 'A', type: 'string', jsonPath: '.spec.a' },
      { name: 'Bad', type: 'string', jsonPath: '.spec.b[' },
      { name: 'C', type: 'string', jsonPath: '.spec.c' },
    ]);
    expect(p.columns.map((c) => c.name)).toEqual(['Name', 'A']);
    expect(p.cells(cr({ a: 'x', c: 'z' }), NOW)).toEqual(['w1', 'x']);
    // `{…}` around the path is itself an error (the server wraps the path in braces)
    expect(customPrinter([{ name: 'A', type: 'string', jsonPath: '{.spec.a}' }]).columns.map((c) => c.name)).toEqual(['Name']);
  });

  it('caches the printer per columns array, so a 10,000-row table parses nothing per row', () => {
    const cols: PrinterColumn[] = [
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ];
    const p = customPrinter(cols);
    expect(customPrinter(cols)).toBe(p);
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      p.cells(cr({ replicas: i }, { conditions: [{ type: 'Synced', status: 'True' }, { type: 'Ready', status: i % 2 ? 'True' : 'False' }] }, { name: `w${i}` }), NOW),
    );
    expect(rows[0]).toEqual(['w0', 'False', 0, '5m']);
    expect(rows[9_999]).toEqual(['w9999', 'True', 9_999, '5m']);
  });
});

describe('string columns print values as kubectl -o jsonpath does', () => {
  const obj = cr({
    text: 'hello',
    int: 42,
    float: 2.5,
    big: 1234567.5,
    bool: true,
    nil: null,
    list: ['a', 'b'],
    map: { b: 1, a: '<x>' },
    empty: '',
  });
  it.each<[string, unknown]>([
    ['.spec.text', 'hello'],
    ['.spec.int', '42'],
    ['.spec.float', '2.5'],
    ['.spec.big', '1.2345675e+06'],
    ['.spec.bool', 'true'],
    ['.spec.nil', '<no value>'],
    ['.spec.list', '["a","b"]'],
    ['.spec.list[*]', 'a'],
    ['.spec.map', '{"a":"\\u003cx\\u003e","b":1}'],
    ['.spec.empty', ''],
    ['.spec.missing', ''],
    ['.missing.deeper.still', ''],
    ['.spec.list[5]', ''],
    ['.spec.text[0]', ''],
  ])('%s → %j', (path, want) => {
    expect(cell('string', path, obj)).toEqual(want);
  });
});

describe('typed columns (tableconvertor cellForJSONValue)', () => {
  const obj = cr({ int: 7, float: 7.9, neg: -7.9, zero: 0, str: '7', bool: false, nil: null, list: [1], map: { a: 1 } });
  it.each<[string, string, unknown]>([
    ['integer', '.spec.int', 7],
    ['integer', '.spec.float', 7],
    ['integer', '.spec.neg', -7],
    ['integer', '.spec.zero', 0],
    ['integer', '.spec.str', ''],
    ['integer', '.spec.bool', ''],
    ['integer', '.spec.nil', ''],
    ['integer', '.spec.missing', ''],
    ['number', '.spec.int', 7],
    ['number', '.spec.float', 7.9],
    ['number', '.spec.str', ''],
    ['number', '.spec.list', ''],
    ['boolean', '.spec.bool', false],
    ['boolean', '.spec.str', ''],
    ['boolean', '.spec.int', ''],
    ['boolean', '.spec.missing', ''],
    ['date', '.spec.int', ''],
    ['date', '.spec.map', ''],
    ['date', '.spec.missing', ''],
    ['unknown-type', '.spec.int', ''],
  ])('%s %s → %j', (type, path, want) => {
    expect(cell(type, path, obj)).toEqual(want);
  });
});

describe('date columns: age against a fixed now', () => {
  it.each<[string, string]>([
    [ago(0), '0s'],
    [ago(45), '45s'],
    [ago(300), '5m'],
    [ago(3 * 3600 + 600), '3h10m'],
    [ago(50 * 3600), '2d2h'],
    [ago(400 * 86400), '400d'],
    ['2026-01-01T11:55:00Z', '5m'],
    ['2026-01-01T11:55:00.123456789Z', '4m59s'],
    ['2026-01-01T11:55:00,5Z', '4m59s'],
    ['2026-01-01T13:55:00+02:00', '5m'],
    ['2026-01-01T06:55:00-05:00', '5m'],
    ['2026-01-01T12:00:01Z', '0s'],
    ['2026-01-01T12:00:05Z', '<invalid>'],
    ['1700-01-01T00:00:00Z', '292y'],
    ['0001-01-01T00:00:00Z', '<unknown>'],
    ['', '<unknown>'],
    ['null', '<unknown>'],
    ['2026-01-01', '<invalid>'],
    ['2026-01-01 11:55:00Z', '<invalid>'],
    ['2026-01-01t11:55:00z', '<invalid>'],
    ['2026-02-29T00:00:00Z', '<invalid>'],
    ['2026-01-01T24:00:00Z', '<invalid>'],
    ['2026-01-01T11:60:00Z', '<invalid>'],
    ['yesterday', '<invalid>'],
  ])('%j → %s', (ts, want) => {
    expect(cell('date', '.metadata.creationTimestamp', cr({}, {}, { creationTimestamp: ts }))).toBe(want);
  });

  it('parses RFC 3339 as Go does, leap days and one-digit hours included', () => {
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseRfc3339('2026-01-01T1:02:03Z')).toBe(Date.parse('2026-01-01T01:02:03Z'));
    expect(parseRfc3339('0099-06-01T00:00:00Z')).toBe(Date.parse('0099-06-01T00:00:00Z'));
  });
});

describe('condition and filter columns', () => {
  const ready = (conditions: unknown) => cell('string', '.status.conditions[?(@.type=="Ready")].status', cr({}, { conditions }));
  it.each<[string, unknown, unknown]>([
    ['Ready True', [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }], 'True'],
    ['Ready False', [{ type: 'Ready', status: 'False' }], 'False'],
    ['no Ready condition', [{ type: 'Synced', status: 'True' }], ''],
    ['no conditions', [], ''],
    ['conditions null', null, ''],
    ['a condition without status', [{ type: 'Ready' }], ''],
    ['two Ready conditions: the first', [{ type: 'Ready', status: 'Unknown' }, { type: 'Ready', status: 'True' }], 'Unknown'],
  ])('%s', (_what, conditions, want) => {
    expect(ready(conditions)).toEqual(want);
  });

  it('filters feed typed columns too', () => {
    const obj = cr({}, { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: ago(90), observedGeneration: 4 }] });
    expect(cell('date', '.status.conditions[?(@.type=="Ready")].lastTransitionTime', obj)).toBe('90s');
    expect(cell('integer', '.status.conditions[?(@.type=="Ready")].observedGeneration', obj)).toBe(4);
    expect(cell('string', '.status.conditions[?(@.status!="True")].type', obj)).toBe('');
  });

  it('the first of several results is the value', () => {
    const obj = cr({ ports: [{ port: 80 }, { port: 443 }] });
    expect(cell('integer', '.spec.ports[*].port', obj)).toBe(80);
    expect(cell('string', '.spec.ports[-1].port', obj)).toBe('443');
  });
});
