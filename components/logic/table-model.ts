// From the objects of one kind to the rows a table shows: scope (namespace,
// drill-down selector, node), render cells, filter, sort. Pure, so the table
// tests and the bench exercise exactly what the UI runs.
import type { KubeObject, LabelSelector } from '../../src/api/meta.js';
import type { Column, Renderer, SortSpec } from '../render/types.js';
import { CellWidths, rememberWidths } from './fit-columns.js';
import { parseFilter } from './filter.js';
import { deltaOf } from './list-delta.js';
import type { StatusTone } from './pod-status.js';
import { selectorMatcher } from './selector.js';
import { rowComparator, sortRows } from './sort.js';

export interface TableRow {
  /** The object's uid (or namespace/name): cursor stability follows it. */
  id: string;
  obj: KubeObject;
  cells: string[];
  tone: StatusTone;
}

/** Narrows a table to what a drill-down asked for. */
export interface Scope {
  title: string;
  labels?: LabelSelector;
  nodeName?: string;
  ownerUid?: string;
}

export interface TableQuery {
  namespace: string; // '' all
  scope?: Scope;
  filter: string;
  sort?: SortSpec;
}

export interface TableModel {
  columns: Column[];
  /** A NAMESPACE column was put first (all namespaces of a namespaced kind). */
  withNamespace: boolean;
  rows: TableRow[];
  total: number;
  filterError?: string;
}

const NAMESPACE_COLUMN: Column = { name: 'NAMESPACE', priority: 1, sortBy: (o) => o.metadata.namespace ?? '' };

