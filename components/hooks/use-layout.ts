// How the screen's rows are shared: header, a connection banner when a watch
// is down, the body, the events pane (shift-e toggles it), a dialog, and the
// prompt/flash line.
import { useCallback, useState } from 'react';
import type { View } from '../types.js';
import { dialogHeight, type DialogState } from '../widgets/dialog.js';
import { HEADER_LINES } from '../widgets/header.js';
import type { Size } from './use-terminal-size.js';

export interface Layout {
  /** Rows of the events pane (0: hidden). */
  eventsPane: number;
  bodyHeight: number;
  /** Rows of a table's list: the body less its title and column header. */
  listHeight: number;
  toggleEvents(): void;
}

export function useLayout(size: Size, view: View, banner: boolean, dialog: DialogState | undefined): Layout {
  const [showEvents, setShowEvents] = useState(true);
  const toggleEvents = useCallback(() => setShowEvents((v) => !v), []);
  const eventsPane = showEvents && view.type === 'table' && view.kind !== 'Event' && size.rows >= 28 ? 6 : 0;
  const bodyHeight = Math.max(3, size.rows - HEADER_LINES - (banner ? 1 : 0) - eventsPane - 1 - (dialog ? dialogHeight(dialog, size.columns) : 0));
  return { eventsPane, bodyHeight, listHeight: Math.max(1, bodyHeight - 2), toggleEvents };
}
