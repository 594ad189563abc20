// Where views read objects: the watch cache, and the session's port-forwards
// (the `:pf` view's objects, which no server serves).
import { useMemo } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { findKind } from '../logic/kinds.js';
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import type { Listing, WatchCache } from '../logic/watch-cache.js';

export interface ObjectSource {
  /** Whether a view's kind is served (a deleted CRD's kind is not); the session's port-forwards always are. */
  served(kind: string): boolean;
  /** A table's objects: the all-namespaces watch's, else (that one refused) its namespace's; or the server's refusal. */
  listing(kind: string, ns: string): Listing;
  object(kind: string, ns: string, name: string): KubeObject | undefined;
}

export function useObjectSource(cache: WatchCache, kinds: readonly KindInfo[], pfObjects: KubeObject[]): ObjectSource {
  return useMemo(
    () => ({
      served: (kind) => kind === PORT_FORWARD_KIND || !!findKind(kinds, kind),
      listing: (kind, ns) => (kind === PORT_FORWARD_KIND ? { items: pfObjects } : cache.listing(kind, ns)),
      object: (kind, ns, name) =>
        kind === PORT_FORWARD_KIND
          ? [...pfObjects].sort((a, b) => Number(b.status?.phase === 'Active') - Number(a.status?.phase === 'Active')).find((o) => o.metadata.namespace === ns && o.metadata.name === name)
          : cache.get(kind, ns, name),
    }),
    [cache, kinds, pfObjects],
  );
}
