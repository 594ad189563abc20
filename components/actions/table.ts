// Keys of every resource table (k9s' browser): enter drills down, d/y
// describe and YAML, e edits, ctrl-d deletes, 0 shows all namespaces, the
// sort keys, and the events pane toggle.
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { attempt, confirm, onSelected, ref, type ActionContext, type Screen } from './context.js';
import { podSelectorOf } from './pods-of.js';
import { edit } from './terminal.js';
import { editSource, writesThrough } from './write-through.js';

/** enter: a workload's, Service's or Node's pods, a namespace's pods, a CronJob's Jobs; else the description. */
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

/** Sorts by `column` (ascending first, or descending first as k9s sorts usage); again flips it. */
export function setSort(c: ActionContext, s: Screen, column: string, firstAsc = true): void {
  if (!s.table?.columns.some((col) => col.name === column)) {
    c.setFlash(`no ${column} column here`, 'warn');
    return;
  }
  const cur = s.ui.sort;
  c.setUi({ sort: cur?.column === column ? { column, asc: !cur.asc } : { column, asc: firstAsc } });
}

/** A binding that sorts by `column`. */
export const sortBy =
  (column: string, firstAsc = true): Binding['run'] =>
  (c, s) =>
    setSort(c, s, column, firstAsc);

function moveSortColumn(c: ActionContext, s: Screen, dir: -1 | 1): void {
  const cols = s.table?.columns ?? [];
  if (!cols.length) return;
  const cur = cols.findIndex((col) => col.name === (s.ui.sort?.column ?? 'NAME'));
  const next = Math.max(0, Math.min(cols.length - 1, (cur < 0 ? 0 : cur) + dir));
  c.setUi({ sort: { column: cols[next].name, asc: s.ui.sort?.asc ?? true } });
}

const openAs = (type: 'describe' | 'yaml') =>
  onSelected((c, o) => c.push({ type, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' }));

const deleteObject = onSelected((c, o) =>
  confirm(c, `Delete ${ref(o)}?`, [`This deletes ${o.kind} "${o.metadata.name}"${o.metadata.namespace ? ` in namespace "${o.metadata.namespace}"` : ''}.`], () =>
    attempt(c, c.client.delete(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''), `${ref(o)} deleted`),
  ),
);

// An object the folder defines is edited in its manifest, not live (the sync would revert a live edit).
const editObject = onSelected((c, o) => {
  if (!(writesThrough(c, o) && editSource(c, o))) edit(c, o);
});

const allNamespaces: Binding['run'] = (c, s) => {
  if (s.view.type !== 'table') return;
  c.setNamespace('');
  c.replaceView({ ...s.view, namespace: '' });
  c.setFlash('viewing all namespaces');
};

export const TABLE_KEYS: Binding[] = [
  { key: 'enter', label: 'View', views: ['table'], action: 'enter', group: 'resource', run: onSelected((c, o) => drillDown(c, o)) },
  { key: 'd', label: 'Describe', views: ['table'], action: 'describe', group: 'resource', hint: true, run: openAs('describe') },
  { key: 'y', label: 'YAML', views: ['table'], action: 'yaml', group: 'resource', hint: true, run: openAs('yaml') },
  { key: 'e', label: 'Edit', views: ['table'], action: 'edit', group: 'resource', hint: true, run: editObject },
  { key: 'ctrl-d', label: 'Delete', views: ['table'], action: 'delete', group: 'resource', hint: true, run: deleteObject },
  { key: '0', label: 'All Namespaces', views: ['table'], action: 'allNamespaces', group: 'general', hint: true, run: allNamespaces },
  { key: 'shift-n', label: 'Sort Name', views: ['table'], action: 'sortName', group: 'navigation', run: sortBy('NAME') },
  { key: 'shift-a', label: 'Sort Age', views: ['table'], action: 'sortAge', group: 'navigation', run: sortBy('AGE') },
  { key: '<', also: ['shift-left'], label: 'Sort Column Left', views: ['table'], action: 'sortColumnLeft', group: 'navigation', run: (c, s) => moveSortColumn(c, s, -1) },
  { key: '>', also: ['shift-right'], label: 'Sort Column Right', views: ['table'], action: 'sortColumnRight', group: 'navigation', run: (c, s) => moveSortColumn(c, s, 1) },
  {
    key: 'shift-r',
    label: 'Sort Reverse',
    views: ['table'],
    action: 'sortFlip',
    group: 'navigation',
    run: (c, s) => c.setUi({ sort: { column: s.ui.sort?.column ?? 'NAME', asc: !(s.ui.sort?.asc ?? true) } }),
  },
  { key: 'shift-e', label: 'Toggle Events Pane', views: ['table'], action: 'toggleEvents', group: 'general', run: (c) => c.toggleEvents() },
];
