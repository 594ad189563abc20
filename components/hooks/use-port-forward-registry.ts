// Port-forwards outlive views: one registry per App (or the caller's), its
// forwards stopped when the App goes; a forward whose pod went away says so
// at once (it stays listed in :pf as PodGone).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { KubeObject } from '../../src/api/meta.js';
import { PortForwards } from '../../src/client/port-forwards.js';
import type { ClusterClient } from '../../src/client/types.js';
import type { Clock } from '../../src/util/clock.js';
import { forwardLabel, portForwardObjects } from '../logic/port-forward.js';
import type { SetFlash } from './use-flash.js';

export function usePortForwardRegistry(given: PortForwards | undefined, client: ClusterClient, clock: Clock, setFlash: SetFlash): { forwards: PortForwards; pfObjects: KubeObject[] } {
  const forwards = useMemo(() => given ?? new PortForwards({ client, clock }), [given, client, clock]);
  useEffect(() => (given ? undefined : () => void forwards.close()), [forwards, given]);
  const version = useSyncExternalStore(forwards.subscribe, forwards.getVersion);
  const pfObjects = useMemo(() => portForwardObjects(forwards.list()), [forwards, version]);
  useEffect(
    () =>
      forwards.subscribe((ev) => {
        if (ev.type === 'ended') setFlash(`PortForward ${forwardLabel(ev.entry)} ended: ${ev.entry.message ?? ev.entry.status}`, 'warn');
      }),
    [forwards, setFlash],
  );
  return { forwards, pfObjects };
}
