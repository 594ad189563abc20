// The App's view of the cluster: one watch cache (closed with the App), the
// kinds the cluster serves now (the prompt, completion and views follow CRDs
// as they come and go), and the watches every screen needs.
import { useEffect, useMemo } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import type { ClusterClient } from '../../src/client/types.js';
import type { Clock } from '../../src/util/clock.js';
import { findKind } from '../logic/kinds.js';
import { useResources } from './use-resources.js';
import { useWatchCache } from './use-watch-cache.js';
import { WatchCache } from '../logic/watch-cache.js';

export function useClusterCache(client: ClusterClient, clock: Clock, frameMs: number): { cache: WatchCache; kinds: readonly KindInfo[] } {
  const cache = useMemo(() => new WatchCache(client, clock, frameMs), [client, clock, frameMs]);
  useEffect(() => () => cache.close(), [cache]);
  const kinds = useResources(client);
  // A kind that went away (its CRD deleted) is no longer watched: its watch could only fail.
  useEffect(() => {
    cache.retain((kind) => !!findKind(kinds, kind));
  }, [cache, kinds]);
  // The header, the events pane and describe need these whatever the view.
  cache.ensure('Pod');
  cache.ensure('Node');
  cache.ensure('Event');
  useWatchCache(cache);
  return { cache, kinds };
}
