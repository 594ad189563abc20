// A resource table view (k9s' browser): its title (kind, namespace, scope,
// counts, filter), the visible rows re-rendered for this clock tick, the SYNC
// column, and what it says when the server refused the listing.
import type { TableView } from '../hooks/use-table-view.js';
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import { refreshRow } from '../logic/table-model.js';
import { ResourceTable } from '../widgets/resource-table.js';
import type { View, ViewUi } from '../types.js';

export interface TableViewProps {
  view: Extract<View, { type: 'table' }>;
  ui: ViewUi;
  tv: TableView;
  filterText: string;
  listHeight: number;
  width: number;
  now: number;
}

const nsLabel = (ns: string) => (ns ? ns : 'all');

export function TableViewBody({ view, ui, tv, filterText, listHeight, width, now }: TableViewProps) {
  const { table, rows, info, renderer, offset, cursor } = tv;
  if (!table || !renderer) return null;
  const plural = view.kind === PORT_FORWARD_KIND ? 'portforwards' : (info?.plural ?? view.kind);
  const title = `${plural.replace(/^./, (ch) => ch.toUpperCase())}(${info?.namespaced === false ? 'all' : nsLabel(view.namespace)})${view.scope ? `[${view.scope.title}]` : ''}[${rows.length}${rows.length !== table.total ? `/${table.total}` : ''}]${filterText ? ` </${filterText}>` : ''}`;
  return (
    <ResourceTable
      title={title}
      columns={tv.columns}
      rows={rows.slice(offset, offset + listHeight).map((r) => tv.withDrift(refreshRow(r, renderer, table.withNamespace, now, tv.rowCache)))}
      natural={tv.natural}
      cursor={cursor - offset}
      height={listHeight}
      width={width}
      sort={ui.sort ?? renderer.defaultSort}
      empty={table.filterError ? `bad filter: ${table.filterError}` : undefined}
      error={tv.forbidden ? `forbidden: ${tv.forbidden}` : undefined}
    />
  );
}
