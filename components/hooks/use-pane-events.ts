// The events pane under a table: the namespace's newest events.
import { useMemo } from 'react';
import type { View } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';
import { newestEvents } from '../widgets/events-pane.js';

export function usePaneEvents(cache: WatchCache, view: View, paneRows: number, now: number): ReturnType<typeof newestEvents> {
  const ns = view.type === 'table' ? view.namespace : '';
  return useMemo(() => (paneRows ? newestEvents(cache.items('Event'), ns, paneRows - 1, now) : []), [paneRows, ns, now, cache.version]);
}
