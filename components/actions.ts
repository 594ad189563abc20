// What each key-binding action does. The App builds an ActionContext every
// frame (current view, selection, setters) and the key handler calls
// runAction with the action named by the binding table. Every cluster change
// goes through ClusterClient; failures become flash messages, never crashes.
import type { Dispatch, SetStateAction } from 'react';
import type { KindInfo } from '../src/api/kinds.js';
import type { KubeObject, LabelSelector } from '../src/api/meta.js';
import type { PortForwards } from '../src/client/port-forwards.js';
import type { ClusterClient } from '../src/client/types.js';
import type { DialogState } from './dialog.js';
import type { FlashState } from './flash.js';
import type { ActionId } from './keys.js';
import { parseCommand } from './logic/command.js';
import { scopesFor } from './scopes.js';
import { PORT_FORWARD_KIND, forwardLabel, parseForward, podPorts, portSpec, servicePorts, specPort, type PortChoice } from './logic/port-forward.js';
import { rollbackPlan, type Revision } from './logic/rollout.js';
import { selectorMatcher } from './logic/selector.js';
import type { TableModel, TableRow } from './logic/table-model.js';
import { selfHealWarning } from './logic/sync-managed.js';
import type { HandedTerminal } from './terminal.js';
import { edit, shell } from './terminal-actions.js';
import type { StackEntry, SyncSource, SyncStatusLike, View, ViewUi } from './types.js';
import { editSource, setImage, writeOrLive, writesThrough, writeThroughNote } from './write-through-actions.js';
import { moveSyncCursor, syncDiff, syncReconcile, syncSuspend } from './sync-actions.js';
import type { LogsState } from './use-logs.js';
import type { WatchCache } from './watch-cache.js';

