// A Deployment's rollout history (k9s' history view): one row per revision,
// the current one marked; enter rolls back to the revision under the cursor.
import type { HistoryModel } from '../actions/context.js';
import { age } from '../logic/age.js';
import { measure } from '../logic/fit-columns.js';
import { scrollFor, type TableRow } from '../logic/table-model.js';
import { ResourceTable } from '../widgets/resource-table.js';
import type { View, ViewUi } from '../types.js';

export interface HistoryViewProps {
  view: Extract<View, { type: 'history' }>;
  ui: ViewUi;
  history: HistoryModel;
  listHeight: number;
  width: number;
  now: number;
}

const COLUMNS = ['REVISION', 'CHANGE-CAUSE', 'IMAGES', 'REPLICASET', 'REPLICAS', 'AGE'].map((n, i) => ({ name: n, priority: i === 3 ? 2 : i === 1 ? 1 : 0 }));

export function HistoryView({ view, ui, history, listHeight, width, now }: HistoryViewProps) {
  const cur = history.deploy?.metadata.annotations?.['deployment.kubernetes.io/revision'];
  const rows: TableRow[] = history.revisions.map((r) => ({
    id: String(r.revision),
    obj: { apiVersion: 'v1', kind: 'Revision', metadata: { name: String(r.revision) } },
    cells: [String(r.revision) + (String(r.revision) === cur ? ' (current)' : ''), r.changeCause ?? '<none>', r.images.join(','), r.replicaSet, String(r.replicas), age(r.created, now)],
    tone: String(r.revision) === cur ? 'ok' : 'plain',
  }));
  const cursor = Math.min(ui.cursor, Math.max(0, rows.length - 1));
  const offset = scrollFor(cursor, 0, listHeight, rows.length);
  return (
    <ResourceTable
      title={`History(${view.namespace}/${view.name})[${rows.length}]`}
      columns={COLUMNS}
      rows={rows.slice(offset, offset + listHeight)}
      natural={measure(COLUMNS, rows)}
      cursor={cursor - offset}
      height={listHeight}
      width={width}
      empty="no rollout history"
    />
  );
}
