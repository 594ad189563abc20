// kubectl's JSONPath dialect (client-go util/jsonpath): the forms, the parse
// error messages, missing keys, evaluation errors, filters and the text
// `kubectl -o jsonpath` prints. Cases follow client-go's own parser and
// jsonpath tests where they exist.
import { describe, expect, it } from 'vitest';
import { compileJsonPath, isValidJsonPath, jsonPathValueText, parseJsonPathTemplate } from '../../src/api/jsonpath.js';

const nodes = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: { capacity: { cpu: '4' }, ready: true, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] },
    },
    {
      kind: 'None',
      metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } },
      status: {
        capacity: { cpu: '8' },
        ready: false,
        addresses: [
          { type: 'LegacyHostIP', address: '127.0.0.2' },
          { type: 'another', address: '127.0.0.3' },
        ],
      },
    },
  ],
  users: [
    { name: 'myself', user: {} },
    { name: 'e2e', user: { username: 'admin', password: 'secret' } },
  ],
};

const obj = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { replicas: 3, ratio: 0.5, paused: false, hosts: ['a', 'b', 'c', 'd'], nil: null, 'dotted.key': 'dk', empty: [] },
  status: {
    conditions: [
      { type: 'Available', status: 'True', observedGeneration: 2 },
      { type: 'Ready', status: 'False', reason: 'Pending' },
    ],
  },
};

const run = (tpl: string, data: unknown, allowMissingKeys = true) => parseJsonPathTemplate(tpl, { allowMissingKeys }).execute(data);

