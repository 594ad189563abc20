// The view on top of the stack: a resource table, the logs, a rollout
// history, :sync, or a text view (describe, YAML, help, diff).
import type { HistoryModel } from '../actions/context.js';
import type { LogView } from '../hooks/use-log-view.js';
import type { TableView } from '../hooks/use-table-view.js';
import type { SyncViewModel } from '../logic/sync-view.js';
import { goneText } from '../logic/view-text.js';
import type { View, ViewUi } from '../types.js';
import { TextView } from '../widgets/text-view.js';
import { HistoryView } from './history-view.js';
import { LogsView } from './logs-view.js';
import { SyncView } from './sync-view.js';
import { TableViewBody } from './table-view.js';
import { TextPane } from './text-pane.js';

export interface ViewBodyProps {
  view: View;
  ui: ViewUi;
  tv: TableView;
  logView: LogView;
  history?: HistoryModel;
  syncModel: SyncViewModel;
  textLines?: string[];
  filterText: string;
  bodyHeight: number;
  listHeight: number;
  width: number;
  now: number;
}

export function ViewBody(p: ViewBodyProps) {
  const { view, ui, bodyHeight, width } = p;
  if (view.type === 'table') {
    if (!p.tv.table) return <TextView title={view.kind} lines={[goneText(view.kind)]} offset={0} height={bodyHeight - 1} width={width} />;
    return <TableViewBody view={view} ui={ui} tv={p.tv} filterText={p.filterText} listHeight={p.listHeight} width={width} now={p.now} />;
  }
  if (view.type === 'logs') {
    const { logs, logUi, lines } = p.logView;
    const height = bodyHeight - 1;
    const offset = logUi.autoscroll ? Math.max(0, lines.length - height) : Math.min(ui.offset, Math.max(0, lines.length - height));
    const status = `${logs.buffer.length} lines${logs.buffer.dropped ? ` (${logs.buffer.dropped} dropped)` : ''}${logs.ended ? ' · stream ended' : ''}${logs.error ? ` · ${logs.error}` : ''}`;
    return <LogsView title={view.title} lines={lines} offset={offset} height={height} width={width} opts={logUi} status={status} />;
  }
  if (view.type === 'history' && p.history) return <HistoryView view={view} ui={ui} history={p.history} listHeight={p.listHeight} width={width} now={p.now} />;
  if (view.type === 'sync') return <SyncView model={p.syncModel} cursor={ui.cursor} offset={ui.offset} height={bodyHeight - 1} width={width} />;
  if (p.textLines) return <TextPane view={view} ui={ui} lines={p.textLines} height={bodyHeight - 1} width={width} />;
  return null;
}
