// Re-renders the caller once per flushed frame of the watch cache.
import { useSyncExternalStore } from 'react';
import type { WatchCache } from '../logic/watch-cache.js';

export function useWatchCache(cache: WatchCache): number {
  return useSyncExternalStore(cache.subscribe, cache.getVersion, cache.getVersion);
}
