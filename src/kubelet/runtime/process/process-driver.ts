// The process runtime driver: containers as plain child processes of the host,
// like Nomad's raw_exec.
//
// IT GIVES NO ISOLATION. A "container" here is `command + args` run directly on
// this machine, as the user kubeterm runs as (or runAsUser when kubeterm is
// root), with the container's env and workingDir and nothing else:
//  - the image is ignored (imagePresent is always true, pullImage does nothing),
//    so a container must spell out its command;
//  - no filesystem, network, pid or resource isolation: volume mounts are not
//    applied (their host paths are not remapped), cpu/memory limits are not
//    enforced, every pod shares the host network — the sandbox IP is 127.0.0.1,
//    so two pods listening on the same port collide;
//  - exec is not supported (probes use httpGet/tcpSocket against 127.0.0.1);
//  - children live as long as this driver: close() kills them, and a restarted
//    kubeterm does not re-adopt them (listContainers knows only its own).
//
// Each process gets its own process group, so stop signals reach what it
// spawned too: SIGTERM, then SIGKILL after the grace period. Output is kept in
// an in-memory ring for `logs` and appended to a per-container log file in the
// CRI format (`<RFC3339Nano> <stdout|stderr> F <line>`) under the state dir.
// Stats come from /proc/<pid>/stat and statm where they exist (Linux).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, mkdirSync, promises as fs, readFileSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerLogOptions,
  type ContainerStats,
  type ContainerStatus,
  type ExecResult,
  type ImagePullProgress,
  type LogChunk,
  type NodeResources,
  type PodSandboxConfig,
  type RuntimeDriver,
  type SandboxInfo,
} from '../types.js';
import { serveLogs, type LogFollower } from '../log-tail.js';

export const PROCESS_SANDBOX_IP = '127.0.0.1';
const DEFAULT_RING_LINES = 5000;
/** Linux USER_HZ: /proc/<pid>/stat times are in these ticks. */
const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

export interface ProcessDriverConfig {
  instance: string;
  /** Where pods' working dirs and log files go. Default: a fresh temp dir. */
  stateDir?: string;
  /** Log lines kept in memory per container. Default 5000. */
  logRingLines?: number;
  /** Variables every process inherits from the host (PATH at least, so commands resolve). */
  inheritEnv?: string[];
  /** Overrides what nodeResources() reports (e.g. a configured node capacity). */
  resources?: Partial<NodeResources>;
}

interface ProcSandbox {
  info: SandboxInfo;
  instance: string;
  dir: string;
}

interface ProcContainer {
  status: ContainerStatus;
  instance: string;
  cfg: ContainerConfig;
  sandbox: ProcSandbox;
  child?: ChildProcess;
  exited?: Promise<void>;
  ring: LogChunk[];
  ringDropped: boolean;
  logFile: string;
  logStream?: WriteStream;
  followers: Set<LogFollower>;
  /** Its output pipes are closed: no more log lines will come. */
  closed?: boolean;
  lastCpu?: { ticks: number; at: number };
}

export class ProcessDriver implements RuntimeDriver {
  readonly name = 'process' as const;
  readonly instance: string;
  readonly stateDir: string;
  private readonly ringLines: number;
  private readonly inheritEnv: string[];
  private readonly resources: Partial<NodeResources>;
  private readonly sandboxes = new Map<string, ProcSandbox>();
  private readonly containers = new Map<string, ProcContainer>();
  private readonly listeners = new Set<(ev: ContainerEvent) => void>();
  /**
   * A container's state changes on its own only when its child process
   * starts or exits, and both emit an event in this process: none can be
   * lost, so the kubelet relists only as a slow safety net.
   */
  readonly reliableEvents = true;

