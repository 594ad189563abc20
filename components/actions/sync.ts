// The :sync view's keys: move the cursor over the objects, reconcile now (r),
// suspend/resume (s), and the kubectl-style diff of the selected object (d,
// enter). They reach the folder sync only through its port (SyncSource).
import type { Binding } from '../keys.js';
import { offsetFor, syncViewModel } from '../logic/sync-view.js';
import type { SyncObjectLike } from '../types.js';
import type { ActionContext, Screen } from './context.js';

const noSync = 'No folder is being synced (start kubeterm with a folder: `kubeterm ./gitops`).';

/** The object under the :sync cursor. */
export function selectedSyncObject(s: Screen): SyncObjectLike | undefined {
  const rows = syncViewModel(s.syncStatus).rows;
  return rows[Math.max(0, Math.min(s.ui.cursor, rows.length - 1))]?.obj;
}

/** Moves the :sync cursor (j/k, pages, top/bottom) and keeps its line in view. */
export function moveSyncCursor(c: ActionContext, s: Screen, delta: number | 'top' | 'bottom'): void {
  const model = syncViewModel(s.syncStatus);
  const height = Math.max(1, s.bodyHeight - 1);
  if (!model.rows.length) {
    // Nothing to select: scroll the text.
    const max = Math.max(0, model.lines.length - height);
    c.setUi({ offset: delta === 'top' ? 0 : delta === 'bottom' ? max : Math.max(0, Math.min(max, s.ui.offset + delta)) });
    return;
  }
  const cur = Math.max(0, Math.min(s.ui.cursor, model.rows.length - 1));
  const to = delta === 'top' ? 0 : delta === 'bottom' ? model.rows.length - 1 : Math.max(0, Math.min(model.rows.length - 1, cur + delta));
  // The first object keeps the summary above it in view.
  const line = to === 0 ? 0 : model.rows[to].line;
  c.setUi({ cursor: to, offset: offsetFor(line, s.ui.offset, height, model.lines.length) });
}

function fail(c: ActionContext, err: unknown): void {
  c.setFlash(err instanceof Error ? err.message : String(err), 'error');
}

export function syncReconcile(c: ActionContext, s: Screen): void {
  if (!c.sync?.reconcile) return c.setFlash(c.sync ? 'this folder sync cannot be reconciled from here' : noSync, 'warn');
  if (s.syncStatus?.suspended) return c.setFlash('the folder sync is suspended: press s to resume it first', 'warn');
  c.setFlash(`reconciling ${s.syncStatus?.folder ?? 'the folder'}…`);
  c.sync.reconcile().then(
    () => c.setFlash(`reconciled ${s.syncStatus?.folder ?? 'the folder'}`),
    (err: unknown) => fail(c, err),
  );
}

export function syncSuspend(c: ActionContext, s: Screen): void {
  const sync = c.sync;
  if (!sync?.suspend || !sync.resume) return c.setFlash(sync ? 'this folder sync cannot be suspended from here' : noSync, 'warn');
  const folder = s.syncStatus?.folder ?? 'the folder';
  if (s.syncStatus?.suspended) {
    c.setFlash(`resuming the sync of ${folder}…`);
    sync.resume().then(
      () => c.setFlash(`resumed the sync of ${folder}: folder changes apply again`),
      (err: unknown) => fail(c, err),
    );
    return;
  }
  c.setDialog({
    type: 'confirm',
    title: `Suspend the sync of ${folder}?`,
    lines: ['Folder changes are not applied and drift is not healed until you resume (s).', 'The suspension is kept when kubeterm restarts.'],
    onYes: () => {
      sync.suspend!().then(
        () => c.setFlash(`suspended the sync of ${folder}`, 'warn'),
        (err: unknown) => fail(c, err),
      );
    },
  });
}

export function syncDiff(c: ActionContext, s: Screen): void {
  if (!c.sync?.diff) return c.setFlash(c.sync ? 'this folder sync cannot show diffs' : noSync, 'warn');
  const o = selectedSyncObject(s);
  if (!o) return c.setFlash('no object selected', 'warn');
  if (o.state === 'Pruned') return c.setFlash(`${o.kind}/${o.name} is no longer in the folder`, 'warn');
  c.push({ type: 'sync-diff', kind: o.kind, namespace: o.namespace ?? '', name: o.name });
}

/** The :sync view: r reconcile now, s suspend/resume (as s suspends a CronJob), d the kubectl-style diff of the selected object. */
export const SYNC_KEYS: Binding[] = [
  { key: 'r', label: 'Reconcile', views: ['sync'], action: 'syncReconcile', group: 'resource', hint: true, run: syncReconcile },
  { key: 's', label: 'Suspend/Resume', views: ['sync'], action: 'syncSuspend', group: 'resource', hint: true, run: syncSuspend },
  { key: 'd', label: 'Diff', views: ['sync'], action: 'syncDiff', group: 'resource', hint: true, run: syncDiff },
  { key: 'enter', label: 'Diff', views: ['sync'], action: 'syncDiff', group: 'resource', run: syncDiff },
];
