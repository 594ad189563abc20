// Logs: `l`/`p` open a pod's (or a workload's pods') logs from their tables;
// inside the logs view, k9s' keys toggle autoscroll, wrap and timestamps, jump
// to head or tail, clear, and follow every pod of the owner.
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { onSelected, ref, type ActionContext } from './context.js';
import { podsOf } from './pods-of.js';

function openLogs(c: ActionContext, obj: KubeObject, previous: boolean): void {
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  if (obj.kind === 'Pod') {
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
    c.push({ type: 'logs', namespace: ns, pods: [name], previous, title: `Logs(${ns}/${name})${previous ? ' previous' : ''}`, owner: owner && { kind: owner.kind, name: owner.name, uid: owner.uid } });
    return;
  }
  const pods = podsOf(c.cache, obj);
  if (!pods.length) {
    c.setFlash(`no pods found for ${ref(obj)}`, 'warn');
    return;
  }
  c.push({ type: 'logs', namespace: ns, pods, title: `Logs(${obj.kind.toLowerCase()}/${ns}/${name})[${pods.length} pods]` });
}

/** `a`: every pod of the viewed pod's controller, in one stream. */
const allPodsOfOwner: Binding['run'] = (c, s) => {
  if (s.view.type !== 'logs' || !s.view.owner) {
    c.setFlash('this pod has no owner to follow', 'warn');
    return;
  }
  const owner = s.view.owner;
  const ns = s.view.namespace;
  const pods = c.cache
    .items('Pod')
    .filter((p) => p.metadata.namespace === ns && p.metadata.ownerReferences?.some((r) => r.controller && (owner.uid ? r.uid === owner.uid : r.name === owner.name)))
    .map((p) => p.metadata.name ?? '')
    .sort();
  c.replaceView({ type: 'logs', namespace: ns, pods, title: `Logs(${owner.kind.toLowerCase()}/${ns}/${owner.name})[${pods.length} pods]` });
};

/** From the tables: first in the binding order, so `l` wins in every kind that has logs. */
export const OPEN_LOGS_KEYS: Binding[] = [
  { key: 'l', label: 'Logs', views: ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'], action: 'logs', group: 'resource', hint: true, run: onSelected((c, o) => openLogs(c, o, false)) },
  { key: 'p', label: 'Logs Previous', views: ['Pod'], action: 'previousLogs', group: 'resource', hint: true, run: onSelected((c, o) => openLogs(c, o, true)) },
];

/** The logs view. */
export const LOG_VIEW_KEYS: Binding[] = [
  { key: 's', label: 'Toggle AutoScroll', views: ['logs'], action: 'logAutoscroll', group: 'logs', hint: true, run: (c) => c.setLogUi((l) => ({ ...l, autoscroll: !l.autoscroll })) },
  { key: 'w', label: 'Toggle Wrap', views: ['logs'], action: 'logWrap', group: 'logs', hint: true, run: (c) => c.setLogUi((l) => ({ ...l, wrap: !l.wrap })) },
  { key: 't', label: 'Toggle Timestamp', views: ['logs'], action: 'logTimestamps', group: 'logs', hint: true, run: (c) => c.setLogUi((l) => ({ ...l, timestamps: !l.timestamps })) },
  { key: '0', label: 'Tail', views: ['logs'], action: 'logTail', group: 'logs', hint: true, run: (c) => c.setLogUi((l) => ({ ...l, autoscroll: true })) },
  {
    key: '1',
    label: 'Head',
    views: ['logs'],
    action: 'logHead',
    group: 'logs',
    hint: true,
    run: (c) => {
      c.setLogUi((l) => ({ ...l, autoscroll: false }));
      c.setUi({ offset: 0 });
    },
  },
  {
    key: 'c',
    label: 'Clear',
    views: ['logs'],
    action: 'logClear',
    group: 'logs',
    hint: true,
    run: (c) => {
      c.clearLogs();
      c.setUi({ offset: 0 });
      c.setFlash('log cleared');
    },
  },
  { key: 'a', label: 'All Pods of Owner', views: ['logs'], action: 'logAllPods', group: 'logs', run: allPodsOfOwner },
];
