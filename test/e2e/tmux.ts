// A small tmux driver for end-to-end tests of the terminal UI: starts a
// command in a detached session on a PRIVATE tmux server (`-L <socket>`, no
// user config), types keys with send-keys, reads the screen with
// capture-pane, and waits for screen text by polling with a deadline (never a
// fixed sleep). kill() stops only that private server. The second half starts
// kubeterm itself that way.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/wait.js';

/** `s` with every RegExp metacharacter escaped, to match screen text literally. */
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The tmux binary, or undefined when tmux is not installed. */
export function findTmux(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/local/bin')) {
    if (dir && existsSync(join(dir, 'tmux'))) return join(dir, 'tmux');
  }
  return undefined;
}

export interface TmuxStart {
  /** A shell command line run by tmux's `sh -c`. */
  command: string;
  cols?: number;
  rows?: number;
  cwd?: string;
  /** Extra environment for the command (the server inherits it at start). */
  env?: Record<string, string>;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Says what was awaited in the timeout error. */
  what?: string;
}

const POLL_MS = 100;

/** Polls `probe` until it returns something other than undefined (an empty string counts), or throws with `describeFailure()` after timeoutMs. */
export async function poll<T>(probe: () => T | undefined, timeoutMs: number, describeFailure: () => string): Promise<T> {
  const got = await until(describeFailure, () => {
    const v = probe();
    return v === undefined ? undefined : { v };
  }, timeoutMs, POLL_MS);
  return got.v;
}

export class TmuxSession {
  private constructor(
    readonly tmux: string,
    readonly socket: string,
  ) {}

  /** Starts `command` in a new detached session of a fresh private tmux server. */
  static start(tmux: string, o: TmuxStart): TmuxSession {
    const socket = `kubeterm-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const s = new TmuxSession(tmux, socket);
    const args = ['-f', '/dev/null', '-L', socket, 'new-session', '-d', '-x', String(o.cols ?? 160), '-y', String(o.rows ?? 50)];
    if (o.cwd) args.push('-c', o.cwd);
    args.push(o.command);
    execFileSync(tmux, args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Keep the window at the size asked for, whatever clients attach later.
    s.run('set-option', '-g', 'window-size', 'manual');
    return s;
  }

  /** Runs a tmux command on this server and returns its stdout. */
  run(...args: string[]): string {
    return execFileSync(this.tmux, ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Sends key names as tmux knows them: `Enter`, `Escape`, `C-c`, `j` … */
  keys(...keys: string[]): void {
    this.run('send-keys', '-t', '0', ...keys);
  }

  /** Types text literally (no key-name lookup). */
  type(text: string): void {
    this.run('send-keys', '-t', '0', '-l', text);
  }

  /** The visible screen as plain text (no colours), one line per row. */
  screen(): string {
    return this.run('capture-pane', '-p', '-t', '0');
  }

  /** A tmux format evaluated for the pane, e.g. `#{alternate_on}`. */
  display(format: string): string {
    return this.run('display-message', '-p', '-t', '0', format).trim();
  }

  /** The pid of the pane's process (the shell running the command). */
  panePid(): number {
    return Number(this.run('list-panes', '-t', '0', '-F', '#{pane_pid}').trim().split('\n')[0]);
  }

  /**
   * Waits until the screen matches `test` (a RegExp, or a function returning
   * something truthy) and returns the screen. The timeout error shows the
   * last screen so a failure explains itself.
   */
  async waitFor(test: RegExp | ((screen: string) => unknown), o: WaitOptions = {}): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    let last = '';
    return poll(
      () => {
        last = this.screen();
        return ok(last) ? last : undefined;
      },
      o.timeoutMs ?? 30_000,
      () => `timed out after ${o.timeoutMs ?? 30_000} ms waiting for ${o.what ?? String(test)}; the screen was:\n${last}`,
    );
  }

  /** Stops this private server (and the processes in its panes); removes its socket file. */
  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
    const uid = process.getuid?.() ?? 0;
    const dir = process.env.TMUX_TMPDIR ?? '/tmp';
    rmSync(join(dir, `tmux-${uid}`, this.socket), { force: true });
  }
}

