// Runs the real `kubectl port-forward` in the background until stopped: waits
// for its "Forwarding from 127.0.0.1:PORT -> REMOTE" line and hands back the
// local port, with everything kubectl printed so far.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KUBECTL } from './harness.js';

export interface KubectlForward {
  localPort: number;
  remotePort: number;
  stdout(): string;
  stderr(): string;
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function kubectlPortForward(opts: { kubeconfig: string; home: string; args: string[]; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlForward> {
  const child = spawn(KUBECTL, ['--kubeconfig', opts.kubeconfig, '--cache-dir', join(opts.home, 'cache'), 'port-forward', ...opts.args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not start: ${out}${err}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve([Number(m[1]), Number(m[2])]);
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      check();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited with ${code}: ${out}${err}`));
    });
  });
  let localPort: number;
  let remotePort: number;
  try {
    [localPort, remotePort] = await ready;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    localPort,
    remotePort,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
