// A throwaway etcd for benches: Debian's etcd-server (installed with apt-get
// when absent; `apt-get update` only if the first install fails), listening on
// 127.0.0.1 only at free ports, with its data in a temp dir removed at stop.
// Spoken to through its JSON gRPC-gateway with node's http and a keep-alive
// agent (no client library): keys and values are base64, and the gateway's
// prefix is `/v3/` from etcd 3.4 on (`/v3beta/` in 3.3, `/v3alpha/` before).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpCall } from './bench-helpers.js';

export interface Etcd {
  url: string;
  version: string;
  pid: number;
  /** `/v3/`, `/v3beta/` or `/v3alpha/`. */
  prefix: string;
  agent: Agent;
  /** POST a gateway call; resolves with the status, the body text and the time to its last byte. */
  post(path: string, body: unknown): Promise<{ status: number; text: string; ms: number }>;
  stop(): Promise<void>;
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) if (existsSync(join(dir, bin))) return join(dir, bin);
  return existsSync(`/usr/bin/${bin}`) ? `/usr/bin/${bin}` : undefined;
}

/** The etcd binary, installing Debian's etcd-server first when there is none. */
export function ensureEtcd(): string {
  const found = which('etcd');
  if (found) return found;
  const install = () => execFileSync('apt-get', ['install', '-y', 'etcd-server'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  const bin = which('etcd');
  if (!bin) throw new Error('etcd-server installed, but no etcd binary found');
  return bin;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); NaN where there is none. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEtcd(maxSockets: number): Promise<Etcd> {
  const bin = ensureEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  // Defaults otherwise: every write waits for etcd's WAL fsync before it is acknowledged.
  const child: ChildProcess = spawn(
    bin,
    [
      '--name', 'bench',
      '--data-dir', join(dir, 'data'),
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `bench=${peerUrl}`,
      '--logger', 'zap',
      '--log-outputs', 'stderr',
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const agent = new Agent({ keepAlive: true, maxSockets });
  const call = (method: string, path: string, body?: string) => httpCall(agent, url + path, method, body ? { 'Content-Type': 'application/json' } : {}, body);
  const stop = async () => {
    agent.destroy();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let version = '';
  for (let i = 0; i < 100 && !version; i++) {
    if (child.exitCode !== null) break;
    try {
      const v = await call('GET', '/version');
      if (v.status === 200) version = (JSON.parse(v.text) as { etcdserver: string }).etcdserver;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!version) {
    await stop();
    throw new Error(`etcd did not start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const [major, minor] = version.split('.').map(Number);
  const prefix = major > 3 || (major === 3 && minor >= 4) ? '/v3/' : minor === 3 ? '/v3beta/' : '/v3alpha/';
  return { url, version, pid: child.pid!, prefix, agent, post: (path, body) => call('POST', prefix + path, JSON.stringify(body)), stop };
}
