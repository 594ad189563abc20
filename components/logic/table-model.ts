// From the objects of one kind to the rows a table shows: scope (namespace,
// drill-down selector, node), render cells, filter, sort. Pure, so the table
// tests and the bench exercise exactly what the UI runs.
import type { KubeObject, LabelSelector } from '../../src/api/meta.js';
import type { Column, Renderer, SortSpec } from '../render/types.js';
import { CellWidths, rememberWidths } from './fit-columns.js';
import { parseFilter } from './filter.js';
import type { StatusTone } from './pod-status.js';
import { selectorMatcher } from './selector.js';
import { compareRows, sortRows } from './sort.js';

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

/** Per object in the last build: whether it was in scope and shown, and the build that last saw it. */
interface Seen {
  gen: number;
  inScope: boolean;
  shown: boolean;
}

/** What the last build of a table looked like, so the next one only handles the objects that changed. */
interface LastBuild {
  signature: string;
  renderer: Renderer;
  scope: Scope | undefined;
  gen: number;
  seen: Map<KubeObject, Seen>;
  rows: TableRow[];
  total: number;
  widths: CellWidths;
}

/**
 * Rendered rows by object identity. Store objects are immutable (a change is a
 * new object), so a row is reused until its object changes or the clock moves:
 * a watch event re-renders one row, not ten thousand.
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
 * one), a build with the same query as the last one touches only the objects
 * that changed since: unchanged rows keep their place, changed and new rows are
 * sorted among themselves and merged in. The result is exactly what a full
 * build gives; the full build runs whenever the query, the renderer or a
 * clock-dependent sort key (AGE) could change the order. With 50,000 pods a
 * watch event then costs a frame O(n) set lookups instead of an O(n log n) sort
 * with fresh rows and keys for every object.
 */
export function buildTable(objects: readonly KubeObject[], renderer: Renderer, namespaced: boolean, q: TableQuery, now: number, cache = new RowCache()): TableModel {
  const withNs = namespaced && !q.namespace;
  const columns = withNs ? [NAMESPACE_COLUMN, ...renderer.columns] : [...renderer.columns];
  const filter = parseFilter(q.filter);
  const labelMatch = q.scope?.labels ? selectorMatcher(q.scope.labels) : undefined;
  const sort = q.sort ?? renderer.defaultSort;
  const sortIdx = sort ? columns.findIndex((c) => c.name === sort.column) : -1;
  // A sortBy that takes `now` (ages) may order rows differently as time moves: those tables are sorted in full.
  const timeless = sortIdx < 0 || (columns[sortIdx].sortBy?.length ?? 0) < 2;
  const signature = JSON.stringify([withNs, q.namespace, q.scope ?? null, q.filter, sortIdx < 0 ? null : sort]);
  const prev = cache.last;
  const last = timeless && prev && prev.signature === signature && prev.renderer === renderer && prev.scope === q.scope ? prev : undefined;

  const gen = (prev?.gen ?? 0) + 1;
  const seen = last ? last.seen : new Map<KubeObject, Seen>();
  const widths = last ? last.widths : new CellWidths(columns.length);
  const fresh: TableRow[] = [];
  let total = 0;
  for (const obj of objects) {
    const before = last ? seen.get(obj) : undefined;
    if (before) {
      // Unchanged object: same scope, same filter result, same row as last time.
      before.gen = gen;
      if (before.inScope) total++;
      continue;
    }
    const inside = inScope(obj, q.namespace, q.scope, labelMatch);
    let shown = false;
    if (inside) {
      total++;
      const hit = cache.get(renderer, obj, now, true);
      if (filter.kind !== 'none') hit.text ??= `${obj.metadata.namespace ?? ''} ${hit.cells.join(' ')}`;
      shown = filter.kind === 'none' || filter.test(hit.text!, obj.metadata.labels);
      if (shown) {
        const row = tableRow(hit, obj, withNs);
        fresh.push(row);
        widths.add(row.cells);
      }
    }
    seen.set(obj, { gen, inScope: inside, shown });
  }
  let rows: TableRow[];
  if (last) {
    // Rows of objects still present keep their order; the changed ones are merged in.
    const kept = last.rows.filter((r) => {
      if (seen.get(r.obj)!.gen === gen) return true;
      widths.remove(r.cells);
      return false;
    });
    // Objects gone or replaced by a newer version: forget them (only when there are any).
    if (seen.size > objects.length) for (const [o, st] of seen) if (st.gen !== gen) seen.delete(o);
    if (!fresh.length) rows = kept.length === last.rows.length ? last.rows : kept;
    else rows = mergeSorted(kept, sortRows(fresh, columns, sort, now), columns, sort, now);
  } else {
    rows = sortRows(fresh, columns, sort, now);
  }
  cache.last = { signature, renderer, scope: q.scope, gen, seen, rows, total, widths };
  rememberWidths(rows, columns, widths);
  return { columns, withNamespace: withNs, rows, total, filterError: filter.error };
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
  const out: TableRow[] = [];
  let from = 0;
  for (const row of b) {
    let lo = from;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareRows(a[mid], row, columns, sort, now) <= 0) lo = mid + 1;
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