export function rowId(obj: KubeObject): string {
  return obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

export function inScope(obj: KubeObject, namespace: string, scope: Scope | undefined, labelMatch?: (l: Record<string, string> | undefined) => boolean): boolean {
  if (namespace && (obj.metadata.namespace ?? '') !== namespace) return false;
  if (!scope) return true;
  if (labelMatch && !labelMatch(obj.metadata.labels)) return false;
  if (scope.nodeName && (obj.spec as { nodeName?: string } | undefined)?.nodeName !== scope.nodeName) return false;
  if (scope.ownerUid && !obj.metadata.ownerReferences?.some((r) => r.uid === scope.ownerUid)) return false;
  return true;
}

/** One object's rendered row, with what sorting and the table rows reuse frame after frame. */
interface CachedRow {
  /** The renderer that made it: a kind whose columns changed (a CRD's printer columns) renders anew. */
  renderer: Renderer;
  now: number;
  cells: string[];
  tone: StatusTone;
  text?: string;
  /** The table rows built from it: [without, with] a leading NAMESPACE cell. */
  rows?: [TableRow | undefined, TableRow | undefined];
}

/** Per object in the last build: whether it was in scope (its row), and the build that last saw it. */
interface Seen {
  gen: number;
  inScope: boolean;
  row?: TableRow;
}

/** What the last build of a table looked like, so the next one only handles the objects that changed. */
interface LastBuild {
  /** What the set of rows depends on: the namespace column, namespace and scope. */
  signature: string;
  /** The sort the base is in. */
  sort: string;
  renderer: Renderer;
  scope: Scope | undefined;
  gen: number;
  /** The objects it was built from: a list whose recorded delta follows them is applied as that delta. */
  objects: readonly KubeObject[];
  seen: Map<KubeObject, Seen>;
  /** Every row in scope, sorted: a new filter only filters these again, it never re-sorts. */
  base: TableRow[];
  filter: string;
  /** Under a filter: whether each base row passes it. */
  shown?: Map<TableRow, boolean>;
  rows: TableRow[];
  widths: CellWidths;
}

/**
 * Rendered rows by object identity. Store objects are immutable (a change is a
 * new object, with a new resourceVersion), so a row is reused until its object
 * changes or the clock moves: a watch event re-renders one row, not ten thousand.
 */
export class RowCache {
  private map = new WeakMap<KubeObject, CachedRow>();
  /** The previous build (buildTable with this cache), for incremental rebuilds. */
  last?: LastBuild;

  /**
   * The row of an object at `now`. With `stale`, a row rendered at an earlier
   * time is good enough: off-screen rows only feed filtering, sorting (whose
   * order time does not change) and column widths; the visible window is
   * refreshed with refreshRow, so a clock tick re-renders ~50 rows, not 10,000.
   */
  get(renderer: Renderer, obj: KubeObject, now: number, stale = false): CachedRow {
    let e = this.map.get(obj);
    if (!e || e.renderer !== renderer || (!stale && e.now !== now)) {
      e = safeRow(renderer, obj, now);
      this.map.set(obj, e);
    }
    return e;
  }
}

/** A renderer that throws on an odd object shows the error in the row instead of taking the UI down. */
function safeRow(renderer: Renderer, obj: KubeObject, now: number): CachedRow {
  try {
    return { renderer, now, cells: renderer.row(obj, now), tone: renderer.color(obj) };
  } catch (err) {
    const cells = renderer.columns.map(() => '');
    cells[0] = obj.metadata.name ?? '';
    if (cells.length > 1) cells[cells.length - 1] = `<render error: ${(err as Error).message}>`;
    return { renderer, now, cells, tone: 'error' };
  }
}

/**
 * The table for `objects`. With a RowCache kept between frames (the UI keeps
 * one), a build touches only the objects that changed since the last one:
 * every row in scope is kept sorted (the base), changed and new rows are sorted
 * among themselves and merged in, and the filter is applied to the base in
 * order — so typing a filter filters again but never re-sorts, and a watch
 * event costs O(n) set lookups instead of an O(n log n) sort with fresh rows
 * and keys for every object. A new sort (or a clock-dependent sort key: AGE)
 * sorts the base again, keeping rows, filter results and widths. The result is
 * exactly what a full build gives; everything is built anew when the namespace,
 * scope or renderer changes.
 */
export function buildTable(objects: readonly KubeObject[], renderer: Renderer, namespaced: boolean, q: TableQuery, now: number, cache = new RowCache()): TableModel {
  const withNs = namespaced && !q.namespace;
  const columns = withNs ? [NAMESPACE_COLUMN, ...renderer.columns] : [...renderer.columns];
  const filter = parseFilter(q.filter);
  const labelMatch = q.scope?.labels ? selectorMatcher(q.scope.labels) : undefined;
  const sort = q.sort ?? renderer.defaultSort;
  const sortIdx = sort ? columns.findIndex((c) => c.name === sort.column) : -1;
  // A sortBy that takes `now` (ages) may order rows differently as time moves: those tables are sorted again in full.
  const timeless = sortIdx < 0 || (columns[sortIdx].sortBy?.length ?? 0) < 2;
  const signature = JSON.stringify([withNs, q.namespace, q.scope ?? null]);
  const sortSignature = JSON.stringify(sortIdx < 0 ? null : sort);
  const prev = cache.last;
  const last = prev && prev.signature === signature && prev.renderer === renderer && prev.scope === q.scope ? prev : undefined;
  const ordered = !!last && timeless && last.sort === sortSignature;

  const gen = (prev?.gen ?? 0) + 1;
  const seen = last ? last.seen : new Map<KubeObject, Seen>();
  const fresh: TableRow[] = [];
  const add = (obj: KubeObject) => {
    const inside = inScope(obj, q.namespace, q.scope, labelMatch);
    const row = inside ? tableRow(cache.get(renderer, obj, now, true), obj, withNs) : undefined;
    if (row) fresh.push(row);
    seen.set(obj, { gen, inScope: inside, row });
  };
  // The watch cache says what changed since the list this table was built from: only those objects are looked at.
  const delta = last ? deltaOf(objects) : undefined;
  const applied = !!delta && delta.from === last!.objects;
  const removed: TableRow[] = [];
  if (applied) {
    for (const obj of delta.removed) {
      const st = seen.get(obj);
      if (!st) continue;
      seen.delete(obj);
      if (st.row) removed.push(st.row);
    }
    for (const obj of delta.added) if (!seen.has(obj)) add(obj);
  } else {
    for (const obj of objects) {
      const before = last ? seen.get(obj) : undefined;
      if (before) {
        // Unchanged object: same scope, same row as last time.
        before.gen = gen;
        continue;
      }
      add(obj);
    }
  }
  let base: TableRow[];
  if (last) {
    // Rows of objects still present keep their order; the changed ones are merged in.
    let kept: TableRow[];
    if (applied) kept = removed.length ? without(last.base, removed, columns, sort, now, ordered) : last.base;
    else {
      kept = last.base.filter((r) => {
        if (seen.get(r.obj)!.gen === gen) return true;
        removed.push(r);
        return false;
      });
      // Objects gone or replaced by a newer version: forget them (only when there are any).
      if (seen.size > objects.length) for (const [o, st] of seen) if (st.gen !== gen) seen.delete(o);
    }
    if (!ordered) base = sortRows(fresh.length ? [...kept, ...fresh] : kept, columns, sort, now);
    else if (!fresh.length) base = removed.length ? kept : last.base;
    else base = mergeSorted(kept, sortRows(fresh, columns, sort, now), columns, sort, now);
  } else {
    base = sortRows(fresh, columns, sort, now);
  }

  // The filter: incremental while it stays the same, else one pass over the sorted base.
  const same = last && last.filter === q.filter ? last : undefined;
  let rows: TableRow[];
  let widths: CellWidths;
  let shown: Map<TableRow, boolean> | undefined;
  if (filter.kind === 'none') {
    rows = base;
    if (same) {
      widths = same.widths;
      for (const r of removed) widths.remove(r.cells);
      for (const r of fresh) widths.add(r.cells);
    } else widths = widthsOf(rows, columns.length);
  } else {
    shown = same?.shown ?? new Map<TableRow, boolean>();
    const passes = (r: TableRow): boolean => {
      let s = shown!.get(r);
      if (s === undefined) {
        const hit = cache.get(renderer, r.obj, now, true);
        hit.text ??= `${r.obj.metadata.namespace ?? ''} ${hit.cells.join(' ')}`;
        s = filter.test(hit.text, r.obj.metadata.labels);
        shown!.set(r, s);
      }
      return s;
    };
    if (same) {
      widths = same.widths;
      for (const r of removed) {
        if (shown.get(r)) widths.remove(r.cells);
        shown.delete(r);
      }
      for (const r of fresh) if (passes(r)) widths.add(r.cells);
      rows = base === same.base ? same.rows : base.filter(passes);
    } else {
      rows = base.filter(passes);
      widths = widthsOf(rows, columns.length);
    }
  }
  cache.last = { signature, sort: sortSignature, renderer, scope: q.scope, gen, objects, seen, base, filter: q.filter, shown, rows, widths };
  rememberWidths(rows, columns, widths);
  return { columns, withNamespace: withNs, rows, total: base.length, filterError: filter.error };
}

/**
 * `rows` less `gone` (rows of it), as a new array. In a base sorted by the
 * current order each gone row is found by binary search (the order is total:
 * ties fall back to the unique namespace/name), so the cost is a copy, not a
 * lookup per row; otherwise (a new sort follows) one pass with a set.
 */
function without(rows: readonly TableRow[], gone: readonly TableRow[], columns: readonly Column[], sort: SortSpec | undefined, now: number, sorted: boolean): TableRow[] {
  if (!sorted) {
    const set = new Set(gone);
    return rows.filter((r) => !set.has(r));
  }
  const compare = rowComparator(columns, sort, now);
  const at: number[] = [];
  for (const g of gone) {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(rows[mid], g) < 0) lo = mid + 1;
      else hi = mid;
    }
    // Keys that do not order (NaN) can mislead the search: then look the slow way.
    const i = rows[lo] === g ? lo : rows.indexOf(g);
    if (i >= 0) at.push(i);
  }
  at.sort((x, y) => x - y);
  const out: TableRow[] = [];
  let from = 0;
  for (const i of at) {
    for (let j = from; j < i; j++) out.push(rows[j]);
    from = i + 1;
  }
  for (let j = from; j < rows.length; j++) out.push(rows[j]);
  return out;
}