/** Waits for a file to exist and returns its contents. */
export function waitForFile(path: string, timeoutMs: number): Promise<string> {
  return poll(
    () => (existsSync(path) ? readFileSync(path, 'utf8') || undefined : undefined),
    timeoutMs,
    () => `timed out after ${timeoutMs} ms waiting for ${path}`,
  );
}

// ---- kubeterm in tmux ---------------------------------------------------------
// Shared by the terminal-UI end-to-end tests and bench/ui-idle: launch the real
// `bin/kubeterm.js` on a temporary copy of an example folder (simulated runtime,
// two nodes, a temporary state file) and read what the screen shows.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/kubeterm.js', import.meta.url));

export interface TuiRun {
  session: TmuxSession;
  /** The temporary folder that kubeterm watches. */
  folder: string;
  /** The temporary folder around it: the state file and what kubeterm keeps beside it. */
  dir: string;
  /** Resolves with the exit status the shell saw once kubeterm has exited. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** Kills the private tmux server and removes the temporary files. */
  dispose(): void;
}

/** What to run kubeterm on: a copy of an example folder, or files written for the test. */
export interface TuiLaunch {
  /** A folder under examples/ to copy. */
  example?: string;
  /** Files (name → text) to write into the watched folder instead. */
  files?: Record<string, string>;
  /** Flags after FOLDER and `--runtime sim`; default `--nodes 2`. */
  args?: string[];
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Starts kubeterm in a tmux pane (160×50 unless told), on the simulated
 * runtime with a private state file. The pane's shell records the exit status
 * in a file, then sleeps (silently) so the screen kubeterm left behind can
 * still be read. `launchTui(tmux, 'hello')` runs on a copy of examples/hello.
 */
export function launchTui(tmux: string, what: string | TuiLaunch, cols = 160, rows = 50): TuiRun {
  const o: TuiLaunch = typeof what === 'string' ? { example: what, cols, rows, env: { KUBETERM_DEBUG: '1' } } : what;
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-tui-'));
  const folder = join(dir, 'gitops');
  if (o.example) cpSync(join(ROOT, 'examples', o.example), folder, { recursive: true });
  else mkdirSync(folder);
  for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(folder, name), text);
  const exitFile = join(dir, 'exit');
  const args = (o.args ?? ['--nodes', '2']).map(quote).join(' ');
  const command =
    `${quote(process.execPath)} ${quote(BIN)} ${quote(folder)} --runtime sim ${args} --state ${quote(join(dir, 'state.json'))}` +
    `; echo "EXIT=$?" > ${quote(exitFile)}; exec sleep 3600`;
  const session = TmuxSession.start(tmux, { command, cols: o.cols ?? 160, rows: o.rows ?? 50, cwd: ROOT, ...(o.env ? { env: o.env } : {}) });
  return {
    session,
    folder,
    dir,
    async exitCode(timeoutMs = 30_000) {
      const text = await waitForFile(exitFile, timeoutMs);
      const m = text.match(/EXIT=(\d+)/);
      if (!m) throw new Error(`unexpected exit file: ${text}`);
      return Number(m[1]);
    },
    dispose() {
      session.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Table rows (not Events-pane lines) for pods of a workload: `default  web-5d8f9c-x2k4q  1/1  Running …`. */
export function podRows(screen: string, workload: string): string[] {
  const re = new RegExp(`^\\s*(?:default\\s+)?${workload}-[a-z0-9]+-[a-z0-9]{5}\\s+\\d+/\\d+\\s+\\S+`);
  return screen.split('\n').filter((l) => re.test(l));
}

/** Every pod row of the workload is `1/1 Running`, and there are exactly `n`. */
export function runningPods(screen: string, workload: string, n: number): boolean {
  const rows = podRows(screen, workload);
  return rows.length === n && rows.every((l) => /\s1\/1\s+Running\s/.test(l));
}

/** The header's pod summary says exactly `n Running` and nothing else (no Pending, no Failed). */
export function headerPodsRunning(screen: string, n: number): boolean {
  return new RegExp(`Nodes:\\s+2\\s+Pods: ${n} Running\\s{2,}`).test(screen);
}
