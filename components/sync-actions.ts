// The :sync view's keys: move the cursor over the objects, reconcile now (r),
// suspend/resume (s), and the kubectl-style diff of the selected object (d,
// enter). They reach the folder sync only through its port (SyncSource).
import type { DialogState } from './dialog.js';
import type { FlashState } from './flash.js';
import { offsetFor, syncViewModel } from './logic/sync-view.js';
import type { SyncObjectLike, SyncSource, SyncStatusLike, View, ViewUi } from './types.js';

/** What these keys need of the App's ActionContext (declared here: actions.ts imports this file). */
export interface SyncActionContext {
  sync?: SyncSource;
  syncStatus?: SyncStatusLike;
  ui: ViewUi;
  bodyHeight: number;
  push(v: View): void;
  setUi(patch: Partial<ViewUi>): void;
  setDialog(d: DialogState | undefined): void;
  setFlash(text: string, level?: FlashState['level']): void;
}

const noSync = 'No folder is being synced (start kubeterm with a folder: `kubeterm ./gitops`).';

/** The object under the :sync cursor. */
export function selectedSyncObject(c: SyncActionContext): SyncObjectLike | undefined {
  const rows = syncViewModel(c.syncStatus).rows;
  return rows[Math.max(0, Math.min(c.ui.cursor, rows.length - 1))]?.obj;
}

/** Moves the :sync cursor (j/k, pages, top/bottom) and keeps its line in view. */
export function moveSyncCursor(c: SyncActionContext, delta: number | 'top' | 'bottom'): void {
  const model = syncViewModel(c.syncStatus);
  const height = Math.max(1, c.bodyHeight - 1);
  if (!model.rows.length) {
    // Nothing to select: scroll the text.
    const max = Math.max(0, model.lines.length - height);
    c.setUi({ offset: delta === 'top' ? 0 : delta === 'bottom' ? max : Math.max(0, Math.min(max, c.ui.offset + delta)) });
    return;
  }
  const cur = Math.max(0, Math.min(c.ui.cursor, model.rows.length - 1));
  const to = delta === 'top' ? 0 : delta === 'bottom' ? model.rows.length - 1 : Math.max(0, Math.min(model.rows.length - 1, cur + delta));
  // The first object keeps the summary above it in view.
  const line = to === 0 ? 0 : model.rows[to].line;
  c.setUi({ cursor: to, offset: offsetFor(line, c.ui.offset, height, model.lines.length) });
}

function fail(c: SyncActionContext, err: unknown): void {
  c.setFlash(err instanceof Error ? err.message : String(err), 'error');
}

export function syncReconcile(c: SyncActionContext): void {
  if (!c.sync?.reconcile) return c.setFlash(c.sync ? 'this folder sync cannot be reconciled from here' : noSync, 'warn');
  if (c.syncStatus?.suspended) return c.setFlash('the folder sync is suspended: press s to resume it first', 'warn');
  c.setFlash(`reconciling ${c.syncStatus?.folder ?? 'the folder'}…`);
  c.sync.reconcile().then(
    () => c.setFlash(`reconciled ${c.syncStatus?.folder ?? 'the folder'}`),
    (err: unknown) => fail(c, err),
  );
}

export function syncSuspend(c: SyncActionContext): void {
  const sync = c.sync;
  if (!sync?.suspend || !sync.resume) return c.setFlash(sync ? 'this folder sync cannot be suspended from here' : noSync, 'warn');
  const folder = c.syncStatus?.folder ?? 'the folder';
  if (c.syncStatus?.suspended) {
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
    onYes: () =>
      sync.suspend!().then(
        () => c.setFlash(`suspended the sync of ${folder}`, 'warn'),
        (err: unknown) => fail(c, err),
      ),
  });
}

export function syncDiff(c: SyncActionContext): void {
  if (!c.sync?.diff) return c.setFlash(c.sync ? 'this folder sync cannot show diffs' : noSync, 'warn');
  const o = selectedSyncObject(c);
  if (!o) return c.setFlash('no object selected', 'warn');
  if (o.state === 'Pruned') return c.setFlash(`${o.kind}/${o.name} is no longer in the folder`, 'warn');
  c.push({ type: 'sync-diff', kind: o.kind, namespace: o.namespace ?? '', name: o.name });
}
