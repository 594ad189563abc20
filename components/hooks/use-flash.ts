// The flash line: a message that clears itself after five seconds (a newer one replaces it).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Clock } from '../../src/util/clock.js';
import type { FlashState } from '../widgets/flash.js';

export type SetFlash = (text: string, level?: FlashState['level']) => void;

export function useFlash(clock: Clock): { flash: FlashState | undefined; setFlash: SetFlash } {
  const [flash, setFlashState] = useState<FlashState | undefined>();
  const timer = useRef<{ cancel(): void } | undefined>(undefined);
  const setFlash = useCallback<SetFlash>(
    (text, level = 'info') => {
      timer.current?.cancel();
      setFlashState({ text, level });
      timer.current = clock.setTimeout(() => setFlashState(undefined), 5000);
    },
    [clock],
  );
  useEffect(() => () => timer.current?.cancel(), []);
  return { flash, setFlash };
}
