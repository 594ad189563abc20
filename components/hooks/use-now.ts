// The time ages are computed against, refreshed on an interval (k9s refreshes
// every 2 s) through the injected clock so tests control it — and also taken
// fresh whenever `changed` changes (the watch cache's version, a new sync
// status): a row, event or sync time that just arrived is then never newer than
// `now`, so it shows `0s`, not `<invalid>`, until the next tick.
import { useEffect, useMemo, useState } from 'react';
import type { Clock } from '../../src/util/clock.js';

export function useNow(clock: Clock, everyMs = 2000, changed: readonly unknown[] = []): number {
  const [ticked, setNow] = useState(() => clock.now());
  useEffect(() => {
    let timer = clock.setTimeout(function tick() {
      setNow(clock.now());
      timer = clock.setTimeout(tick, everyMs);
    }, everyMs);
    return () => timer.cancel();
  }, [clock, everyMs]);
  const fresh = useMemo(() => clock.now(), [clock, ...changed]);
  return Math.max(ticked, fresh);
}
