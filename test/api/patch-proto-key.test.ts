// A JSON member named "__proto__" is an ordinary key (a ConfigMap key may be
// exactly that). Found by test/fuzz/patch.test.ts: seed 1279429393,
// counterexample a = {}, b = {"": {"__proto__": 0}} — plain assignment set the
// prototype and the key vanished from the merged object.
import { describe, expect, it } from 'vitest';
import { createMergePatch, mergePatch } from '../../src/api/patch/merge-patch.js';
import { applyPatch } from '../../src/api/patch/index.js';
import { createTwoWayMergePatch, strategicMergePatch } from '../../src/api/patch/strategic.js';

const protoMember = (v: unknown) => JSON.parse(`{"__proto__": ${JSON.stringify(v)}}`) as Record<string, unknown>;

describe('a member named __proto__', () => {
  it('survives createMergePatch + mergePatch (the pinned fuzz counterexample)', () => {
    const a = {};
    const b = { '': protoMember(0) };
    const merged = mergePatch(structuredClone(a), createMergePatch(a, b)) as Record<string, Record<string, unknown>>;
    expect(merged).toEqual(b);
    expect(Object.prototype.hasOwnProperty.call(merged[''], '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(merged[''])).toBe(Object.prototype);
  });

  it('is added, changed and removed by a merge patch like any key', () => {
    const added = mergePatch({ a: 1 }, protoMember('x')) as Record<string, unknown>;
    expect(Object.keys(added)).toEqual(['a', '__proto__']);
    expect(mergePatch(added, protoMember(null))).toEqual({ a: 1 });
    expect(createMergePatch({}, protoMember(1))).toEqual(protoMember(1));
    expect(createMergePatch(protoMember(1), {})).toEqual(protoMember(null));
  });

  it('survives a strategic two-way diff and merge on a ConfigMap', () => {
    const sa = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} };
    const sb = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: protoMember('v') };
    const out = strategicMergePatch(structuredClone(sa), createTwoWayMergePatch(sa, sb, 'ConfigMap'), 'ConfigMap') as typeof sb;
    expect(Object.keys(out.data)).toEqual(['__proto__']);
    expect(out).toEqual(sb);
  });

  it('is set by a JSON patch add, and never reaches Object.prototype', () => {
    const doc = { data: {} };
    const out = applyPatch(doc, 'json', [{ op: 'add', path: '/data/__proto__', value: { polluted: true } }], 'ConfigMap') as { data: object };
    expect(Object.keys(out.data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
