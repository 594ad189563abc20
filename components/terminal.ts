// Handing the terminal over: k9s' shell (`s`) and edit (`e`) give the whole
// terminal to another program and take it back after. The App gets a
// TerminalHandover from whoever mounted it (src/cli.tsx); components reach the
// terminal only through it, never through process.stdin or process.stdout.
import type { ExecTerminal } from '../src/client/types.js';

/** The terminal while handed over: plain (not raw), the UI's output paused, the alternate screen left. */
export interface HandedTerminal extends ExecTerminal {
  /**
   * Writes `text` to a temporary file (`file` to reuse one), runs the user's
   * editor on it ($KUBE_EDITOR, else $EDITOR, else vi, as kubectl edit) and
   * resolves with what was saved. The file stays until discard().
   */
  edit(text: string, opts?: { file?: string; ext?: string }): Promise<{ text: string; file: string }>;
  discard(file: string): void;
  /**
   * Opens an existing file at a line in the user's editor (`$EDITOR +LINE FILE`) and resolves when
   * the editor exits: write-through's `e` edits the manifest itself. Absent where no editor can run.
   */
  editFile?(file: string, line: number): Promise<void>;
  /** Writes to the handed-over screen (a banner before a shell). */
  print(text: string): void;
}

export interface TerminalHandover {
  /** Gives the terminal to `fn` and takes it back when fn settles (the UI redraws whole). One at a time. */
  run<T>(fn: (t: HandedTerminal) => Promise<T>): Promise<T>;
}
