// Keys of the pods table (k9s' pod view): kill, shell, and the sorts by
// status, restarts and usage (CPU/MEM sort the nodes table too).
import type { Binding } from '../keys.js';
import { attempt, confirm, onSelected, ref } from './context.js';
import { sortBy } from './table.js';
import { shell } from './terminal.js';

const kill = onSelected((c, o) =>
  confirm(c, `Kill ${ref(o)}?`, ['Deletes the pod immediately (grace period 0).'], () =>
    attempt(c, c.client.delete('Pod', o.metadata.namespace ?? '', o.metadata.name ?? '', { gracePeriodSeconds: 0 }), `${ref(o)} killed`),
  ),
);

export const POD_KEYS: Binding[] = [
  { key: 'ctrl-k', label: 'Kill', views: ['Pod'], action: 'kill', group: 'resource', hint: true, run: kill },
  { key: 'shift-s', label: 'Sort Status', views: ['Pod'], action: 'sortStatus', group: 'navigation', run: sortBy('STATUS') },
  { key: 'shift-t', label: 'Sort Restart', views: ['Pod'], action: 'sortRestarts', group: 'navigation', run: sortBy('RESTARTS') },
  // Usage sorts largest first, as k9s does.
  { key: 'shift-c', label: 'Sort CPU', views: ['Pod', 'Node'], action: 'sortCpu', group: 'navigation', run: sortBy('CPU', false) },
  { key: 'shift-m', label: 'Sort MEM', views: ['Pod', 'Node'], action: 'sortMem', group: 'navigation', run: sortBy('MEM', false) },
  { key: 's', label: 'Shell', views: ['Pod'], action: 'shell', group: 'resource', hint: true, run: onSelected((c, o) => o.kind === 'Pod' && shell(c, o)) },
];
