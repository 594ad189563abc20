// Key bindings are data: one table drives the key handlers, the header's key
// hints and the `?` help, so they can never disagree. Keys follow k9s.
import type { Key } from 'ink';

export type ActionId =
  | 'command'
  | 'filter'
  | 'help'
  | 'back'
  | 'quit'
  | 'allNamespaces'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'enter'
  | 'describe'
  | 'yaml'
  | 'delete'
  | 'kill'
  | 'logs'
  | 'previousLogs'
  | 'scale'
  | 'restart'
  | 'rollback'
  | 'history'
  | 'cordon'
  | 'uncordon'
  | 'drain'
  | 'trigger'
  | 'suspend'
  | 'portForward'
  | 'shell'
  | 'edit'
  | 'setImage'
  | 'stopForward'
  | 'syncReconcile'
  | 'syncSuspend'
  | 'syncDiff'
  | 'sortPorts'
  | 'sortUrl'
  | 'reveal'
  | 'sortName'
  | 'sortAge'
  | 'sortStatus'
  | 'sortRestarts'
  | 'sortCpu'
  | 'sortMem'
  | 'sortColumnLeft'
  | 'sortColumnRight'
  | 'sortFlip'
  | 'toggleEvents'
  | 'logAutoscroll'
  | 'logWrap'
  | 'logTimestamps'
  | 'logTail'
  | 'logHead'
  | 'logClear'
  | 'logAllPods';

/**
 * Where a binding applies: 'global' everywhere; 'table' in every resource
 * table; a Kind name ('Pod', 'Deployment' …) only in that kind's table;
 * 'text' in describe/yaml/help; 'secret-text' when the text shows a Secret;
 * 'logs' in the logs view; 'history' in the rollout history.
 */
export type Scope = string;

export type Group = 'resource' | 'general' | 'navigation' | 'logs';

export interface Binding {
  /** The key as shown in help: `ctrl-d`, `shift-h`, `enter`, `s` … */
  key: string;
  /** More keys doing the same, e.g. arrows beside j/k. */
  also?: string[];
  label: string;
  views: Scope[];
  action: ActionId;
  group: Group;
  /** Shown in the header's key hints. */
  hint?: boolean;
}

const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet'];

