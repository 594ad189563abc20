// Key bindings are data: one table drives the key handlers, the header's key
// hints and the `?` help, so they can never disagree. Keys follow k9s. Each
// binding is declared beside its action in actions/<area>.ts (as k9s' views
// bind their own keys); actions/index.ts puts them in the order that decides
// which binding wins a key shared by several views.
import type { Key } from 'ink';
import type { Run } from './actions/context.js';

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
  /** The description the `?` help and the header hints show. */
  label: string;
  views: Scope[];
  /** Names the action (tests and tools ask which action a key runs). */
  action: ActionId;
  /** What the key does, given the App's stable context and the screen it was pressed on. */
  run: Run;
  group: Group;
  /** Shown in the header's key hints. */
  hint?: boolean;
}


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
