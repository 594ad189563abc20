// The time ages are computed against, refreshed on an interval (k9s refreshes
// every 2 s) through the injected clock so tests control it.
import { useEffect, useState } from 'react';
import type { Clock } from '../src/util/clock.js';

export function useNow(clock: Clock, everyMs = 2000): number {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    let timer = clock.setTimeout(function tick() {
      setNow(clock.now());
      timer = clock.setTimeout(tick, everyMs);
    }, everyMs);
    return () => timer.cancel();
  }, [clock, everyMs]);
  return now;
}
