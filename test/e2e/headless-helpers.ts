// Runs the real `bin/kubeterm.js` as a child process and lets a test wait for
// output lines (polling what arrived, never sleeping a fixed time).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/kubeterm.js', import.meta.url));

export interface Kubeterm {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line matching `re` in stdout+stderr, or rejects after timeoutMs. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once `count` distinct lines match `re`. */
  waitForLines(re: RegExp, count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function startKubeterm(args: string[]): Kubeterm {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    poke();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    poke();
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  let done = false;
  void exited.then(() => {
    done = true;
    poke();
  });
  const waitForLines = (re: RegExp, count: number, timeoutMs = 60_000) =>
    new Promise<string[]>((resolve, reject) => {
      const matching = () => [...new Set(`${out}\n${err}`.split('\n').filter((l) => re.test(l)))];
      const check = () => {
        const lines = matching();
        if (lines.length >= count) finish(() => resolve(lines));
        else if (done) finish(() => reject(new Error(`kubeterm exited before printing ${count} lines like ${re}\n--- stdout\n${out}\n--- stderr\n${err}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`fewer than ${count} lines matching ${re} within ${timeoutMs} ms\n--- stdout\n${out}\n--- stderr\n${err}`))),
        timeoutMs,
      );
      const finish = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  const waitFor = async (re: RegExp, timeoutMs = 60_000) => (await waitForLines(re, 1, timeoutMs))[0];
  return { child, stdout: () => out, stderr: () => err, waitFor, waitForLines, exited };
}

/** Ends a child we started (by its pid) if a test failed before stopping it. */
export function killIfRunning(k: Kubeterm | undefined): void {
  if (k && k.child.exitCode === null && k.child.signalCode === null) k.child.kill('SIGKILL');
}

/** Starts kubeterm children and remembers them, so a test file's afterEach can kill any a failed test left running. */
export function kubetermTracker(): { start(args: string[]): Kubeterm; killAll(): void } {
  const started: Kubeterm[] = [];
  return {
    start(args) {
      const k = startKubeterm(args);
      started.push(k);
      return k;
    },
    killAll: () => started.splice(0).forEach(killIfRunning),
  };
}
