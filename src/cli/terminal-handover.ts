// Suspending the terminal UI so that another program can have the terminal
// (a shell in a pod, the user's editor), as k9s does with its Suspend: Ink's
// output is silenced through a stdout proxy, the alternate screen is left,
// the program runs, then the UI's screen comes back and Ink redraws it whole.
// Ink releases stdin itself once the App deactivates its input (raw mode off,
// no reader), which the App does before calling run().
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const CLEAR = '\x1b[H\x1b[2J';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';
const RESET_ATTRS = '\x1b[0m';

/** What the handover gives a program (the same shape as components/terminal.ts' HandedTerminal). */
export interface Handed {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  edit(text: string, opts?: { file?: string; ext?: string }): Promise<{ text: string; file: string }>;
  discard(file: string): void;
  editFile(file: string, line: number): Promise<void>;
  print(text: string): void;
}

export interface TerminalHandoverOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** The UI runs on the alternate screen: leave it for the program, return after. */
  altScreen: boolean;
  /** The renderer to reset before the redraw (Ink's instance.clear()). */
  clearRenderer: () => void;
  env?: NodeJS.ProcessEnv;
}

export interface TerminalHandoverHandle {
  /** The stdout to render the UI to: a proxy of the real one that drops writes while the terminal is handed over. */
  uiStdout: NodeJS.WriteStream;
  /** True while a program has the terminal (Ctrl-C then belongs to it, not to kubeterm). */
  readonly handedOver: boolean;
  run<T>(fn: (t: Handed) => Promise<T>): Promise<T>;
}

export function createTerminalHandover(o: TerminalHandoverOptions): TerminalHandoverHandle {
  const env = o.env ?? process.env;
  let muted = false;
  let busy = false;
  const real = o.stdout;
  const muteableWrite = (...args: unknown[]): boolean => {
    if (muted) {
      // Keep the write contract: a callback still runs.
      const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
      return true;
    }
    return (real.write as (...a: unknown[]) => boolean)(...args);
  };
  const uiStdout = new Proxy(real, {
    get(target, prop) {
      if (prop === 'write') return muteableWrite;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });

  const handed: Handed = {
    stdin: o.stdin,
    stdout: real,
    stderr: o.stderr,
    edit: (text, opts) => editInEditor(text, env, opts),
    discard: (file) => rmSync(file, { force: true }),
    editFile: (file, line) => openInEditor(file, line, env),
    print: (text) => void real.write(text),
  };

  return {
    uiStdout,
    get handedOver() {
      return busy;
    },
    async run(fn) {
      if (busy) throw new Error('the terminal is already handed over');
      busy = true;
      muted = true;
      if (o.stdin.isTTY) o.stdin.setRawMode(false);
      real.write(RESET_ATTRS + SHOW_CURSOR + (o.altScreen ? ALT_OFF : '') + CLEAR);
      try {
        return await fn(handed);
      } finally {
        if (o.stdin.isTTY) o.stdin.setRawMode(false);
        o.stdin.pause();
        // Ink forgets what it drew (its clear() output is dropped: muted), so its next frame is written whole.
        o.clearRenderer();
        real.write(RESET_ATTRS + (o.altScreen ? ALT_ON : '') + CLEAR + HIDE_CURSOR);
        muted = false;
        busy = false;
      }
    },
  };
}

/** kubectl edit's editor: $KUBE_EDITOR, else $EDITOR, else vi; one with spaces or arguments runs through `sh -c`. */
export function editorCommand(env: NodeJS.ProcessEnv, file: string): { file: string; args: string[]; name: string } {
  const editor = (env.KUBE_EDITOR || env.EDITOR || 'vi').trim();
  if (!/\s/.test(editor)) return { file: editor, args: [file], name: editor };
  return { file: 'sh', args: ['-c', `${editor} ${JSON.stringify(file)}`], name: editor };
}

/** Runs the editor on an existing file at a line (`+N` is understood by vi, vim, nano, emacs, micro). */
async function openInEditor(file: string, line: number, env: NodeJS.ProcessEnv): Promise<void> {
  const editor = (env.KUBE_EDITOR || env.EDITOR || 'vi').trim();
  const cmd = /\s/.test(editor)
    ? { file: 'sh', args: ['-c', `${editor} +${Math.max(1, Math.floor(line))} ${JSON.stringify(file)}`], name: editor }
    : { file: editor, args: [`+${Math.max(1, Math.floor(line))}`, file], name: editor };
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args, { stdio: 'inherit', env });
    child.on('error', (e) => reject(new Error(`there was a problem with the editor "${cmd.name}": ${e.message}`, { cause: e })));
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
  });
  if (code !== 0) throw new Error(`there was a problem with the editor "${cmd.name}" (exit code ${code})`);
}

async function editInEditor(text: string, env: NodeJS.ProcessEnv, opts: { file?: string; ext?: string } = {}): Promise<{ text: string; file: string }> {
  const file = opts.file ?? path.join(tmpdir(), `kubeterm-edit-${randomBytes(6).toString('hex')}${opts.ext ?? '.yaml'}`);
  writeFileSync(file, text, { mode: 0o600 });
  const cmd = editorCommand(env, file);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args, { stdio: 'inherit', env });
    child.on('error', (e) => reject(new Error(`there was a problem with the editor "${cmd.name}": ${e.message}`, { cause: e })));
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
  });
  if (code !== 0) throw new Error(`there was a problem with the editor "${cmd.name}" (exit code ${code}); a copy of the object is in "${file}"`);
  return { text: readFileSync(file, 'utf8'), file };
}