export interface ActionContext {
  client: ClusterClient;
  /** The kinds the cluster serves now (client.resources()): what `:` resolves. */
  kinds: readonly KindInfo[];
  /** The session's port-forwards (the `:pf` view). */
  forwards: PortForwards;
  cache: WatchCache;
  view: View;
  ui: ViewUi;
  rows: TableRow[];
  cursor: number;
  selected?: KubeObject;
  listHeight: number;
  bodyHeight: number;
  table?: TableModel;
  textLines?: string[];
  history?: { deploy?: KubeObject; revisions: Revision[] };
  logLines: string[];
  logUi: { autoscroll: boolean; wrap: boolean; timestamps: boolean };
  logs: LogsState;
  namespace: string;
  stack: StackEntry[];
  push(v: View): void;
  replaceView(v: View): void;
  setUi(patch: Partial<ViewUi>): void;
  setStack: Dispatch<SetStateAction<StackEntry[]>>;
  setMode(m: { type: 'normal' } | { type: 'command'; text: string } | { type: 'filter'; text: string }): void;
  setDialog(d: DialogState | undefined): void;
  setFlash(text: string, level?: FlashState['level']): void;
  setLogUi: Dispatch<SetStateAction<{ autoscroll: boolean; wrap: boolean; timestamps: boolean }>>;
  setNamespace(ns: string): void;
  setShowEvents: Dispatch<SetStateAction<boolean>>;
  quit(): void;
  now: number;
  /** The folder sync's last status: actions on objects it manages warn that self-heal reverts them. */
  syncStatus?: SyncStatusLike;
  /** The folder sync's port: keyboard changes to objects it manages are written into their manifests. */
  sync?: SyncSource;
  /** Lends the terminal to `fn` (a shell, an editor) and redraws after; absent when the UI has no terminal to lend. */
  withTerminal?: <T>(fn: (t: HandedTerminal) => Promise<T>) => Promise<T>;
}

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);
const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function ref(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind.toLowerCase()} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/** Runs a client call, flashing its outcome. */
function attempt(c: ActionContext, what: Promise<unknown>, done: string): void {
  what.then(
    () => c.setFlash(done),
    (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
  );
}

function confirm(c: ActionContext, title: string, lines: string[], onYes: () => void, warning?: string): void {
  c.setDialog({ type: 'confirm', title, lines, warning, onYes });
}

/** The pod selector of a workload, Service or Job, for drill-down and logs. */
export function podSelectorOf(obj: KubeObject): LabelSelector | undefined {
  if (obj.kind === 'Service') {
    const sel = obj.spec?.selector as Record<string, string> | undefined;
    return sel && Object.keys(sel).length ? { matchLabels: sel } : undefined;
  }
  return obj.spec?.selector as LabelSelector | undefined;
}

function podsOf(c: ActionContext, obj: KubeObject): string[] {
  const sel = podSelectorOf(obj);
  if (!sel) return [];
  const match = selectorMatcher(sel);
  return c.cache
    .items('Pod')
    .filter((p) => p.metadata.namespace === obj.metadata.namespace && match(p.metadata.labels))
    .map((p) => p.metadata.name ?? '')
    .sort();
}

function drillDown(c: ActionContext, obj: KubeObject): void {
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  switch (obj.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'Service': {
      const labels = podSelectorOf(obj);
      if (!labels) break;
      c.push({ type: 'table', kind: 'Pod', namespace: ns, scope: { title: `${obj.kind.toLowerCase()}/${name}`, labels } });
      return;
    }
    case 'Node':
      c.push({ type: 'table', kind: 'Pod', namespace: '', scope: { title: `node/${name}`, nodeName: name } });
      return;
    case 'Namespace':
      c.setNamespace(name);
      c.push({ type: 'table', kind: 'Pod', namespace: name });
      return;
    case 'CronJob':
      c.push({ type: 'table', kind: 'Job', namespace: ns, scope: { title: `cronjob/${name}`, ownerUid: obj.metadata.uid } });
      return;
  }
  c.push({ type: 'describe', kind: obj.kind, namespace: ns, name });
}

function openLogs(c: ActionContext, obj: KubeObject, previous: boolean): void {
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  if (obj.kind === 'Pod') {
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
    c.push({ type: 'logs', namespace: ns, pods: [name], previous, title: `Logs(${ns}/${name})${previous ? ' previous' : ''}`, owner: owner && { kind: owner.kind, name: owner.name, uid: owner.uid } });
    return;
  }
  const pods = podsOf(c, obj);
  if (!pods.length) {
    c.setFlash(`no pods found for ${ref(obj)}`, 'warn');
    return;
  }
  c.push({ type: 'logs', namespace: ns, pods, title: `Logs(${obj.kind.toLowerCase()}/${ns}/${name})[${pods.length} pods]` });
}

function moveCursor(c: ActionContext, to: number, scroll = 0): void {
  if (c.view.type === 'table') {
    if (!c.rows.length) return;
    const i = Math.max(0, Math.min(c.rows.length - 1, to));
    // Paging moves the window with the cursor, as k9s does; scrollFor clamps it.
    c.setUi({ cursor: i, cursorId: c.rows[i].id, offset: Math.max(0, c.ui.offset + scroll) });
  } else if (c.view.type === 'history') {
    const n = c.history?.revisions.length ?? 0;
    c.setUi({ cursor: Math.max(0, Math.min(n - 1, to)) });
  }
}

function currentIndex(c: ActionContext): number {
  if (c.view.type === 'history') return Math.max(0, Math.min(c.ui.cursor, (c.history?.revisions.length ?? 1) - 1));
  return c.cursor;
}

function scrollText(c: ActionContext, delta: number | 'top' | 'bottom'): void {
  const lines = c.view.type === 'logs' ? c.logLines : (c.textLines ?? []);
  const height = c.bodyHeight - 1;
  const max = Math.max(0, lines.length - height);
  let from = c.ui.offset;
  if (c.view.type === 'logs' && c.logUi.autoscroll) {
    from = max;
    if (delta !== 'bottom') c.setLogUi((l) => ({ ...l, autoscroll: false }));
  }
  const next = delta === 'top' ? 0 : delta === 'bottom' ? max : Math.max(0, Math.min(max, from + delta));
  c.setUi({ offset: next });
}

function nav(c: ActionContext, delta: number | 'top' | 'bottom'): void {
  if (c.view.type === 'table' || c.view.type === 'history') {
    const n = c.view.type === 'table' ? c.rows.length : (c.history?.revisions.length ?? 0);
    const page = typeof delta === 'number' && Math.abs(delta) > 1 ? delta : 0;
    moveCursor(c, delta === 'top' ? 0 : delta === 'bottom' ? n - 1 : currentIndex(c) + delta, page);
  } else if (c.view.type === 'sync') moveSyncCursor(c, delta);
  else scrollText(c, delta);
}

/** Sorts by `column` (ascending first, or descending first as k9s sorts usage); again flips it. */
function setSort(c: ActionContext, column: string, firstAsc = true): void {
  if (!c.table?.columns.some((col) => col.name === column)) {
    c.setFlash(`no ${column} column here`, 'warn');
    return;
  }
  const cur = c.ui.sort;
  c.setUi({ sort: cur?.column === column ? { column, asc: !cur.asc } : { column, asc: firstAsc } });
}

function moveSortColumn(c: ActionContext, dir: -1 | 1): void {
  const cols = c.table?.columns ?? [];
  if (!cols.length) return;
  const cur = cols.findIndex((col) => col.name === (c.ui.sort?.column ?? 'NAME'));
  const next = Math.max(0, Math.min(cols.length - 1, (cur < 0 ? 0 : cur) + dir));
  c.setUi({ sort: { column: cols[next].name, asc: c.ui.sort?.asc ?? true } });
}

function runCommand(c: ActionContext, text: string): void {
  const cmd = parseCommand(text, c.kinds);
  switch (cmd.type) {
    case 'quit':
      c.quit();
      return;
    case 'help':
      c.push({ type: 'help', scopes: scopesFor(c.view) });
      return;
    case 'sync':
      c.push({ type: 'sync' });
      return;
    case 'portforwards': {
      let ns = c.namespace;
      if (cmd.namespace !== undefined) {
        ns = cmd.namespace;
        c.setNamespace(ns);
      }
      c.push({ type: 'table', kind: PORT_FORWARD_KIND, namespace: ns });
      return;
    }
    case 'error':
      c.setFlash(cmd.message, 'error');
      return;
    case 'resource': {
      let ns = c.namespace;
      if (cmd.namespace !== undefined) {
        ns = cmd.namespace;
        if (cmd.info.namespaced) c.setNamespace(ns);
      }
      c.push({ type: 'table', kind: cmd.info.kind, namespace: cmd.info.namespaced ? ns : '' });
      return;
    }
  }
}

function scale(c: ActionContext, obj: KubeObject): void {
  const current = (obj.spec?.replicas as number | undefined) ?? 1;
  c.setDialog({
    type: 'input',
    title: `Scale ${ref(obj)}`,
    label: 'Replicas:',
    text: String(current),
    warning: writesThrough(c, obj) ? writeThroughNote(c, obj) : selfHealWarning(obj, c.syncStatus),
    onSubmit: (text) => {
      const n = Number(text.trim());
      if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
        c.setFlash(`replicas must be a whole number ≥ 0, got "${text}"`, 'error');
        return;
      }
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      const live = () => c.client.scale(obj.kind, ns, name, n);
      if (writesThrough(c, obj)) return writeOrLive(c, obj, { op: 'scale', kind: obj.kind, namespace: ns, name, replicas: n }, live, `${ref(obj)} scaled to ${n}`);
      attempt(c, live(), `${ref(obj)} scaled to ${n}`);
    },
  });
}

