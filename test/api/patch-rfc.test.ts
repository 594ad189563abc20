// RFC 7386 (JSON merge patch) and RFC 6902 (JSON patch) appendix examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyPatch, createMergePatch, mergePatch } from '../../src/api/patch/index.js';

describe('JSON merge patch: RFC 7386 Appendix A', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  cases.forEach(([target, patch, want], i) => {
    it(`example ${i + 1}`, () => {
      const before = JSON.stringify(target);
      expect(mergePatch(target, patch)).toEqual(want);
      expect(JSON.stringify(target)).toBe(before); // target untouched
    });
  });

  it('is what applyPatch does for type merge (also from a JSON string)', () => {
    const obj = { metadata: { name: 'x', labels: { a: '1', b: '2' } }, spec: { replicas: 1 } };
    expect(applyPatch(obj, 'merge', '{"metadata":{"labels":{"a":null}},"spec":{"replicas":3}}', 'Deployment')).toEqual({
      metadata: { name: 'x', labels: { b: '2' } },
      spec: { replicas: 3 },
    });
  });

  // JSON values without nulls (a merge patch cannot set a member to null).
  const jsonNoNull: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { maxDepth: 3 },
      fc.string({ maxLength: 3 }),
      fc.integer(),
      fc.boolean(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('property: applying the diff of two documents reproduces the target', () => {
    fc.assert(
      fc.property(jsonNoNull, jsonNoNull, (a, b) => {
        expect(mergePatch(a, createMergePatch(a, b))).toEqual(b);
      }),
      { numRuns: 400 },
    );
  });
});

describe('JSON patch: RFC 6902 Appendix A', () => {
  it('A.1 adding an object member', () => {
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ baz: 'qux', foo: 'bar' });
  });
  it('A.2 adding an array element', () => {
    expect(applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
  });
  it('A.3 removing an object member', () => {
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
  });
  it('A.4 removing an array element', () => {
    expect(applyJsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({ foo: ['bar', 'baz'] });
  });
  it('A.5 replacing a value', () => {
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
  });
  it('A.6 moving a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    expect(applyJsonPatch(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
  });
  it('A.7 moving an array element', () => {
    expect(applyJsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });
  it('A.8 testing a value: success', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    expect(
      applyJsonPatch(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual(doc);
  });
  it('A.9 testing a value: error', () => {
    expect(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }])).toThrow('testing value /baz failed: test failed');
  });
  it('A.10 adding a nested member object', () => {
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({ foo: 'bar', child: { grandchild: {} } });
  });
  it('A.11 ignoring unrecognized elements', () => {
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 } as never])).toEqual({ foo: 'bar', baz: 'qux' });
  });
  it('A.12 adding to a nonexistent target', () => {
    expect(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toThrow(
      'add operation does not apply: doc is missing path: "/baz/bat"',
    );
  });
  it('A.14 ~ escape ordering', () => {
    expect(applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }])).toEqual({ '/': 9, '~1': 10 });
    expect(applyJsonPatch({ 'a/b': 1 }, [{ op: 'replace', path: '/a~1b', value: 2 }])).toEqual({ 'a/b': 2 });
  });
  it('A.15 comparing strings and numbers', () => {
    expect(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).toThrow('test failed');
  });
  it('A.16 adding an array value', () => {
    expect(applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({ foo: ['bar', ['abc', 'def']] });
  });

  it('copy, whole-document replace, and failures leave the input untouched', () => {
    const doc = { a: { b: [1, 2] } };
    expect(applyJsonPatch(doc, [{ op: 'copy', from: '/a/b', path: '/c' }])).toEqual({ a: { b: [1, 2] }, c: [1, 2] });
    expect(applyJsonPatch(doc, [{ op: 'replace', path: '', value: { z: 1 } }])).toEqual({ z: 1 });
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/a/b/-', value: 3 }, { op: 'remove', path: '/nope' }])).toThrow(
      'remove operation does not apply: doc is missing path: "/nope"',
    );
    expect(doc).toEqual({ a: { b: [1, 2] } });
  });

  it('errors for bad indexes, unknown ops and moves into a child', () => {
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }])).toThrow('Unable to access invalid index: 5');
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/-' }])).toThrow('invalid array index');
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'replace', path: '/b', value: 1 }])).toThrow('replace operation does not apply: doc is missing key: "/b"');
    expect(() => applyJsonPatch({}, [{ op: 'frob', path: '/a' } as never])).toThrow('Unexpected kind: frob');
    expect(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }])).toThrow('into its own child');
    expect(() => applyJsonPatch({}, { op: 'add' })).toThrow('a JSON patch must be a list of operations');
  });

  it('is what applyPatch does for type json (kubectl patch --type=json)', () => {
    const deploy = { spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } } } };
    const out = applyPatch(deploy, 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }], 'Deployment');
    expect(out).toEqual({ spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } } } });
  });
});
