// The simulated runtime (kwok-style): a RuntimeDriver with no processes at all.
// Containers are rows in an in-memory table whose state changes on the injected
// Clock, so tests step time and nothing sleeps. Each node gets its own driver
// and pod IPs from 10.244.<podCidrIndex>.0/24.
//
// Behaviour is steered by annotations on the Pod (they apply to the app
// containers; init containers run for initRunMs and exit 0; sidecar init
// containers — restartPolicy Always — run like app containers):
//
//   sim.kubeterm.io/fail: "<exit code>"   the container exits with that code
//                                         exitDelayMs after it starts
//   sim.kubeterm.io/crash-loop: "true"    exits 1 exitDelayMs after every start
//                                         (→ CrashLoopBackOff with restartPolicy Always)
//   sim.kubeterm.io/never-ready: "true"   runs, but ready() says false forever
//   sim.kubeterm.io/run-seconds: "N"      exits 0 after N seconds (for Jobs)
//
// Logs are a few generated lines per container attempt (with timestamps);
// stats are small stable numbers derived from the container id.
import { createHash } from 'node:crypto';
import type { Clock, Timer } from '../../../util/clock.js';
import {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerLogOptions,
  type ContainerStats,
  type ContainerStatus,
  type ExecResult,
  type ExecStreams,
  type ImagePullProgress,
  type LogChunk,
  type NodeResources,
  type PodSandboxConfig,
  type RuntimeDriver,
  type SandboxInfo,
  ImagePullError,
} from '../types.js';
import { serveLogs, type LogFollower } from '../log-tail.js';

export const ANNOTATION_FAIL = 'sim.kubeterm.io/fail';
export const ANNOTATION_CRASH_LOOP = 'sim.kubeterm.io/crash-loop';
export const ANNOTATION_NEVER_READY = 'sim.kubeterm.io/never-ready';
export const ANNOTATION_RUN_SECONDS = 'sim.kubeterm.io/run-seconds';

export interface SimDriverConfig {
  clock: Clock;
  /** Third octet of the node's pod range 10.244.N.0/24. Default 1. */
  podCidrIndex?: number;
  /** created → running takes this long. Default 0. */
  startDelayMs?: number;
  /** How long an image pull takes. Default 0. */
  pullDelayMs?: number;
  /** fail / crash-loop containers exit this long after they start. Default 1000. */
  exitDelayMs?: number;
  /** Plain init containers complete this long after they start. Default 0. */
  initRunMs?: number;
  /** Images that "exist" before any pull. Default none. */
  images?: string[];
  /** Images that fail to pull (as an unknown repository would). */
  unpullable?: string[];
  resources?: Partial<NodeResources>;
}

interface SimSandbox {
  info: SandboxInfo;
  instance: string;
  name: string;
  namespace: string;
  annotations: Readonly<Record<string, string>>;
  initNames: ReadonlySet<string>;
  sidecarNames: ReadonlySet<string>;
  stopped: boolean;
}

interface SimContainer {
  /** Frozen: replaced as a whole on every change, so listContainers can hand it out without a copy. */
  status: Readonly<ContainerStatus>;
  instance: string;
  sandbox: SimSandbox;
  logs: LogChunk[];
  followers: Set<LogFollower>;
  timers: Timer[];
}

const DEFAULT_RESOURCES: NodeResources = {
  cpu: 4,
  memory: 8 * 2 ** 30,
  pods: 110,
  os: 'linux',
  arch: 'amd64',
  runtimeVersion: 'simulated://1.0.0',
  kernelVersion: '6.1.0-kubeterm-sim',
};

