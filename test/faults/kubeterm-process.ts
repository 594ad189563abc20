// A real `node bin/kubeterm.js FOLDER --headless --runtime sim --state FILE`
// child for the fault tests: its output as lines, waiting for a line, and
// kill -9. Nothing here sleeps on a guess: waits are for printed lines or for
// the process to exit, each bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${REPO}bin/kubeterm.js`;

export interface Kubeterm {
  child: ChildProcess;
  out: string[];
  err: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching `re` (already printed or to come), or rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  kill9(): Promise<void>;
}

export function startKubeterm(args: string[], env: NodeJS.ProcessEnv = {}): Kubeterm {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const lines = (sink: string[], notify: boolean) => {
    let buf = '';
    return (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        sink.push(line);
        if (!notify) continue;
        for (const w of [...waiters]) {
          if (w.re.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    };
  };
  child.stdout!.on('data', lines(out, true));
  child.stderr!.on('data', lines(err, false));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    out,
    err,
    exited,
    waitFor(re, ms) {
      const seen = out.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { re, resolve: (l: string) => (clearTimeout(timer), resolve(l)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no line matching ${re} within ${ms} ms; stdout:\n${out.slice(-20).join('\n')}\nstderr:\n${err.slice(-20).join('\n')}`));
        }, ms);
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(w)) return;
          waiters.splice(waiters.indexOf(w), 1);
          clearTimeout(timer);
          reject(new Error(`kubeterm exited (code ${code}, signal ${signal}) before printing ${re}; stderr:\n${err.join('\n')}`));
        });
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs kubeterm to completion (for starts that must fail), bounded. */
export async function runKubeterm(args: string[], ms = 60_000): Promise<{ code: number | null; out: string[]; err: string[] }> {
  const k = startKubeterm(args);
  const timer = setTimeout(() => k.child.kill('SIGKILL'), ms);
  const { code } = await k.exited;
  clearTimeout(timer);
  return { code, out: k.out, err: k.err };
}

/** A temporary home for one fault test file's kubeterm runs: `dir/gitops` (the watched folder, created) and `dir/state/state.json`. */
export function faultDirs(prefix: string): { dir: string; folder: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const folder = join(dir, 'gitops');
  const state = join(dir, 'state', 'state.json');
  mkdirSync(folder, { recursive: true });
  return { dir, folder, state };
}

/**
 * The 3-replica Deployment `web` the kill -9 tests roll between images
 * (maxSurge 1, maxUnavailable 0). On Docker the pods get a 1 s grace period
 * and IfNotPresent, so a round neither waits on a stop nor pulls.
 */
export function rollingWebDeployment(image: string, docker = false): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web}
    spec:
${docker ? '      terminationGracePeriodSeconds: 1\n' : ''}      containers:
      - name: web
        image: ${image}
${docker ? '        imagePullPolicy: IfNotPresent\n' : ''}`;
}
