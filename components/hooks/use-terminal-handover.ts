// Lending the terminal to a shell or an editor (s, e). While they have it the
// App takes no keys (Ink then releases stdin: raw mode off, no reader) and
// draws a placeholder frame, so that coming back draws everything anew.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { HandedTerminal, TerminalHandover } from '../terminal.js';

export type WithTerminal = <T>(fn: (t: HandedTerminal) => Promise<T>) => Promise<T>;

export interface Handover {
  suspended: boolean;
  /** Absent when the App was given no terminal to lend. */
  withTerminal?: WithTerminal;
  /** Call once stdin is released (after useInput's effect): the shell or editor may start. */
  released(): void;
}

export function useTerminalHandover(terminal: TerminalHandover | undefined): Handover {
  const [suspended, setSuspended] = useState(false);
  const ack = useRef<(() => void) | undefined>(undefined);
  const withTerminal = useMemo(
    () =>
      terminal
        ? async <T,>(fn: (t: HandedTerminal) => Promise<T>): Promise<T> => {
            if (ack.current) throw new Error('the terminal is already handed over');
            await new Promise<void>((resolve) => {
              ack.current = resolve;
              setSuspended(true);
            });
            try {
              return await terminal.run(fn);
            } finally {
              ack.current = undefined;
              setSuspended(false);
            }
          }
        : undefined,
    [terminal],
  );
  const released = useCallback(() => ack.current?.(), []);
  return { suspended, withTerminal, released };
}
