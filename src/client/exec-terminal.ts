// The local half of an interactive exec, shared by the embedded and the
// Kubernetes client: while a command runs, the user's keys go to a stream of
// the exec's own (never the terminal's stdin itself, so nothing is left piped
// or ended when the command exits), the terminal is raw for TTY sessions as
// kubectl makes it, and size changes are passed on.
import { PassThrough, Writable } from 'node:stream';
import type { ExecTerminal } from './types.js';

export interface TerminalSize {
  width: number;
  height: number;
}

export interface AttachedTerminal {
  /** The keys typed while attached. Ends on detach(). */
  stdin: PassThrough;
  /** Writes to the terminal; carries `columns`/`rows` and emits `resize`, so libraries that follow a TTY's size can. */
  stdout: Writable & { columns: number; rows: number };
  size(): TerminalSize | undefined;
  onResize(handler: (size: TerminalSize) => void): void;
  /** Gives the terminal back: input stops flowing here, raw mode is undone, listeners removed. Idempotent. */
  detach(): void;
}

export function attachTerminal(io: ExecTerminal, tty: boolean): AttachedTerminal {
  const stdin = new PassThrough();
  const onData = (d: Buffer | string) => stdin.write(d);
  const setRaw = tty && io.stdin.isTTY && typeof io.stdin.setRawMode === 'function';
  if (setRaw) io.stdin.setRawMode!(true);
  io.stdin.on('data', onData);
  io.stdin.resume();

  const size = (): TerminalSize | undefined => (io.stdout.columns && io.stdout.rows ? { width: io.stdout.columns, height: io.stdout.rows } : undefined);
  const handlers: ((s: TerminalSize) => void)[] = [];
  const stdout = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        io.stdout.write(chunk as Buffer);
        cb();
      },
    }),
    { columns: io.stdout.columns ?? 80, rows: io.stdout.rows ?? 24 },
  );
  const onResize = () => {
    const s = size();
    if (!s) return;
    stdout.columns = s.width;
    stdout.rows = s.height;
    stdout.emit('resize');
    for (const h of handlers) h(s);
  };
  io.stdout.on('resize', onResize);

  let detached = false;
  return {
    stdin,
    stdout,
    size,
    onResize: (h) => handlers.push(h),
    detach() {
      if (detached) return;
      detached = true;
      io.stdin.off('data', onData);
      io.stdin.pause();
      if (setRaw) io.stdin.setRawMode!(false);
      io.stdout.off('resize', onResize);
      stdin.end();
    },
  };
}

/** The exit code in an exec's final metav1.Status (channel 3): 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } } | undefined): number {
  if (!status || status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  if (status.reason === 'NonZeroExitCode' && Number.isInteger(n)) return n;
  throw new Error(status.message ?? 'exec failed');
}