// Most pods have no annotations and no init containers: they share these instead of one empty copy each (10,000 pods).
const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});
const NO_NAMES: ReadonlySet<string> = new Set();
const namesOf = (cs: { name: string }[]): ReadonlySet<string> => (cs.length ? new Set(cs.map((c) => c.name)) : NO_NAMES);

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export class SimDriver implements RuntimeDriver {
  readonly name = 'simulated' as const;
  /**
   * Every state change a container makes on its own (started, exited) goes
   * through emit(), in this process: no event can be lost, so the kubelet
   * relists only as a slow safety net. Changes the kubelet itself asks for
   * (create, remove) need no event; it knows of them.
   */
  readonly reliableEvents: boolean = true;
  private readonly clock: Clock;
  private readonly cfg: Required<Omit<SimDriverConfig, 'clock' | 'resources' | 'images' | 'unpullable'>>;
  private readonly resources: NodeResources;
  private readonly images = new Set<string>();
  private readonly unpullable: Set<string>;
  private readonly sandboxes = new Map<string, SimSandbox>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly listeners = new Set<(ev: ContainerEvent) => void>();
  private readonly usedIps = new Set<number>();
  private nextIp = 2;
  private seq = 0;
  private down?: string;

  constructor(config: SimDriverConfig) {
    if (!config?.clock) throw new Error('SimDriver: clock is required');
    this.clock = config.clock;
    this.cfg = {
      podCidrIndex: config.podCidrIndex ?? 1,
      startDelayMs: config.startDelayMs ?? 0,
      pullDelayMs: config.pullDelayMs ?? 0,
      exitDelayMs: config.exitDelayMs ?? 1000,
      initRunMs: config.initRunMs ?? 0,
    };
    this.resources = { ...DEFAULT_RESOURCES, ...(config.resources ?? {}) };
    for (const i of config.images ?? []) this.images.add(i);
    this.unpullable = new Set(config.unpullable ?? []);
  }

  /** Makes ping() fail with `message` (or succeed again with undefined): a runtime outage. */
  setDown(message: string | undefined): void {
    this.down = message;
  }

  /**
   * Test hook: the container exits with `code` and NO event is emitted, as if
   * the runtime's event were lost. Only the kubelet's periodic relist can
   * notice it.
   */
  exitSilently(id: string, code = 137): void {
    const c = this.mustGet(id);
    this.exit(c, code, code === 0 ? 'Completed' : 'Error', false);
  }

  async ping(): Promise<void> {
    if (this.down) throw new Error(this.down);
  }

  async nodeResources(): Promise<NodeResources> {
    return { ...this.resources };
  }

  async imagePresent(image: string): Promise<boolean> {
    return this.images.has(image);
  }

  async pullImage(image: string, onProgress?: (p: ImagePullProgress) => void): Promise<void> {
    await this.sleep(this.cfg.pullDelayMs);
    if (this.unpullable.has(image)) {
      throw new ImagePullError(image, `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`);
    }
    onProgress?.({ image, status: 'Download complete' });
    this.images.add(image);
  }

  async runSandbox(cfg: PodSandboxConfig): Promise<SandboxInfo> {
    const pod = cfg.pod;
    const uid = pod.metadata.uid ?? '';
    const existing = this.sandboxes.get(uid);
    if (existing && !existing.stopped) return existing.info;
    const ip = existing?.info.ip ?? this.allocateIp();
    const spec = (pod.spec ?? {}) as { initContainers?: { name: string; restartPolicy?: string }[] };
    const sb: SimSandbox = {
      info: { id: `sim-sandbox-${hash(uid).slice(0, 12)}`, podUid: uid, ip },
      instance: cfg.instance,
      name: pod.metadata.name ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      annotations: pod.metadata.annotations ? { ...pod.metadata.annotations } : NO_ANNOTATIONS,
      initNames: namesOf((spec.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always')),
      sidecarNames: namesOf((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')),
      stopped: false,
    };
    this.sandboxes.set(uid, sb);
    return sb.info;
  }

  async stopSandbox(podUid: string): Promise<void> {
    const sb = this.sandboxes.get(podUid);
    if (!sb) return;
    for (const c of this.containers.values()) if (c.sandbox === sb && c.status.state === 'running') this.exit(c, 137, 'Error');
    sb.stopped = true;
  }

  async removeSandbox(podUid: string): Promise<void> {
    const sb = this.sandboxes.get(podUid);
    if (!sb) return;
    await this.stopSandbox(podUid);
    for (const [id, c] of this.containers) if (c.sandbox === sb) this.drop(id);
    this.usedIps.delete(Number(sb.info.ip.split('.')[3]));
    this.sandboxes.delete(podUid);
  }

  async createContainer(sandbox: SandboxInfo, cfg: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(sandbox.podUid);
    if (!sb || sb.stopped) throw new Error(`sandbox ${sandbox.id} for pod ${cfg.podNamespace}/${cfg.podName} is not ready`);
    const id = hash(`${cfg.podUid}/${cfg.name}/${cfg.attempt}/${this.seq++}`);
    this.containers.set(id, {
      status: Object.freeze({
        id,
        podUid: cfg.podUid,
        name: cfg.name,
        attempt: cfg.attempt,
        image: cfg.image,
        imageId: `sha256:${hash(cfg.image)}`,
        state: 'created' as const,
      }),
      instance: sb.instance,
      sandbox: sb,
      logs: [],
      followers: new Set(),
      timers: [],
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.mustGet(id);
    if (c.status.state !== 'created') throw new Error(`container ${id.slice(0, 12)} is ${c.status.state}, not created`);
    const begin = () => {
      if (c.status.state !== 'created') return;
      c.status = Object.freeze({ ...c.status, state: 'running', startedAt: this.iso() });
      this.log(c, `starting ${c.status.name} (image ${c.status.image}, attempt ${c.status.attempt})`);
      this.log(c, `${c.status.name} is up`);
      this.emit(c);
      this.scheduleBehaviour(c);
    };
    if (this.cfg.startDelayMs > 0) c.timers.push(this.clock.setTimeout(begin, this.cfg.startDelayMs));
    else begin();
  }

  async stopContainer(id: string, _graceSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.status.state === 'running' || c.status.state === 'created') {
      this.log(c, 'received SIGTERM, shutting down');
      // A well-behaved simulated process exits at once on SIGTERM.
      this.exit(c, 0, 'Completed');
    }
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.status.state === 'running') throw new Error(`cannot remove running container ${id.slice(0, 12)}: stop it first`);
    this.drop(id);
  }

  async listSandboxes(instance: string): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].filter((s) => s.instance === instance).map((s) => ({ ...s.info }));
  }

  async listContainers(instance: string): Promise<ContainerStatus[]> {
    // A kubelet relists (each second before evented relisting): at 50,000 pods
    // copying every status each time was most of an idle cluster's CPU. Statuses are frozen and
    // replaced (never changed) when a container moves on, so they are shared.
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) if (c.instance === instance) out.push(c.status);
    return out;
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c.status } : undefined;
  }

  async ready(id: string): Promise<boolean> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') return false;
    return !this.isApp(c) || c.sandbox.annotations[ANNOTATION_NEVER_READY] !== 'true';
  }

  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async logs(id: string, opts: ContainerLogOptions, onChunk: (c: LogChunk) => void, signal?: AbortSignal): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id.slice(0, 12)} not found`);
    await serveLogs({ history: c.logs, followers: c.followers, live: c.status.state !== 'exited', nowMs: this.clock.now() }, opts, onChunk, signal);
  }

  async exec(id: string, cmd: string[], streams?: ExecStreams): Promise<ExecResult> {
    const c = this.mustGet(id);
    if (c.status.state !== 'running') throw new Error(`container ${id.slice(0, 12)} is not running`);
    // Simulated shell: `echo` prints its arguments, `false` fails, everything else succeeds silently.
    let stdout = '';
    let exitCode = 0;
    if (cmd[0] === 'echo') stdout = `${cmd.slice(1).join(' ')}\n`;
    else if (cmd[0] === 'false') exitCode = 1;
    if (stdout) streams?.stdout?.write(stdout);
    return { exitCode, stdout, stderr: '' };
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'running') return undefined;
    const h = Number.parseInt(id.slice(0, 8), 16);
    return { cpu: 0.001 + (h % 10) / 1000, memory: (8 + (h % 24)) * 2 ** 20 };
  }

  async close(): Promise<void> {
    for (const c of this.containers.values()) for (const t of c.timers) t.cancel();
  }

  // ---- internals -------------------------------------------------------------

  private isApp(c: SimContainer): boolean {
    return !c.sandbox.initNames.has(c.status.name);
  }

  private scheduleBehaviour(c: SimContainer): void {
    const after = (ms: number, code: number) => c.timers.push(this.clock.setTimeout(() => this.exit(c, code, code === 0 ? 'Completed' : 'Error'), ms));
    if (c.sandbox.initNames.has(c.status.name)) {
      after(this.cfg.initRunMs, 0);
      return;
    }
    if (c.sandbox.sidecarNames.has(c.status.name)) return;
    const a = c.sandbox.annotations;
    if (a[ANNOTATION_CRASH_LOOP] === 'true') after(this.cfg.exitDelayMs, 1);
    else if (a[ANNOTATION_FAIL] !== undefined) after(this.cfg.exitDelayMs, Number.parseInt(a[ANNOTATION_FAIL], 10) || 1);
    else if (a[ANNOTATION_RUN_SECONDS] !== undefined) after((Number(a[ANNOTATION_RUN_SECONDS]) || 0) * 1000, 0);
  }

  private exit(c: SimContainer, code: number, reason: string, notify = true): void {
    if (c.status.state === 'exited') return;
    for (const t of c.timers) t.cancel();
    c.timers = [];
    this.log(c, `exiting with code ${code}`);
    c.status = Object.freeze({ ...c.status, state: 'exited', exitCode: code, reason, finishedAt: this.iso(), startedAt: c.status.startedAt ?? this.iso() });
    for (const f of [...c.followers]) f(null);
    if (notify) this.emit(c);
  }

  private drop(id: string): void {
    const c = this.containers.get(id);
    if (!c) return;
    for (const t of c.timers) t.cancel();
    for (const f of [...c.followers]) f(null);
    this.containers.delete(id);
  }

  private log(c: SimContainer, line: string): void {
    const chunk: LogChunk = { stream: 'stdout', time: this.iso(true), line };
    c.logs.push(chunk);
    if (c.logs.length > 1000) c.logs.shift();
    for (const f of c.followers) f(chunk);
  }

  private emit(c: SimContainer): void {
    const ev: ContainerEvent = { id: c.status.id, podUid: c.status.podUid, state: c.status.state };
    for (const l of [...this.listeners]) l(ev);
  }

  private allocateIp(): string {
    for (let i = 0; i < 253; i++) {
      const n = this.nextIp;
      this.nextIp = this.nextIp >= 254 ? 2 : this.nextIp + 1;
      if (!this.usedIps.has(n)) {
        this.usedIps.add(n);
        return `10.244.${this.cfg.podCidrIndex}.${n}`;
      }
    }
    throw new Error(`no free pod IP in 10.244.${this.cfg.podCidrIndex}.0/24`);
  }

  private mustGet(id: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id.slice(0, 12)} not found`);
    return c;
  }

  private iso(nano = false): string {
    const s = new Date(this.clock.now()).toISOString();
    return nano ? s.replace(/\.(\d{3})Z$/, '.$1000000Z') : s.replace('.000Z', 'Z');
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((r) => this.clock.setTimeout(r, ms));
  }
}
