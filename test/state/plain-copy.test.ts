// The store's copy must be exactly the JSON round trip it replaced, share only
// deeply frozen plain JSON, and never hand back anything the caller can still mutate.
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../state/freeze.js';
import { storeCopy } from '../../state/plain-copy.js';

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('storeCopy', () => {
  it('equals the JSON round trip, key order included', () => {
    const input = {
      kind: 'Pod',
      metadata: { name: 'a', labels: { b: '1', a: '2', 10: 'x', 2: 'y' }, gone: undefined },
      spec: { n: -0, inf: Infinity, nan: NaN, list: [1, undefined, () => 1, null, 'x'], f: () => 1 },
      status: null,
    };
    const out = storeCopy(input);
    expect(JSON.stringify(out)).toBe(JSON.stringify(viaJson(input)));
    expect(out).toStrictEqual(viaJson(input));
    expect(Object.keys(out.metadata)).toEqual(['name', 'labels']);
    expect(Object.is(out.spec.n, 0)).toBe(true);
  });

  it('copies every mutable part and always a fresh root and metadata', () => {
    const spec = deepFreeze({ containers: [{ name: 'c' }] });
    const meta = deepFreeze({ name: 'a', labels: { x: '1' } });
    const input = deepFreeze({ kind: 'Pod', metadata: meta, spec, status: { phase: 'Running' } });
    const out = storeCopy(input);
    expect(out).not.toBe(input);
    expect(Object.isFrozen(out)).toBe(false);
    expect(out.metadata).not.toBe(meta);
    expect(Object.isFrozen(out.metadata)).toBe(false);
    expect(out.metadata.labels).toBe(meta.labels); // frozen and plain: shared
    expect(out.spec).toBe(spec);

    const mutable = { kind: 'Pod', metadata: { name: 'a' }, spec, status: { phase: 'Pending', c: [{ a: 1 }] } };
    const out2 = storeCopy(mutable);
    expect(out2.status).not.toBe(mutable.status);
    expect(out2.status.c[0]).not.toBe(mutable.status.c[0]);
    expect(out2.spec).toBe(spec);
  });

  it('does not share a frozen object holding a mutable or non-JSON part', () => {
    const inner = { a: 1 };
    const shallow = Object.freeze({ inner });
    const withUndef = Object.freeze({ a: 1, b: undefined });
    const out = storeCopy({ metadata: {}, shallow, withUndef });
    expect(out.shallow).not.toBe(shallow);
    expect(out.shallow.inner).not.toBe(inner);
    expect(out.withUndef).not.toBe(withUndef);
    expect(Object.keys(out.withUndef)).toEqual(['a']);
  });

  it('falls back to JSON for non-plain values', () => {
    const d = new Date(0);
    const input = { metadata: { name: 'a' }, when: d, custom: { toJSON: () => 'T' } };
    expect(storeCopy(input)).toStrictEqual(viaJson(input));
    const cyclic: Record<string, unknown> = { metadata: {} };
    cyclic.self = cyclic;
    expect(() => storeCopy(cyclic)).toThrow(TypeError);
    expect(() => storeCopy({ metadata: {}, n: 1n })).toThrow(TypeError);
    const proto = JSON.parse('{"metadata":{},"__proto__":{"x":1}}');
    expect(storeCopy(proto)).toStrictEqual(viaJson(proto));
  });
});
