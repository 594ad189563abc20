// Keys of the nodes table (k9s' node view): cordon, uncordon, drain.
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { attempt, confirm, onSelected, type ActionContext } from './context.js';

function cordon(c: ActionContext, o: KubeObject, on: boolean): void {
  attempt(c, c.client.cordon(o.metadata.name ?? '', on), `node/${o.metadata.name} ${on ? 'cordoned' : 'uncordoned'}`);
}

const drain = onSelected((c, o) =>
  confirm(c, `Drain node/${o.metadata.name}?`, ['Cordons the node, then evicts every pod but DaemonSet and mirror pods.'], () =>
    // A budget's refusal shows while drain retries it; the final error names the budget too.
    attempt(c, c.client.drain(o.metadata.name ?? '', { onRetry: (m) => c.setFlash(m, 'warn') }), `node/${o.metadata.name} drained`),
  ),
);

export const NODE_KEYS: Binding[] = [
  { key: 'c', label: 'Cordon', views: ['Node'], action: 'cordon', group: 'resource', hint: true, run: onSelected((c, o) => cordon(c, o, true)) },
  { key: 'u', label: 'Uncordon', views: ['Node'], action: 'uncordon', group: 'resource', hint: true, run: onSelected((c, o) => cordon(c, o, false)) },
  { key: 'shift-d', label: 'Drain', views: ['Node'], action: 'drain', group: 'resource', hint: true, run: drain },
];