  constructor(config: ProcessDriverConfig) {
    if (!config?.instance) throw new Error('ProcessDriver: instance is required');
    this.instance = config.instance;
    this.stateDir = config.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'kubeterm-process-'));
    mkdirSync(this.stateDir, { recursive: true });
    this.ringLines = config.logRingLines ?? DEFAULT_RING_LINES;
    this.inheritEnv = config.inheritEnv ?? ['PATH', 'HOME', 'LANG', 'TZ'];
    // Only the fields actually given override what the host reports.
    this.resources = Object.fromEntries(Object.entries(config.resources ?? {}).filter(([, v]) => v !== undefined)) as Partial<NodeResources>;
  }

  async ping(): Promise<void> {}

  async nodeResources(): Promise<NodeResources> {
    const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
    return {
      cpu: os.cpus().length || 1,
      memory: os.totalmem(),
      os: process.platform,
      arch: arch[process.arch] ?? process.arch,
      osImage: typeof os.version === 'function' ? os.version() : undefined,
      runtimeVersion: `process://${process.version}`,
      kernelVersion: os.release(),
      ...this.resources,
    };
  }

  /** Images are ignored by this runtime: every image "exists". */
  async imagePresent(_image: string): Promise<boolean> {
    return true;
  }

  async pullImage(image: string, onProgress?: (p: ImagePullProgress) => void): Promise<void> {
    onProgress?.({ image, status: 'image ignored by the process runtime' });
  }

  async runSandbox(cfg: PodSandboxConfig): Promise<SandboxInfo> {
    const uid = cfg.pod.metadata.uid ?? '';
    if (!uid || uid.includes('/')) throw new Error(`ProcessDriver.runSandbox: invalid pod uid ${JSON.stringify(uid)}`);
    const existing = this.sandboxes.get(uid);
    if (existing) return existing.info;
    const dir = path.join(this.stateDir, 'pods', uid);
    await fs.mkdir(dir, { recursive: true });
    const sb: ProcSandbox = { info: { id: `process-sandbox-${uid}`, podUid: uid, ip: PROCESS_SANDBOX_IP }, instance: cfg.instance, dir };
    this.sandboxes.set(uid, sb);
    return sb.info;
  }

  async stopSandbox(podUid: string): Promise<void> {
    await Promise.all([...this.containers.values()].filter((c) => c.sandbox.info.podUid === podUid).map((c) => this.stopContainer(c.status.id, 0)));
  }

  async removeSandbox(podUid: string): Promise<void> {
    const sb = this.sandboxes.get(podUid);
    for (const c of [...this.containers.values()]) if (c.sandbox.info.podUid === podUid) await this.removeContainer(c.status.id);
    if (sb) await fs.rm(sb.dir, { recursive: true, force: true });
    this.sandboxes.delete(podUid);
  }

  async createContainer(sandbox: SandboxInfo, cfg: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(sandbox.podUid);
    if (!sb) throw new Error(`process runtime: sandbox of pod ${cfg.podNamespace}/${cfg.podName} is not running`);
    const argv = [...(cfg.command ?? []), ...(cfg.args ?? [])];
    if (argv.length === 0) {
      throw new Error(`process runtime: container "${cfg.name}" has no command or args (the process runtime ignores images, so it needs a command to run)`);
    }
    const id = randomBytes(32).toString('hex');
    this.containers.set(id, {
      status: { id, podUid: cfg.podUid, name: cfg.name, attempt: cfg.attempt, image: cfg.image, imageId: '', state: 'created' },
      instance: this.instance,
      cfg,
      sandbox: sb,
      ring: [],
      ringDropped: false,
      logFile: path.join(sb.dir, `${safe(cfg.name)}_${cfg.attempt}_${id.slice(0, 8)}.log`),
      followers: new Set(),
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.status.state !== 'created') return;
    const argv = [...(c.cfg.command ?? []), ...(c.cfg.args ?? [])];
    const env: Record<string, string> = {};
    for (const k of this.inheritEnv) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    for (const e of c.cfg.env) env[e.name] = e.value;
    const cwd = c.cfg.workingDir ?? c.sandbox.dir;
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    c.logStream = createWriteStream(c.logFile, { flags: 'a' });
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env,
      detached: true, // its own process group: stop signals reach its children too
      stdio: [c.cfg.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      ...(asRoot && c.cfg.runAsUser !== undefined ? { uid: c.cfg.runAsUser } : {}),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (e) {
      c.logStream.end();
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === 'ENOENT'
          ? `exec: "${argv[0]}": executable file not found in $PATH${c.cfg.workingDir ? ` (or workingDir ${c.cfg.workingDir} does not exist)` : ''}`
          : err.message;
      throw new Error(`process runtime: failed to start container "${c.cfg.name}": ${why}`, { cause: e });
    }
    c.child = child;
    c.status = { ...c.status, state: 'running', startedAt: new Date().toISOString() };
    this.capture(c, child);
    // 'exit' decides the status; output may still drain until 'close' (a
    // grandchild can hold the pipes), which is when log followers finish.
    c.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        const exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
        c.status = { ...c.status, state: 'exited', finishedAt: new Date().toISOString(), exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' };
        c.child = undefined;
        this.emit(c);
        resolve();
      });
    });
    child.once('close', () => {
      c.logStream?.end();
      c.closed = true;
      for (const f of [...c.followers]) f(null);
    });
    this.emit(c);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c?.child || !c.exited) return;
    const pid = c.child.pid!;
    if (c.status.state !== 'running') return;
    signalGroup(pid, graceSeconds > 0 ? 'SIGTERM' : 'SIGKILL');
    if (graceSeconds > 0) {
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          signalGroup(pid, 'SIGKILL');
          resolve();
        }, graceSeconds * 1000);
      });
      await Promise.race([c.exited, killed]);
      clearTimeout(timer);
    }
    await c.exited;
    // Whatever the main process left in its group goes too.
    signalGroup(pid, 'SIGKILL');
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    await this.stopContainer(id, 0);
    this.containers.delete(id);
    await fs.rm(c.logFile, { force: true });
  }

  async listSandboxes(instance: string): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].filter((s) => s.instance === instance).map((s) => ({ ...s.info }));
  }

  async listContainers(instance: string): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => c.instance === instance).map((c) => ({ ...c.status }));
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c.status } : undefined;
  }

  async logs(id: string, opts: ContainerLogOptions, onChunk: (c: LogChunk) => void, signal?: AbortSignal): Promise<void> {
    const c = this.get(id);
    const needFile = c.ringDropped && (opts.tailLines === undefined || opts.tailLines > c.ring.length);
    const history = needFile ? await readCriLog(c.logFile) : c.ring;
    const live = !c.closed && c.status.state !== 'created';
    await serveLogs({ history, followers: c.followers, live, nowMs: Date.now() }, opts, onChunk, signal);
  }

  async exec(id: string, _cmd: string[]): Promise<ExecResult> {
    this.get(id);
    throw new Error('exec is not supported by the process runtime (containers are host processes without isolation); use httpGet or tcpSocket probes');
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(id);
    const pid = c?.child?.pid;
    if (!c || pid === undefined) return undefined;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the `(comm)` which may itself contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      const startTicks = Number(fields[19]);
      const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
      const memory = Number(statm[1]) * PAGE_SIZE; // resident pages
      const now = Date.now();
      let cpu: number;
      if (c.lastCpu) cpu = (ticks - c.lastCpu.ticks) / CLOCK_TICKS / Math.max(0.001, (now - c.lastCpu.at) / 1000);
      else {
        const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
        cpu = ticks / CLOCK_TICKS / Math.max(0.001, uptime - startTicks / CLOCK_TICKS);
      }
      c.lastCpu = { ticks, at: now };
      return { cpu: Number(Math.max(0, cpu).toFixed(4)), memory };
    } catch {
      return undefined; // no /proc (not Linux) or the process just exited
    }
  }

  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Kills every process this driver started. */
  async close(): Promise<void> {
    await Promise.all([...this.containers.keys()].map((id) => this.stopContainer(id, 0)));
    this.listeners.clear();
  }

  private get(id: string): ProcContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`process runtime: no such container: ${id}`);
    return c;
  }

  private emit(c: ProcContainer): void {
    const ev: ContainerEvent = { id: c.status.id, podUid: c.status.podUid, state: c.status.state };
    for (const l of [...this.listeners]) l(ev);
  }

  private capture(c: ProcContainer, child: ChildProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      const src = child[stream]!;
      src.setEncoding('utf8');
      const line = (text: string) => {
        const chunk: LogChunk = { stream, time: nowNano(), line: text };
        c.ring.push(chunk);
        if (c.ring.length > this.ringLines) {
          c.ring.splice(0, c.ring.length - this.ringLines);
          c.ringDropped = true;
        }
        c.logStream?.write(`${chunk.time} ${stream} F ${text}\n`);
        for (const f of [...c.followers]) f(chunk);
      };
      src.on('data', (d: string) => {
        const parts = (partial + d).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) line(p);
      });
      src.on('end', () => {
        if (partial) line(partial);
        partial = '';
      });
    }
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** RFC3339 with nanoseconds (from the millisecond clock), like CRI log lines. */
function nowNano(): string {
  const iso = new Date().toISOString();
  return `${iso.slice(0, 23)}000000Z`;
}

function safe(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

async function readCriLog(file: string): Promise<LogChunk[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const out: LogChunk[] = [];
  for (const l of text.split('\n')) {
    const m = /^(\S+) (stdout|stderr) [FP] (.*)$/.exec(l);
    if (m) out.push({ time: m[1], stream: m[2] as 'stdout' | 'stderr', line: m[3] });
  }
  return out;
}
