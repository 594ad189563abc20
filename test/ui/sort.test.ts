// sortRows decorates each row with a key read once (numbers parsed once, tie
// keys and timeless sortBy values remembered per object). These tests hold it
// to the plain rule it replaced: two numbers (or numeric texts, not '') compare
// as numbers, anything else as text, ties by namespace/name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRows, sortRows } from '../../components/logic/sort.js';
import type { Column, SortSpec } from '../../components/render/types.js';
import type { KubeObject } from '../../src/api/meta.js';

/** The comparison sort.ts made before keys were decorated: the reference. */
function cmp(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = typeof a === 'string' ? Number(a) : a;
  const nb = typeof b === 'string' ? Number(b) : b;
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return (na as number) - (nb as number);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const keyArb = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0.5),
  fc.constantFrom('', '3', '10', '2.5', ' ', 'abc', 'B', '1e3', '0x1f', '<none>', '-1', 'NaN'),
);

const rowArb = fc.record({ ns: fc.constantFrom('a', 'b'), name: fc.constantFrom('x', 'y', 'z', 'w'), key: keyArb, cell: keyArb.map(String) });

function obj(ns: string, name: string, key: number | string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, annotations: { key: String(key) } } } as KubeObject;
}

describe('sortRows', () => {
  it('orders as the plain comparison does, by sortBy values and by cell text, both directions', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 25 }), fc.boolean(), fc.boolean(), (specs, asc, bySortBy) => {
        const keys = new Map<KubeObject, number | string>();
        const rows = specs.map((s) => {
          const o = obj(s.ns, s.name, s.key);
          keys.set(o, s.key);
          return { obj: o, cells: ['', s.cell] };
        });
        const col: Column = bySortBy ? { name: 'K', priority: 0, sortBy: (o) => keys.get(o)! } : { name: 'K', priority: 0 };
        const columns = [{ name: 'NAME', priority: 0 }, col];
        const sort: SortSpec = { column: 'K', asc };
        const key = (r: (typeof rows)[number]) => (bySortBy ? keys.get(r.obj)! : r.cells[1]);
        const tie = (r: (typeof rows)[number]) => `${r.obj.metadata.namespace}/${r.obj.metadata.name}`;
        const expected = [...rows].sort((a, b) => (asc ? 1 : -1) * cmp(key(a), key(b)) || (tie(a) < tie(b) ? -1 : tie(a) > tie(b) ? 1 : 0));
        const got = sortRows(rows, columns, sort, 0);
        expect(got.map((r) => [tie(r), String(key(r))])).toEqual(expected.map((r) => [tie(r), String(key(r))]));
        // compareRows agrees with the order sortRows made.
        for (let i = 1; i < got.length; i++) expect(compareRows(got[i - 1], got[i], columns, sort, 0)).not.toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a timeless sortBy once per object, and a clock-dependent one every sort', () => {
    const objs = [obj('a', 'x', 1), obj('a', 'y', 2), obj('a', 'z', 3)];
    let timeless = 0;
    let timed = 0;
    const cols: Column[] = [
      { name: 'T', priority: 0, sortBy: (o) => (timeless++, o.metadata.name ?? '') },
      { name: 'AGE', priority: 0, sortBy: (o, now) => (timed++, now) },
    ];
    const rows = objs.map((o) => ({ obj: o, cells: ['', ''] }));
    sortRows(rows, cols, { column: 'T', asc: true }, 0);
    sortRows(rows, cols, { column: 'T', asc: false }, 0);
    expect(timeless).toBe(3);
    sortRows(rows, cols, { column: 'AGE', asc: true }, 0);
    sortRows(rows, cols, { column: 'AGE', asc: true }, 1);
    expect(timed).toBe(6);
  });
});