function widthsOf(rows: readonly TableRow[], columns: number): CellWidths {
  const w = new CellWidths(columns);
  for (const r of rows) w.add(r.cells);
  return w;
}

/** The table row of a cached rendering, built once per object (and namespace column choice). */
function tableRow(hit: CachedRow, obj: KubeObject, withNs: boolean): TableRow {
  const rows = (hit.rows ??= [undefined, undefined]);
  const i = withNs ? 1 : 0;
  return (rows[i] ??= { id: rowId(obj), obj, cells: withNs ? [obj.metadata.namespace ?? '', ...hit.cells] : hit.cells, tone: hit.tone });
}

/**
 * Merges `b` (few rows) into `a` (many), both already in sortRows' order:
 * each row of b finds its place by binary search, so the cost is one copy of a
 * plus |b|·log|a| comparisons, not a comparison (and sort keys) per row of a.
 */
function mergeSorted(a: TableRow[], b: TableRow[], columns: readonly Column[], sort: SortSpec | undefined, now: number): TableRow[] {
  const compare = rowComparator(columns, sort, now);
  const out: TableRow[] = [];
  let from = 0;
  for (const row of b) {
    let lo = from;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(a[mid], row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) out.push(a[i]);
    out.push(row);
    from = lo;
  }
  for (let i = from; i < a.length; i++) out.push(a[i]);
  return out;
}

/** The row re-rendered at `now` (ages move on); the same row object when nothing changed. */
export function refreshRow(row: TableRow, renderer: Renderer, withNamespace: boolean, now: number, cache: RowCache): TableRow {
  const hit = cache.get(renderer, row.obj, now);
  const cells = withNamespace ? [row.obj.metadata.namespace ?? '', ...hit.cells] : hit.cells;
  return { ...row, cells, tone: hit.tone };
}

/** Where the cursor goes when rows change: the same object if still shown, else the same position. */
export function cursorAfterChange(rows: readonly TableRow[], uid: string | undefined, lastIndex: number): number {
  if (!rows.length) return 0;
  if (uid) {
    const i = rows.findIndex((r) => r.id === uid);
    if (i >= 0) return i;
  }
  return Math.max(0, Math.min(lastIndex, rows.length - 1));
}

/** The first visible row so that the cursor stays on screen, moving the window as little as possible. */
export function scrollFor(cursor: number, offset: number, height: number, count: number): number {
  let o = offset;
  if (cursor < o) o = cursor;
  if (cursor >= o + height) o = cursor - height + 1;
  return Math.max(0, Math.min(o, Math.max(0, count - height)));
}