describe('JSONPath forms (compileJsonPath)', () => {
  it.each<[string, unknown[]]>([
    ['{.metadata.name}', ['web']],
    ['.metadata.name', ['web']],
    ['{$.metadata.name}', ['web']],
    ['{@.metadata.name}', ['web']],
    ['{ .metadata.name }', ['web']],
    ['.spec.replicas', [3]],
    ['.spec.paused', [false]],
    ['.spec.nil', [null]],
    ['.spec.hosts[0]', ['a']],
    ['.spec.hosts[-1]', ['d']],
    ['.spec.hosts[*]', ['a', 'b', 'c', 'd']],
    ['.spec.hosts[]', ['a']],
    ['.spec.hosts[1:3]', ['b', 'c']],
    ['.spec.hosts[:2]', ['a', 'b']],
    ['.spec.hosts[-2:]', ['c', 'd']],
    ['.spec.hosts[::2]', ['a', 'c']],
    ['.spec.hosts[1::2]', ['b', 'd']],
    ['.spec.hosts[0:-1]', ['a', 'b', 'c']],
    ['.spec.hosts[2:2]', []],
    ['.spec.hosts[0,2]', ['a', 'c']],
    ['.metadata.labels.*', ['web', 'front']],
    ["['metadata.name']", ['web']],
    ["['metadata.name', 'spec.replicas']", ['web', 3]],
    ['.spec.dotted\\.key', ['dk']],
    ["['spec']['dotted\\.key']", ['dk']],
    ['.status.conditions[?(@.type=="Ready")].status', ['False']],
    [".status.conditions[?(@.type=='Ready')].reason", ['Pending']],
    ['.status.conditions[?(@.type == "Ready")].status', ['False']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Available']],
    ['.status.conditions[?(@.observedGeneration)].type', ['Available']],
    ['.status.conditions[?(@.observedGeneration>=2)].type', ['Available']],
    ['.status.conditions[?(@.observedGeneration<2)].type', []],
    ['.status.conditions[?(.status=="True")].type', ['Available']],
    ['.status.conditions[*].type', ['Available', 'Ready']],
    ['..type', ['Available', 'Ready']],
    ['.status..status', ['True', 'False']],
    ['.metadata.labels[?(@=="front")]', ['front']],
    ['.spec.replicas[?(@==3)]', [3]],
    ['{.metadata.name}/{.spec.replicas}', ['web', '/', 3]],
    ['{"literal"}', ['literal']],
    ['{.missing}', []],
    ['{.spec.empty[*]}', []],
  ])('%s', (expr, want) => {
    expect(compileJsonPath(expr)(obj)).toEqual(want);
  });

  it('parses once: the same expression gives the same compiled function', () => {
    expect(compileJsonPath('.metadata.name')).toBe(compileJsonPath('.metadata.name'));
  });

  it('evaluates the same compiled path on many objects (range state does not leak)', () => {
    const f = compileJsonPath('{range .items[*]}{.n}{end}');
    expect(f({ items: [{ n: 1 }, { n: 2 }] })).toEqual([1, 2]);
    expect(f({ items: [{ n: 3 }] })).toEqual([3]);
  });
});

describe('kubectl -o jsonpath output (client-go jsonpath tests)', () => {
  it.each<[string, unknown, string]>([
    ['{range .items[*]}{.metadata.name}, {end}{.kind}', nodes, '127.0.0.1, 127.0.0.2, List'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{end}', nodes, '127.0.0.1\t127.0.0.2\t'],
    ['{.items[*].status.addresses[*].address}', nodes, '127.0.0.1 127.0.0.2 127.0.0.3'],
    ['{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}', nodes, '127.0.0.1, 127.0.0.2, 127.0.0.3, '],
    ["{.items[*]['metadata.name', 'status.capacity']}", nodes, '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'],
    ['{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', nodes, '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '],
    ['{.users[?(@.name=="e2e")].user.password}', nodes, 'secret'],
    ['{.items[0].metadata.labels.kubernetes\\.io/hostname}', nodes, '127.0.0.1'],
    ['{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', nodes, 'None'],
    ['{.items[?(@..ready==true)].metadata.name}', nodes, '127.0.0.1'],
    ['{..name}', nodes, '127.0.0.1 127.0.0.2 myself e2e'],
    ['hello jsonpath', null, 'hello jsonpath'],
    ['{..}', [1, 2, 3], '[1,2,3]'],
    ['{[?(@<5)]}', [2, 6, 3, 7], '2 3'],
    ['{"{"}', null, '{'],
    ['{[1,3,4]}', [0, 1, 2, 3, 4], '1 3 4'],
    ['{[0:2]}', ['Monday', 'Tuesday'], 'Monday Tuesday'],
    ['before-{.hello}after', {}, 'before-after'],
    ['{range .items[*]}{.metadata.name}{end}', { items: [] }, ''],
    ['{range .items[*]}{.n}{end}-{.kind}', { kind: 'K', items: [] }, '-K'],
    ['{range .items[*]}{.n},{end}-{.kind}', { kind: 'K', items: [{ n: 1 }, { n: 2 }] }, '1,2,-K'],
    ['{range .a[*]}{range .b[*]}{@}{end};{end}', { a: [{ b: [1, 2] }, { b: [] }, { b: [3] }] }, '12;;3;'],
    ['{range .a[*]}{@}{end}{end}', { a: [] }, 'ERROR not in range, nothing to end'],
    [
      '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
      { items: [{ metadata: { name: 'pod1' }, spec: { containers: [{ name: 'foo' }, { name: 'bar' }] } }, { metadata: { name: 'pod2' }, spec: { containers: [{ name: 'baz' }] } }] },
      'pod1:foo,bar,+pod2:baz,+',
    ],
    ['{.a}', { a: { z: 1, b: [1.5, 'x<y&z', null, true], a: 1e21 } }, '{"a":1e+21,"b":[1.5,"x\\u003cy\\u0026z",null,true],"z":1}'],
    ['{.s}', { s: 'tab\there "quoted"' }, 'tab\there "quoted"'],
    ['{.l}', { l: ['a\nb'] }, '["a\\nb"]'],
    ["{.t} {.f} {.n}", { t: true, f: false, n: null }, 'true false <nil>'],
  ])('%s', (tpl, data, want) => {
    if (want.startsWith('ERROR ')) expect(() => run(tpl, data)).toThrow(want.slice(6));
    else expect(run(tpl, data)).toBe(want);
  });
});

describe('values as kubectl prints them', () => {
  it.each<[unknown, string]>([
    ['text', 'text'],
    [3, '3'],
    [-42, '-42'],
    [9007199254740992, '9007199254740992'],
    [0.5, '0.5'],
    [123456.7, '123456.7'],
    [1234567.5, '1.2345675e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [true, 'true'],
    [null, '<nil>'],
    [{ b: 1, a: { d: [], c: {} } }, '{"a":{"c":{},"d":[]},"b":1}'],
    [['<', '>', '&', '\u2028', '\u0001', '\b\f'], '["\\u003c","\\u003e","\\u0026","\\u2028","\\u0001","\\b\\f"]'],
  ])('%j → %s', (v, text) => {
    expect(jsonPathValueText(v)).toBe(text);
  });
});

describe('parse errors (Kubernetes messages)', () => {
  it.each<[string, string]>([
    ['{.hello', 'unclosed action'],
    ['{.a\n}', 'unclosed action'],
    ['{*}', "unrecognized character in action: U+002A '*'"],
    ['{.a || .b}', "unrecognized character in action: U+007C '|'"],
    ['{\t.a}', 'unrecognized character in action: U+0009'],
    ['{+12.3.0}', 'cannot parse number +12.3.0'],
    ['{-}', 'cannot parse number -'],
    ['{[1}', 'unterminated array'],
    ['{[?(.price]}', 'unterminated filter'],
    ['{[?(@.a=="x")}', 'unclosed array expect ]'],
    ['{........}', 'invalid multiple recursive descent'],
    ['{.a[x]}', 'invalid array index x'],
    ['{.a["x"]}', 'invalid array index "x"'],
    ['{.a[-]}', 'array index - is not a number'],
    ['{"abc}', 'unterminated quoted string'],
    ['{"\\q"}', 'unquote string "\\q" error invalid syntax'],
    ['{"it\\\'s"}', 'unquote string "it\\\'s" error invalid syntax'],
  ])('%j → %s', (tpl, message) => {
    expect(() => parseJsonPathTemplate(tpl)).toThrow(new Error(message));
  });

  it('compileJsonPath throws the same messages, with or without braces', () => {
    expect(() => compileJsonPath('.a[x]')).toThrow('invalid array index x');
    expect(() => compileJsonPath('{.a[1}')).toThrow('unterminated array');
  });

  it('accepts quoted escapes as Go unquotes them', () => {
    expect(run('{"a\\tb\\u00e9\\x41\\101\\\\z"}', null)).toBe('a\tbéAA\\z');
    // as in client-go, a quote right after a backslash never closes the string
    expect(() => run('{"a\\\\"}', null)).toThrow('unterminated quoted string');
    expect(run("{'say \"hi\"'}", null)).toBe('say "hi"');
    expect(run("{[?(@.s == '\\\\\\'')].n}", [{ s: "\\'", n: 1 }])).toBe('1');
    expect(run('{[?(@.s == "())(")].n}', [{ s: '())(', n: 2 }])).toBe('2');
  });
});

describe('missing keys and evaluation errors', () => {
  it.each<[string, unknown, string]>([
    ['{.hello}', { a: 1 }, 'hello is not found'],
    ['{.a.b}', { a: 'str' }, 'b is not found'],
    ['{.items[?(@.metadata.annotations.color=="blue")].metadata.name}', { items: [{ metadata: { name: 'p1' } }] }, 'annotations is not found'],
  ])('%s errors when keys must exist, yields nothing when they may be missing', (tpl, data, message) => {
    expect(() => run(tpl, data, false)).toThrow(message);
    expect(run(tpl, data, true)).toBe('');
  });

  it.each<[string, unknown, string]>([
    ['{.a[0]}', { a: { x: 1 } }, 'map[string]interface {} is not array or slice'],
    ['{.a[0]}', { a: 'text' }, 'string is not array or slice'],
    ['{.a[*]}', { a: { x: 1 } }, 'map[string]interface {} is not array or slice'],
    ['{.a[0]}', { a: 2 }, 'int64 is not array or slice'],
    ['{.a[5]}', { a: [1, 2] }, 'array index out of bounds: index 5, length 2'],
    ['{.a[-3]}', { a: [1, 2] }, 'array index out of bounds: index -1, length 2'],
    ['{.a[0:9]}', { a: [1, 2] }, 'array index out of bounds: index 8, length 2'],
    ['{.a[0]}', { a: [] }, 'array index out of bounds: index 0, length 0'],
    ['{.a[3:1]}', { a: [1, 2, 3, 4] }, 'starting index 3 is greater than ending index 1'],
    ['{.a[0:2:0]}', { a: [1, 2] }, 'step must be > 0'],
    ['{.a[?(@.x=="1")]}', { a: [{ x: 1 }] }, ''],
    ['{.a[?(@.x[*]=="1")]}', { a: [{ x: ['1', '2'] }] }, 'can only compare one element at a time'],
    ['{.a[?(@.x<>1)]}', { a: [{ x: 1 }] }, 'unrecognized filter operator <>'],
    ['{hello}', {}, 'unrecognized identifier hello'],
    ['{range .a[*]}{@}{end}{end}', { a: [1] }, 'not in range, nothing to end'],
  ])('%s on %j', (tpl, data, message) => {
    if (message === '') expect(run(tpl, data)).toBe('');
    else expect(() => run(tpl, data)).toThrow(message);
  });
});

describe('filters compare like client-go', () => {
  const items = [{ v: 1 }, { v: 2.5 }, { v: 'b' }, { v: 'a' }, { v: true }, { v: null }, { v: { x: 1 } }, {}];
  const names = (tpl: string) => compileJsonPath(tpl)(items).map((i) => JSON.stringify((i as { v?: unknown }).v ?? null));
  it.each<[string, string[]]>([
    ['[?(@.v==1)]', ['1']],
    ['[?(@.v<2)]', ['1']],
    ['[?(@.v>1)]', ['2.5']],
    ['[?(@.v>=2.5)]', ['2.5']],
    ['[?(@.v<="a")]', ['"a"']],
    ['[?(@.v>"a")]', ['"b"']],
    ['[?(@.v==true)]', ['true']],
    ['[?(@.v<true)]', []],
    // a failed == (other type, null, a map) makes != hold; a missing field never matches
    ['[?(@.v!="a")]', ['1', '2.5', '"b"', 'true', 'null', '{"x":1}']],
    ['[?(@.v)]', ['1', '2.5', '"b"', '"a"', 'true', 'null', '{"x":1}']],
  ])('%s', (tpl, want) => {
    expect(names(`{${tpl}}`)).toEqual(want);
  });
});

describe('isValidJsonPath (apiextensions validateSimpleJSONPath)', () => {
  it.each<[string, boolean]>([
    ['.spec.replicas', true],
    ['.status.conditions[?(@.type=="Ready")].status', true],
    ['.', true],
    ['', false],
    ['spec.replicas', false],
    ['{.spec.replicas}', false],
    ['$.spec.replicas', false],
  ])('%j → %s', (expr, valid) => {
    expect(isValidJsonPath(expr)).toBe(valid);
  });
});
