// Moving around, everywhere something scrolls: the cursor of a table or the
// rollout history, the :sync view's cursor, the lines of a text or logs view.
import type { Binding } from '../keys.js';
import type { ActionContext, Screen } from './context.js';
import { moveSyncCursor } from './sync.js';

type Delta = number | 'top' | 'bottom';

function moveCursor(c: ActionContext, s: Screen, to: number, scroll = 0): void {
  if (s.view.type === 'table') {
    if (!s.rows.length) return;
    const i = Math.max(0, Math.min(s.rows.length - 1, to));
    // Paging moves the window with the cursor, as k9s does; scrollFor clamps it.
    c.setUi({ cursor: i, cursorId: s.rows[i].id, offset: Math.max(0, s.ui.offset + scroll) });
  } else if (s.view.type === 'history') {
    const n = s.history?.revisions.length ?? 0;
    c.setUi({ cursor: Math.max(0, Math.min(n - 1, to)) });
  }
}

function currentIndex(s: Screen): number {
  if (s.view.type === 'history') return Math.max(0, Math.min(s.ui.cursor, (s.history?.revisions.length ?? 1) - 1));
  return s.cursor;
}

function scrollText(c: ActionContext, s: Screen, delta: Delta): void {
  const lines = s.view.type === 'logs' ? s.logLines : (s.textLines ?? []);
  const height = s.bodyHeight - 1;
  const max = Math.max(0, lines.length - height);
  let from = s.ui.offset;
  if (s.view.type === 'logs' && s.logUi.autoscroll) {
    from = max;
    if (delta !== 'bottom') c.setLogUi((l) => ({ ...l, autoscroll: false }));
  }
  const next = delta === 'top' ? 0 : delta === 'bottom' ? max : Math.max(0, Math.min(max, from + delta));
  c.setUi({ offset: next });
}

function nav(c: ActionContext, s: Screen, delta: Delta): void {
  if (s.view.type === 'table' || s.view.type === 'history') {
    const n = s.view.type === 'table' ? s.rows.length : (s.history?.revisions.length ?? 0);
    const page = typeof delta === 'number' && Math.abs(delta) > 1 ? delta : 0;
    moveCursor(c, s, delta === 'top' ? 0 : delta === 'bottom' ? n - 1 : currentIndex(s) + delta, page);
  } else if (s.view.type === 'sync') moveSyncCursor(c, s, delta);
  else scrollText(c, s, delta);
}

const page = (s: Screen) => Math.max(1, s.listHeight - 1);
const SCROLLING = ['table', 'text', 'logs', 'history'];

export const NAVIGATION_KEYS: Binding[] = [
  { key: 'j', also: ['down'], label: 'Down', views: SCROLLING, action: 'down', group: 'navigation', run: (c, s) => nav(c, s, 1) },
  { key: 'k', also: ['up'], label: 'Up', views: SCROLLING, action: 'up', group: 'navigation', run: (c, s) => nav(c, s, -1) },
  { key: 'pgdn', also: ['ctrl-f'], label: 'Page Down', views: SCROLLING, action: 'pageDown', group: 'navigation', run: (c, s) => nav(c, s, page(s)) },
  { key: 'pgup', also: ['ctrl-b'], label: 'Page Up', views: SCROLLING, action: 'pageUp', group: 'navigation', run: (c, s) => nav(c, s, -page(s)) },
  // The logs view has its own head and tail (1 and 0).
  { key: 'g', also: ['home'], label: 'Top', views: ['table', 'text', 'history'], action: 'top', group: 'navigation', run: (c, s) => nav(c, s, 'top') },
  { key: 'shift-g', also: ['end'], label: 'Bottom', views: ['table', 'text', 'history'], action: 'bottom', group: 'navigation', run: (c, s) => nav(c, s, 'bottom') },
];
