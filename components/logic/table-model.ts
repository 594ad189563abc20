// From the objects of one kind to the rows a table shows: scope (namespace,
// drill-down selector, node), render cells, filter, sort. Pure, so the table
// tests and the bench exercise exactly what the UI runs.
import type { KubeObject, LabelSelector } from '../../src/api/meta.js';
import type { Column, Renderer, SortSpec } from '../render/types.js';
import { parseFilter } from './filter.js';
import type { StatusTone } from './pod-status.js';
import { selectorMatcher } from './selector.js';
import { sortRows } from './sort.js';

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

/**
 * Rendered rows by object identity. Store objects are immutable (a change is a
 * new object), so a row is reused until its object changes or the clock moves:
 * a watch event re-renders one row, not ten thousand.
 */
export class RowCache {
  private map = new WeakMap<KubeObject, { now: number; cells: string[]; tone: StatusTone; text?: string }>();

  /**
   * The row of an object at `now`. With `stale`, a row rendered at an earlier
   * time is good enough: off-screen rows only feed filtering, sorting (whose
   * order time does not change) and column widths; the visible window is
   * refreshed with refreshRow, so a clock tick re-renders ~50 rows, not 10,000.
   */
  get(renderer: Renderer, obj: KubeObject, now: number, stale = false): { cells: string[]; tone: StatusTone; text?: string } {
    let e = this.map.get(obj);
    if (!e || (!stale && e.now !== now)) {
      e = safeRow(renderer, obj, now);
      this.map.set(obj, e);
    }
    return e;
  }
}

/** A renderer that throws on an odd object shows the error in the row instead of taking the UI down. */
function safeRow(renderer: Renderer, obj: KubeObject, now: number): { now: number; cells: string[]; tone: StatusTone } {
  try {
    return { now, cells: renderer.row(obj, now), tone: renderer.color(obj) };
  } catch (err) {
    const cells = renderer.columns.map(() => '');
    cells[0] = obj.metadata.name ?? '';
    if (cells.length > 1) cells[cells.length - 1] = `<render error: ${(err as Error).message}>`;
    return { now, cells, tone: 'error' };
  }
}

export function buildTable(objects: readonly KubeObject[], renderer: Renderer, namespaced: boolean, q: TableQuery, now: number, cache = new RowCache()): TableModel {
  const withNs = namespaced && !q.namespace;
  const columns = withNs ? [NAMESPACE_COLUMN, ...renderer.columns] : [...renderer.columns];
  const filter = parseFilter(q.filter);
  const labelMatch = q.scope?.labels ? selectorMatcher(q.scope.labels) : undefined;
  const rows: TableRow[] = [];
  let total = 0;
  for (const obj of objects) {
    if (!inScope(obj, q.namespace, q.scope, labelMatch)) continue;
    total++;
    const hit = cache.get(renderer, obj, now, true);
    const cells = withNs ? [obj.metadata.namespace ?? '', ...hit.cells] : hit.cells;
    if (filter.kind !== 'none') {
      hit.text ??= `${obj.metadata.namespace ?? ''} ${hit.cells.join(' ')}`;
      if (!filter.test(hit.text, obj.metadata.labels)) continue;
    }
    rows.push({ id: rowId(obj), obj, cells, tone: hit.tone });
  }
  const sort = q.sort ?? renderer.defaultSort;
  return { columns, withNamespace: withNs, rows: sortRows(rows, columns, sort, now), total, filterError: filter.error };
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
