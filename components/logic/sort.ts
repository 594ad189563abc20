// Sorting table rows by a column: by the column's sortBy value when it has one
// (AGE sorts by time, READY by ratio), else by the cell text with numbers
// compared as numbers. Ties fall back to namespace/name so the order is stable.
import type { KubeObject } from '../../src/api/meta.js';
import type { Column, SortSpec } from '../render/types.js';

export interface SortableRow {
  obj: KubeObject;
  cells: string[];
}

function cmp(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = typeof a === 'string' ? Number(a) : a;
  const nb = typeof b === 'string' ? Number(b) : b;
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return (na as number) - (nb as number);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function tieKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function tie(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns a new sorted array; unknown columns leave the namespace/name order. */
export function sortRows<R extends SortableRow>(rows: readonly R[], columns: readonly Column[], sort: SortSpec | undefined, now: number): R[] {
  const idx = sort ? columns.findIndex((c) => c.name === sort.column) : -1;
  // Decorate once: keys may be costly and sort compares n·log n times.
  if (idx < 0) {
    const keyed = rows.map((r) => ({ r, t: tieKey(r.obj) }));
    keyed.sort((a, b) => tie(a.t, b.t));
    return keyed.map((x) => x.r);
  }
  const col = columns[idx];
  const dir = sort!.asc ? 1 : -1;
  const keyed = rows.map((r) => ({ r, k: col.sortBy ? col.sortBy(r.obj, now) : r.cells[idx], t: tieKey(r.obj) }));
  keyed.sort((a, b) => dir * cmp(a.k, b.k) || tie(a.t, b.t));
  return keyed.map((x) => x.r);
}

/** The order sortRows puts two rows in (negative: a first), for merging rows into an already sorted table. */
export function compareRows(a: SortableRow, b: SortableRow, columns: readonly Column[], sort: SortSpec | undefined, now: number): number {
  const idx = sort ? columns.findIndex((c) => c.name === sort.column) : -1;
  if (idx < 0) return tie(tieKey(a.obj), tieKey(b.obj));
  const col = columns[idx];
  const key = (r: SortableRow) => (col.sortBy ? col.sortBy(r.obj, now) : r.cells[idx]);
  return (sort!.asc ? 1 : -1) * cmp(key(a), key(b)) || tie(tieKey(a.obj), tieKey(b.obj));
}
