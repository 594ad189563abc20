// Keys of the workload tables (k9s' scale, restart and image extenders, and
// the deployment view's rollback and history): scale, restart, rollback
// (`u`, or enter on a revision of the history view), history, set image.
// Changes to objects the folder sync manages are written through to their
// manifests (write-through.ts).
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { rollbackPlan } from '../logic/rollout.js';
import { selfHealWarning } from '../logic/sync-managed.js';
import type { SyncStatusLike } from '../types.js';
import { attempt, confirm, onSelected, ref, type ActionContext } from './context.js';
import { setImage, writeOrLive, writesThrough, writeThroughNote } from './write-through.js';

const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet'];
const SCALABLE = new Set(WORKLOADS);
const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function scale(c: ActionContext, obj: KubeObject, syncStatus: SyncStatusLike | undefined): void {
  const current = (obj.spec?.replicas as number | undefined) ?? 1;
  c.setDialog({
    type: 'input',
    title: `Scale ${ref(obj)}`,
    label: 'Replicas:',
    text: String(current),
    warning: writesThrough(c, obj) ? writeThroughNote(c, obj) : selfHealWarning(obj, syncStatus),
    onSubmit: (text) => {
      const n = Number(text.trim());
      if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
        c.setFlash(`replicas must be a whole number ≥ 0, got "${text}"`, 'error');
        return;
      }
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      const live = () => c.client.scale(obj.kind, ns, name, n);
      if (writesThrough(c, obj)) return writeOrLive(c, obj, { op: 'scale', kind: obj.kind, namespace: ns, name, replicas: n }, live, `${ref(obj)} scaled to ${n}`, syncStatus);
      attempt(c, live(), `${ref(obj)} scaled to ${n}`);
    },
  });
}

function rollback(c: ActionContext, deploy: KubeObject, syncStatus: SyncStatusLike | undefined, toRevision?: number): void {
  // Read the ReplicaSets fresh: the watch cache may not have them yet when the key comes early.
  c.client.list('ReplicaSet', { namespace: deploy.metadata.namespace }).then(
    ({ items }) => confirmRollback(c, deploy, items, syncStatus, toRevision),
    (err: Error) => c.setFlash(err.message, 'error'),
  );
}

function confirmRollback(c: ActionContext, deploy: KubeObject, replicaSets: KubeObject[], syncStatus: SyncStatusLike | undefined, toRevision?: number): void {
  const plan = rollbackPlan(deploy, replicaSets, toRevision);
  if (!plan.ok) {
    c.setFlash(plan.error, 'error');
    return;
  }
  const ns = deploy.metadata.namespace ?? '';
  const name = deploy.metadata.name ?? '';
  confirm(
    c,
    `Rollback deployment ${ns}/${name}?`,
    [`from revision ${plan.from.revision} (${plan.from.images.join(', ')})`, `to revision ${plan.to.revision} (${plan.to.images.join(', ')})`],
    () => {
      const live = () => c.client.rollback(ns, name, plan.to.revision);
      if (writesThrough(c, deploy)) {
        return writeOrLive(c, deploy, { op: 'rollback', kind: 'Deployment', namespace: ns, name, toRevision: plan.to.revision }, live, `deployment ${ns}/${name} rolled back to revision ${plan.to.revision}`, syncStatus);
      }
      live().then(
        (r) => c.setFlash(`deployment ${ns}/${name} rolled back from revision ${r.from} to ${r.to}`),
        (err: Error) => c.setFlash(err.message, 'error'),
      );
    },
    writesThrough(c, deploy) ? writeThroughNote(c, deploy) : selfHealWarning(deploy, syncStatus),
  );
}

const restart = onSelected((c, o, s) => {
  if (!RESTARTABLE.has(o.kind)) return;
  confirm(
    c,
    `Restart ${ref(o)}?`,
    ['Rolls every pod (kubectl rollout restart).'],
    () => attempt(c, c.client.restart(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''), `${ref(o)} restarted`),
    selfHealWarning(o, s.syncStatus),
  );
});

/** Enter on a revision of the history view: roll back to it. */
const rollbackTo: Binding['run'] = (c, s) => {
  if (s.view.type !== 'history') return;
  const index = Math.max(0, Math.min(s.ui.cursor, (s.history?.revisions.length ?? 1) - 1));
  const rev = s.history?.revisions[index];
  if (s.history?.deploy && rev) rollback(c, s.history.deploy, s.syncStatus, rev.revision);
};

export const WORKLOAD_KEYS: Binding[] = [
  { key: 's', label: 'Scale', views: WORKLOADS, action: 'scale', group: 'resource', hint: true, run: onSelected((c, o, s) => SCALABLE.has(o.kind) && scale(c, o, s.syncStatus)) },
  { key: 'r', label: 'Restart', views: ['Deployment', 'StatefulSet', 'DaemonSet'], action: 'restart', group: 'resource', hint: true, run: restart },
  { key: 'u', label: 'Rollback', views: ['Deployment'], action: 'rollback', group: 'resource', hint: true, run: onSelected((c, o, s) => o.kind === 'Deployment' && rollback(c, o, s.syncStatus)) },
  {
    key: 'shift-h',
    label: 'History',
    views: ['Deployment'],
    action: 'history',
    group: 'resource',
    hint: true,
    run: onSelected((c, o) => o.kind === 'Deployment' && c.push({ type: 'history', namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' })),
  },
  { key: 'i', label: 'Set Image', views: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'CronJob'], action: 'setImage', group: 'resource', run: onSelected((c, o, s) => setImage(c, o, s.syncStatus)) },
];

/** The rollout history view. */
export const HISTORY_KEYS: Binding[] = [{ key: 'enter', label: 'Rollback to', views: ['history'], action: 'enter', group: 'resource', hint: true, run: rollbackTo }];