export const BINDINGS: readonly Binding[] = [
  // Per-kind actions first: they win over generic ones on the same key.
  { key: 'l', label: 'Logs', views: ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'], action: 'logs', group: 'resource', hint: true },
  { key: 'p', label: 'Logs Previous', views: ['Pod'], action: 'previousLogs', group: 'resource', hint: true },
  { key: 'ctrl-k', label: 'Kill', views: ['Pod'], action: 'kill', group: 'resource', hint: true },
  { key: 'shift-s', label: 'Sort Status', views: ['Pod'], action: 'sortStatus', group: 'navigation' },
  { key: 'shift-t', label: 'Sort Restart', views: ['Pod'], action: 'sortRestarts', group: 'navigation' },
  { key: 'shift-c', label: 'Sort CPU', views: ['Pod', 'Node'], action: 'sortCpu', group: 'navigation' },
  { key: 'shift-m', label: 'Sort MEM', views: ['Pod', 'Node'], action: 'sortMem', group: 'navigation' },
  { key: 's', label: 'Scale', views: WORKLOADS, action: 'scale', group: 'resource', hint: true },
  { key: 's', label: 'Shell', views: ['Pod'], action: 'shell', group: 'resource', hint: true },
  { key: 'r', label: 'Restart', views: ['Deployment', 'StatefulSet', 'DaemonSet'], action: 'restart', group: 'resource', hint: true },
  { key: 'u', label: 'Rollback', views: ['Deployment'], action: 'rollback', group: 'resource', hint: true },
  { key: 'shift-h', label: 'History', views: ['Deployment'], action: 'history', group: 'resource', hint: true },
  { key: 'i', label: 'Set Image', views: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'CronJob'], action: 'setImage', group: 'resource' },
  { key: 'c', label: 'Cordon', views: ['Node'], action: 'cordon', group: 'resource', hint: true },
  { key: 'u', label: 'Uncordon', views: ['Node'], action: 'uncordon', group: 'resource', hint: true },
  { key: 'shift-d', label: 'Drain', views: ['Node'], action: 'drain', group: 'resource', hint: true },
  { key: 't', label: 'Trigger', views: ['CronJob'], action: 'trigger', group: 'resource', hint: true },
  { key: 's', label: 'Suspend/Resume', views: ['CronJob'], action: 'suspend', group: 'resource', hint: true },
  { key: 'shift-f', label: 'Port-Forward', views: ['Pod', 'Service'], action: 'portForward', group: 'resource', hint: true },
  // Workloads forward to one of their running pods; no header hint there (their hint columns are full).
  { key: 'shift-f', label: 'Port-Forward', views: [...WORKLOADS, 'DaemonSet'], action: 'portForward', group: 'resource' },
  { key: 'ctrl-d', label: 'Delete', views: ['PortForward'], action: 'stopForward', group: 'resource', hint: true },
  { key: 'shift-p', label: 'Sort Ports', views: ['PortForward'], action: 'sortPorts', group: 'navigation' },
  { key: 'shift-u', label: 'Sort URL', views: ['PortForward'], action: 'sortUrl', group: 'navigation' },
  { key: 'x', label: 'Decode', views: ['Secret', 'secret-text'], action: 'reveal', group: 'resource', hint: true },
  { key: 'enter', label: 'Rollback to', views: ['history'], action: 'enter', group: 'resource', hint: true },
  // The :sync view: r reconcile now, s suspend/resume (as s suspends a CronJob), d the kubectl-style diff of the selected object.
  { key: 'r', label: 'Reconcile', views: ['sync'], action: 'syncReconcile', group: 'resource', hint: true },
  { key: 's', label: 'Suspend/Resume', views: ['sync'], action: 'syncSuspend', group: 'resource', hint: true },
  { key: 'd', label: 'Diff', views: ['sync'], action: 'syncDiff', group: 'resource', hint: true },
  { key: 'enter', label: 'Diff', views: ['sync'], action: 'syncDiff', group: 'resource' },

  // Every resource table.
  { key: 'enter', label: 'View', views: ['table'], action: 'enter', group: 'resource' },
  { key: 'd', label: 'Describe', views: ['table'], action: 'describe', group: 'resource', hint: true },
  { key: 'y', label: 'YAML', views: ['table'], action: 'yaml', group: 'resource', hint: true },
  { key: 'e', label: 'Edit', views: ['table'], action: 'edit', group: 'resource', hint: true },
  { key: 'ctrl-d', label: 'Delete', views: ['table'], action: 'delete', group: 'resource', hint: true },
  { key: '0', label: 'All Namespaces', views: ['table'], action: 'allNamespaces', group: 'general', hint: true },
  { key: 'shift-n', label: 'Sort Name', views: ['table'], action: 'sortName', group: 'navigation' },
  { key: 'shift-a', label: 'Sort Age', views: ['table'], action: 'sortAge', group: 'navigation' },
  { key: '<', also: ['shift-left'], label: 'Sort Column Left', views: ['table'], action: 'sortColumnLeft', group: 'navigation' },
  { key: '>', also: ['shift-right'], label: 'Sort Column Right', views: ['table'], action: 'sortColumnRight', group: 'navigation' },
  { key: 'shift-r', label: 'Sort Reverse', views: ['table'], action: 'sortFlip', group: 'navigation' },
  { key: 'shift-e', label: 'Toggle Events Pane', views: ['table'], action: 'toggleEvents', group: 'general' },

  // The logs view.
  { key: 's', label: 'Toggle AutoScroll', views: ['logs'], action: 'logAutoscroll', group: 'logs', hint: true },
  { key: 'w', label: 'Toggle Wrap', views: ['logs'], action: 'logWrap', group: 'logs', hint: true },
  { key: 't', label: 'Toggle Timestamp', views: ['logs'], action: 'logTimestamps', group: 'logs', hint: true },
  { key: '0', label: 'Tail', views: ['logs'], action: 'logTail', group: 'logs', hint: true },
  { key: '1', label: 'Head', views: ['logs'], action: 'logHead', group: 'logs', hint: true },
  { key: 'c', label: 'Clear', views: ['logs'], action: 'logClear', group: 'logs', hint: true },
  { key: 'a', label: 'All Pods of Owner', views: ['logs'], action: 'logAllPods', group: 'logs' },

  // Navigation, everywhere something scrolls.
  { key: 'j', also: ['down'], label: 'Down', views: ['table', 'text', 'logs', 'history'], action: 'down', group: 'navigation' },
  { key: 'k', also: ['up'], label: 'Up', views: ['table', 'text', 'logs', 'history'], action: 'up', group: 'navigation' },
  { key: 'pgdn', also: ['ctrl-f'], label: 'Page Down', views: ['table', 'text', 'logs', 'history'], action: 'pageDown', group: 'navigation' },
  { key: 'pgup', also: ['ctrl-b'], label: 'Page Up', views: ['table', 'text', 'logs', 'history'], action: 'pageUp', group: 'navigation' },
  { key: 'g', also: ['home'], label: 'Top', views: ['table', 'text', 'history'], action: 'top', group: 'navigation' },
  { key: 'shift-g', also: ['end'], label: 'Bottom', views: ['table', 'text', 'history'], action: 'bottom', group: 'navigation' },

  // General.
  { key: ':', label: 'Command', views: ['global'], action: 'command', group: 'general', hint: true },
  { key: '/', label: 'Filter', views: ['table', 'logs'], action: 'filter', group: 'general', hint: true },
  { key: '?', label: 'Help', views: ['global'], action: 'help', group: 'general', hint: true },
  { key: 'esc', label: 'Back', views: ['global'], action: 'back', group: 'general' },
  { key: 'ctrl-c', label: 'Quit', views: ['global'], action: 'quit', group: 'general' },
];

/** The binding a key triggers in a view with these scopes, if any. */
export function bindingFor(bindings: readonly Binding[], scopes: readonly Scope[], key: string): Binding | undefined {
  return bindings.find((b) => (b.key === key || b.also?.includes(key)) && b.views.some((v) => scopes.includes(v)));
}

/** Every binding active in a view, each key shown once (the first, winning binding). */
export function activeBindings(bindings: readonly Binding[], scopes: readonly Scope[]): Binding[] {
  const seen = new Set<string>();
  const out: Binding[] = [];
  for (const b of bindings) {
    if (!b.views.some((v) => scopes.includes(v)) || seen.has(b.key)) continue;
    seen.add(b.key);
    out.push(b);
  }
  return out;
}

/** `<ctrl-d>` — keys as k9s prints them. */
export function keyLabel(key: string): string {
  return `<${key}>`;
}

/** Names an Ink keypress the way bindings spell keys. */
export function keyName(input: string, key: Key): string {
  const shift = key.shift ? 'shift-' : '';
  if (key.upArrow) return `${shift}up`;
  if (key.downArrow) return `${shift}down`;
  if (key.leftArrow) return `${shift}left`;
  if (key.rightArrow) return `${shift}right`;
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  if (input.length === 1 && input >= 'A' && input <= 'Z') return `shift-${input.toLowerCase()}`;
  return input;
}
