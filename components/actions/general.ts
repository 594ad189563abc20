// Keys every view has: the `:` command prompt (and what its commands do),
// the `/` filter, `?` help, esc back, ctrl-c quit.
import type { Binding } from '../keys.js';
import { parseCommand } from '../logic/command.js';
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import { scopesFor } from '../scopes.js';
import type { ActionContext, Screen } from './context.js';

/** Runs what was typed after `:`. */
export function runCommand(c: ActionContext, s: Screen, text: string): void {
  const cmd = parseCommand(text, s.kinds);
  switch (cmd.type) {
    case 'quit':
      c.quit();
      return;
    case 'help':
      c.push({ type: 'help', scopes: scopesFor(s.view) });
      return;
    case 'sync':
      c.push({ type: 'sync' });
      return;
    case 'portforwards': {
      let ns = s.namespace;
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
      let ns = s.namespace;
      if (cmd.namespace !== undefined) {
        ns = cmd.namespace;
        if (cmd.info.namespaced) c.setNamespace(ns);
      }
      c.push({ type: 'table', kind: cmd.info.kind, namespace: cmd.info.namespaced ? ns : '' });
      return;
    }
  }
}

const back: Binding['run'] = (c, s) => {
  // As in k9s: esc first clears an active filter, then leaves the view.
  if (s.ui.filter) c.setUi({ filter: '' });
  else if (s.depth > 1) c.setStack((st) => st.slice(0, -1));
};

export const GENERAL_KEYS: Binding[] = [
  { key: ':', label: 'Command', views: ['global'], action: 'command', group: 'general', hint: true, run: (c) => c.setMode({ type: 'command', text: '' }) },
  { key: '/', label: 'Filter', views: ['table', 'logs'], action: 'filter', group: 'general', hint: true, run: (c, s) => c.setMode({ type: 'filter', text: s.ui.filter }) },
  { key: '?', label: 'Help', views: ['global'], action: 'help', group: 'general', hint: true, run: (c, s) => s.view.type !== 'help' && c.push({ type: 'help', scopes: scopesFor(s.view, true) }) },
  { key: 'esc', label: 'Back', views: ['global'], action: 'back', group: 'general', run: back },
  { key: 'ctrl-c', label: 'Quit', views: ['global'], action: 'quit', group: 'general', run: (c) => c.quit() },
];
