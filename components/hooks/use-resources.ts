// The resources the cluster serves now (ClusterClient.resources()), re-rendering
// the caller whenever they change: a CRD established, changed or deleted.
import { useCallback, useSyncExternalStore } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import type { ClusterClient } from '../../src/client/types.js';

export function useResources(client: Pick<ClusterClient, 'resources' | 'onResourcesChanged'>): readonly KindInfo[] {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const sub = client.onResourcesChanged(onChange);
      return () => sub.stop();
    },
    [client],
  );
  const snapshot = useCallback(() => client.resources(), [client]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