function rollback(c: ActionContext, deploy: KubeObject, toRevision?: number): void {
  // Read the ReplicaSets fresh: the watch cache may not have them yet when the key comes early.
  c.client.list('ReplicaSet', { namespace: deploy.metadata.namespace }).then(
    ({ items }) => confirmRollback(c, deploy, items, toRevision),
    (err: Error) => c.setFlash(err.message, 'error'),
  );
}

function confirmRollback(c: ActionContext, deploy: KubeObject, replicaSets: KubeObject[], toRevision?: number): void {
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
        return writeOrLive(c, deploy, { op: 'rollback', kind: 'Deployment', namespace: ns, name, toRevision: plan.to.revision }, live, `deployment ${ns}/${name} rolled back to revision ${plan.to.revision}`);
      }
      live().then(
        (r) => c.setFlash(`deployment ${ns}/${name} rolled back from revision ${r.from} to ${r.to}`),
        (err: Error) => c.setFlash(err.message, 'error'),
      );
    },
    writesThrough(c, deploy) ? writeThroughNote(c, deploy) : selfHealWarning(deploy, c.syncStatus),
  );
}

/** The pod a port-forward on this row reaches: the pod itself, or a running pod of a workload (as k9s picks one). */
function forwardPod(c: ActionContext, obj: KubeObject): KubeObject | undefined {
  if (obj.kind === 'Pod') return obj;
  const ns = obj.metadata.namespace ?? '';
  const pods = podsOf(c, obj).map((n) => c.cache.get('Pod', ns, n)).filter((p): p is KubeObject => !!p);
  return pods.find((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
}

/** shift-f: k9s' port-forward dialog (container port, local port = container port, address), then the forward. */
function portForward(c: ActionContext, obj: KubeObject): void {
  const isService = obj.kind === 'Service';
  const pod = isService ? undefined : forwardPod(c, obj);
  if (!isService && !pod) {
    c.setFlash(`no running pod found for ${ref(obj)}`, 'warn');
    return;
  }
  const target = (isService ? obj : pod) as KubeObject;
  const ns = target.metadata.namespace ?? '';
  const name = target.metadata.name ?? '';
  const kind = isService ? 'Service' : 'Pod';
  const busy = c.forwards.list().find((e) => e.status === 'Active' && e.namespace === ns && e.kind === kind && (kind === 'Pod' ? e.pod : e.name) === name);
  if (busy) {
    c.setFlash(`A PortForward already exist for ${kind === 'Pod' ? 'pod' : 'service'} ${ns}/${name}`, 'error');
    return;
  }
  const ports: PortChoice[] = isService ? servicePorts(target) : podPorts(target);
  const first = ports[0] ? portSpec(ports[0]) : '';
  const lines = [`${kind.toLowerCase()}/${ns}/${name}`];
  if (ports.length > 1) lines.push(`Exposed Ports: ${ports.map((p) => (p.name ? `${portSpec(p)} (${p.name})` : portSpec(p))).join(', ')}`);
  if (!ports.length) lines.push(isService ? 'The service declares no TCP port: type one.' : 'No container declares a port: type container::port.');
  c.setDialog({
    type: 'form',
    title: 'PortForward',
    lines,
    fields: [
      { label: isService ? 'Service Port:' : 'Container Port:', text: first },
      { label: 'Local Port:', text: specPort(first) },
      { label: 'Address:', text: '127.0.0.1' },
    ],
    focus: 0,
    derive: (t, changed) => (changed === 0 ? [t[0], specPort(t[0]), t[2]] : t),
    onSubmit: ([spec, local, address]) => {
      const p = parseForward(spec, local, address);
      if (!p.ok) {
        c.setFlash(p.error, 'error');
        return;
      }
      c.forwards.start({ namespace: ns, kind, name, remotePort: p.remotePort, localPort: p.localPort, address: p.address, ...(p.container ? { container: p.container } : {}) }).then(
        (e) => c.setFlash(`PortForward activated ${e.namespace}/${e.pod}:${e.localPort}:${e.remotePort} ${e.url}`),
        (err: Error) => c.setFlash(err.message, 'error'),
      );
    },
  });
}

function stopForward(c: ActionContext, obj: KubeObject): void {
  const entry = c.forwards.get(obj.metadata.uid ?? '');
  if (!entry) return;
  const what = entry.status === 'Active' ? [`Stops listening on ${entry.url} and closes its connections.`] : [`Removes the ended forward (${entry.message ?? entry.status}).`];
  confirm(c, `Delete portforward ${forwardLabel(entry)}?`, what, () =>
    attempt(c, c.forwards.stop(entry.id), 'Successfully deleted 1 PortForward!'),
  );
}

/** k9s' `s` on cronjobs: flip spec.suspend after a confirmation. */
function toggleSuspend(c: ActionContext, cj: KubeObject): void {
  const ns = cj.metadata.namespace ?? '';
  const name = cj.metadata.name ?? '';
  const suspended = cj.spec?.suspend === true;
  const verb = suspended ? 'Resume' : 'Suspend';
  confirm(
    c,
    `${verb} CronJob ${ns}/${name}?`,
    [suspended ? 'Sets spec.suspend to false: the schedule runs again.' : 'Sets spec.suspend to true: no new Jobs are scheduled; running ones go on.'],
    () => attempt(c, c.client.patch('CronJob', ns, name, 'merge', { spec: { suspend: !suspended } }), `CronJob ${ns}/${name} ${suspended ? 'resumed' : 'suspended'} successfully!`),
    selfHealWarning(cj, c.syncStatus),
  );
}

export function runAction(action: ActionId | 'runCommand', c: ActionContext, arg?: string): void {
  const obj = c.view.type === 'table' ? c.selected : undefined;
  const needObj = (): KubeObject | undefined => {
    if (!obj) c.setFlash('nothing selected', 'warn');
    return obj;
  };
  switch (action) {
    case 'runCommand':
      runCommand(c, arg ?? '');
      return;
    case 'command':
      c.setMode({ type: 'command', text: '' });
      return;
    case 'filter':
      c.setMode({ type: 'filter', text: c.ui.filter });
      return;
    case 'help':
      if (c.view.type !== 'help') c.push({ type: 'help', scopes: scopesFor(c.view, true) });
      return;
    case 'back':
      // As in k9s: esc first clears an active filter, then leaves the view.
      if (c.ui.filter) c.setUi({ filter: '' });
      else if (c.stack.length > 1) c.setStack((s) => s.slice(0, -1));
      return;
    case 'quit':
      c.quit();
      return;
    case 'allNamespaces':
      if (c.view.type === 'table') {
        c.setNamespace('');
        c.replaceView({ ...c.view, namespace: '' });
        c.setFlash('viewing all namespaces');
      }
      return;
    case 'up':
      nav(c, -1);
      return;
    case 'down':
      nav(c, 1);
      return;
    case 'pageUp':
      nav(c, -Math.max(1, c.listHeight - 1));
      return;
    case 'pageDown':
      nav(c, Math.max(1, c.listHeight - 1));
      return;
    case 'top':
      nav(c, 'top');
      return;
    case 'bottom':
      nav(c, 'bottom');
      return;
    case 'enter': {
      if (c.view.type === 'history') {
        const rev = c.history?.revisions[currentIndex(c)];
        if (c.history?.deploy && rev) rollback(c, c.history.deploy, rev.revision);
        return;
      }
      const o = needObj();
      if (o) drillDown(c, o);
      return;
    }
    case 'describe': {
      const o = needObj();
      if (o) c.push({ type: 'describe', kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
      return;
    }
    case 'yaml': {
      const o = needObj();
      if (o) c.push({ type: 'yaml', kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
      return;
    }
    case 'reveal': {
      if (c.view.type === 'yaml' || c.view.type === 'describe') {
        c.setUi({ reveal: !c.ui.reveal });
        if (c.view.type === 'describe') c.replaceView({ type: 'yaml', kind: c.view.kind, namespace: c.view.namespace, name: c.view.name });
        return;
      }
      const o = needObj();
      if (!o) return;
      c.push({ type: 'yaml', kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
      c.setUi({ reveal: true });
      return;
    }
    case 'delete': {
      const o = needObj();
      if (!o) return;
      confirm(c, `Delete ${ref(o)}?`, [`This deletes ${o.kind} "${o.metadata.name}"${o.metadata.namespace ? ` in namespace "${o.metadata.namespace}"` : ''}.`], () =>
        attempt(c, c.client.delete(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''), `${ref(o)} deleted`),
      );
      return;
    }
    case 'kill': {
      const o = needObj();
      if (!o) return;
      confirm(c, `Kill ${ref(o)}?`, ['Deletes the pod immediately (grace period 0).'], () =>
        attempt(c, c.client.delete('Pod', o.metadata.namespace ?? '', o.metadata.name ?? '', { gracePeriodSeconds: 0 }), `${ref(o)} killed`),
      );
      return;
    }
    case 'logs':
    case 'previousLogs': {
      const o = needObj();
      if (o) openLogs(c, o, action === 'previousLogs');
      return;
    }
    case 'scale': {
      const o = needObj();
      if (o && SCALABLE.has(o.kind)) scale(c, o);
      return;
    }
    case 'restart': {
      const o = needObj();
      if (!o || !RESTARTABLE.has(o.kind)) return;
      confirm(c, `Restart ${ref(o)}?`, ['Rolls every pod (kubectl rollout restart).'], () =>
        attempt(c, c.client.restart(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''), `${ref(o)} restarted`),
      selfHealWarning(o, c.syncStatus),
      );
      return;
    }
    case 'rollback': {
      const o = needObj();
      if (o && o.kind === 'Deployment') rollback(c, o);
      return;
    }
    case 'history': {
      const o = needObj();
      if (o && o.kind === 'Deployment') c.push({ type: 'history', namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
      return;
    }
    case 'cordon':
    case 'uncordon': {
      const o = needObj();
      if (!o) return;
      const on = action === 'cordon';
      attempt(c, c.client.cordon(o.metadata.name ?? '', on), `node/${o.metadata.name} ${on ? 'cordoned' : 'uncordoned'}`);
      return;
    }
    case 'drain': {
      const o = needObj();
      if (!o) return;
      confirm(c, `Drain node/${o.metadata.name}?`, ['Cordons the node, then evicts every pod but DaemonSet and mirror pods.'], () =>
        // A budget's refusal shows while drain retries it; the final error names the budget too.
        attempt(c, c.client.drain(o.metadata.name ?? '', { onRetry: (m) => c.setFlash(m, 'warn') }), `node/${o.metadata.name} drained`),
      );
      return;
    }
    case 'trigger': {
      const o = needObj();
      if (!o) return;
      confirm(c, `Trigger cronjob ${o.metadata.namespace}/${o.metadata.name}?`, ['Creates a Job from the CronJob template now.'], () =>
        c.client.triggerCronJob(o.metadata.namespace ?? '', o.metadata.name ?? '').then(
          (job) => c.setFlash(`job.batch/${job.metadata.name} created`),
          (err: Error) => c.setFlash(err.message, 'error'),
        ),
      );
      return;
    }
    case 'suspend': {
      const o = needObj();
      if (o && o.kind === 'CronJob') toggleSuspend(c, o);
      return;
    }
    case 'shell': {
      const o = needObj();
      if (o && o.kind === 'Pod') shell(c, o);
      return;
    }
    case 'edit': {
      const o = needObj();
      // An object the folder defines is edited in its manifest, not live (the sync would revert a live edit).
      if (o && !(writesThrough(c, o) && editSource(c, o))) edit(c, o);
      return;
    }
    case 'setImage': {
      const o = needObj();
      if (o) setImage(c, o);
      return;
    }
    case 'portForward': {
      const o = needObj();
      if (o) portForward(c, o);
      return;
    }
    case 'syncReconcile':
      syncReconcile(c);
      return;
    case 'syncSuspend':
      syncSuspend(c);
      return;
    case 'syncDiff':
      syncDiff(c);
      return;
    case 'stopForward': {
      const o = needObj();
      if (o) stopForward(c, o);
      return;
    }
    case 'sortPorts':
      setSort(c, 'PORTS');
      return;
    case 'sortUrl':
      setSort(c, 'URL');
      return;
    case 'sortName':
      setSort(c, 'NAME');
      return;
    case 'sortAge':
      setSort(c, 'AGE');
      return;
    case 'sortStatus':
      setSort(c, 'STATUS');
      return;
    case 'sortRestarts':
      setSort(c, 'RESTARTS');
      return;
    case 'sortCpu':
      setSort(c, 'CPU', false);
      return;
    case 'sortMem':
      setSort(c, 'MEM', false);
      return;
    case 'sortColumnLeft':
      moveSortColumn(c, -1);
      return;
    case 'sortColumnRight':
      moveSortColumn(c, 1);
      return;
    case 'sortFlip':
      c.setUi({ sort: { column: c.ui.sort?.column ?? 'NAME', asc: !(c.ui.sort?.asc ?? true) } });
      return;
    case 'toggleEvents':
      c.setShowEvents((v) => !v);
      return;
    case 'logAutoscroll':
      c.setLogUi((l) => ({ ...l, autoscroll: !l.autoscroll }));
      return;
    case 'logWrap':
      c.setLogUi((l) => ({ ...l, wrap: !l.wrap }));
      return;
    case 'logTimestamps':
      c.setLogUi((l) => ({ ...l, timestamps: !l.timestamps }));
      return;
    case 'logTail':
      c.setLogUi((l) => ({ ...l, autoscroll: true }));
      return;
    case 'logHead':
      c.setLogUi((l) => ({ ...l, autoscroll: false }));
      c.setUi({ offset: 0 });
      return;
    case 'logClear':
      c.logs.clear();
      c.setUi({ offset: 0 });
      c.setFlash('log cleared');
      return;
    case 'logAllPods': {
      if (c.view.type !== 'logs' || !c.view.owner) {
        c.setFlash('this pod has no owner to follow', 'warn');
        return;
      }
      const owner = c.view.owner;
      const ns = c.view.namespace;
      const pods = c.cache
        .items('Pod')
        .filter((p) => p.metadata.namespace === ns && p.metadata.ownerReferences?.some((r) => r.controller && (owner.uid ? r.uid === owner.uid : r.name === owner.name)))
        .map((p) => p.metadata.name ?? '')
        .sort();
      c.replaceView({ type: 'logs', namespace: ns, pods, title: `Logs(${owner.kind.toLowerCase()}/${ns}/${owner.name})[${pods.length} pods]` });
      return;
    }
  }
}
