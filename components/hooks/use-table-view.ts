// A resource table view's model, rebuilt when its objects, filter or sort
// change (a clock tick re-renders only the visible rows: views/table-view.tsx),
// with the SYNC column while the folder sync reports any of its objects
// OutOfSync, and the cursor and scroll position derived for this frame.
import { useMemo, useRef } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { measure } from '../logic/fit-columns.js';
import { findKind } from '../logic/kinds.js';
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import { DRIFT_COLUMN, driftedObjects, isDrifted, withDriftCell } from '../logic/sync-managed.js';
import { buildTable, cursorAfterChange, RowCache, scrollFor, type TableModel, type TableRow } from '../logic/table-model.js';
import { rendererFor, type Renderer, type RendererRegistry } from '../render/index.js';
import type { Column } from '../render/types.js';
import type { SyncStatusLike, View, ViewUi } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';
import type { ObjectSource } from './use-object-source.js';

export interface TableView {
  /** Undefined when the view is no table, or its kind is no longer served. */
  table?: TableModel;
  rows: TableRow[];
  columns: Column[];
  natural: number[];
  cursor: number;
  offset: number;
  selected?: KubeObject;
  /** The server's reason when it refused the listing (403). */
  forbidden?: string;
  renderer?: Renderer;
  info?: KindInfo;
  /** Adds the SYNC cell to a row (identity when no SYNC column shows). */
  withDrift(row: TableRow): TableRow;
  rowCache: RowCache;
}

export interface TableInputs {
  cache: WatchCache;
  kinds: readonly KindInfo[];
  source: ObjectSource;
  renderers: RendererRegistry;
  view: View;
  ui: ViewUi;
  filterText: string;
  syncStatus?: SyncStatusLike;
  listHeight: number;
  now: number;
}

export function useTableView({ cache, kinds, source, renderers, view, ui, filterText, syncStatus, listHeight, now }: TableInputs): TableView {
  // Rollout history and rollback read a Deployment's ReplicaSets: start that watch with the view.
  if (view.type === 'table' && view.kind === 'Deployment') cache.ensure('ReplicaSet');
  // The namespace a table lists ('' for all, and for cluster-scoped kinds).
  const tableNs = view.type === 'table' && findKind(kinds, view.kind)?.namespaced !== false ? view.namespace : '';
  // Opening a view (or switching its namespace) asks the server again if it refused this listing before.
  const askedFor = useRef<View | undefined>(undefined);
  if (view.type === 'table' && askedFor.current !== view) {
    askedFor.current = view;
    cache.retryForbidden(view.kind, tableNs);
  }

  const rowCache = useMemo(() => new RowCache(), []);
  const info = view.type === 'table' ? findKind(kinds, view.kind) : undefined;
  const renderer = view.type === 'table' ? rendererFor(renderers, view.kind, info) : undefined;
  const table: TableModel | undefined = useMemo(() => {
    if (view.type !== 'table' || !source.served(view.kind) || !renderer) return undefined;
    return buildTable(source.listing(view.kind, tableNs).items, renderer, info?.namespaced ?? true, {
      namespace: tableNs,
      scope: view.scope,
      filter: filterText,
      sort: ui.sort,
    }, now, rowCache);
    // `now` is left out on purpose: a clock tick re-renders only the visible rows (views/table-view.tsx).
  }, [view, tableNs, filterText, ui.sort, cache.version, renderers, rowCache, source, kinds]);
  const forbidden = table && view.type === 'table' && view.kind !== PORT_FORWARD_KIND ? cache.forbidden(view.kind, tableNs) : undefined;

  const rows: TableRow[] = table?.rows ?? [];
  const drifted = useMemo(() => driftedObjects(syncStatus), [syncStatus]);
  const showDrift = useMemo(() => !!table && table.rows.some((r) => isDrifted(r.obj, drifted)), [table, drifted]);
  const columns = table ? (showDrift ? [...table.columns, DRIFT_COLUMN] : table.columns) : [];
  const natural = useMemo(() => (table ? measure(columns, showDrift ? table.rows.map((r) => withDriftCell(r, drifted)) : table.rows) : []), [table, showDrift, drifted]);
  const cursor = table ? cursorAfterChange(rows, ui.cursorId, ui.cursor) : 0;
  const offset = table ? scrollFor(cursor, ui.offset, listHeight, rows.length) : ui.offset;
  // Positions are derived each frame; remember them on the view so the next frame (and esc back) starts there.
  if (table) {
    ui.cursor = cursor;
    ui.offset = offset;
  }
  const withDrift = useMemo(() => (showDrift ? (row: TableRow) => withDriftCell(row, drifted) : (row: TableRow) => row), [showDrift, drifted]);
  return { table, rows, columns, natural, cursor, offset, selected: rows[cursor]?.obj, forbidden, renderer, info, withDrift, rowCache };
}
