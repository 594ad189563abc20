// One pod worker per pod bound to this node: a level-based sync loop (the
// kubelet's syncPod) that brings the runtime in line with the pod spec —
// sandbox, volumes (VolumeManager; FailedMount while a source is missing),
// image pulls per imagePullPolicy, init containers one at a time to
// completion, then the app containers, each with its env resolved through the
// Api (CreateContainerConfigError while a ConfigMap/Secret key is missing),
// volume mounts and the pod's resolv.conf — restarts exited containers per
// restartPolicy with the kubelet's back-off, probes running containers
// (readiness → ready flag; liveness/startup failure → Killing, then a restart),
// writes the pod status, and on deletion runs preStop hooks, stops the
// containers within the grace period, removes them and the pod's directory,
// and finally deletes the Pod object (gracePeriodSeconds 0).
//
// Syncs are serialised per pod: a request during a sync runs one more sync
// after it. Time-based retries (back-off expiry) schedule a sync on the Clock.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { EventRecorder } from '../api/events.js';
import type { Container, LifecycleHandler, Pod } from '../api/types/pod.js';
import type { Clock, Timer } from '../util/clock.js';
import { Backoff, goDuration } from './backoff.js';
import { resolveEnv } from './container-env.js';
import { clusterLookups, resolvConfMount, type DnsConfigFn } from './pod-config.js';
import { buildPodStatus, shouldRestart, type ContainerRecord } from './pod-status.js';
import { ContainerProber, REASON_KILLING, REASON_UNHEALTHY, restartMessage, runProbe, unhealthyMessage } from './probes/index.js';
import { quantityValue } from './quantities.js';
import type { ContainerConfig, ContainerStatus, Mount, RuntimeDriver, SandboxInfo } from './runtime/types.js';
import { VolumeError, type VolumeManager } from './volumes/index.js';

/** A readiness opinion from outside the runtime (the prober); undefined = no opinion. */
export type ReadinessHook = (pod: Pod, container: string, containerId: string) => boolean | undefined;

export interface WorkerHost {
  api: Api;
  clock: Clock;
  driver: RuntimeDriver;
  instance: string;
  hostIP: string;
  recorder: EventRecorder;
  restartBackoff: Backoff;
  pullBackoff: Backoff;
  readiness?: ReadinessHook;
  /** Pod volumes (and the per-pod directory resolv.conf goes into). Absent: no volumes, no mounts. */
  volumes?: VolumeManager;
  /** Cluster DNS for resolv.conf (dnsPolicy ClusterFirst). */
  dnsConfig?: DnsConfigFn;
  /** Whether probes run (default true). */
  probes?: boolean;
  /** Counts async work for whenIdle. */
  track(p: Promise<unknown>): void;
  /** The worker finished tearing its pod down. */
  onRemoved(uid: string): void;
}

export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const ref = image.split('@')[0];
  const lastSlash = ref.lastIndexOf('/');
  const tagAt = ref.indexOf(':', lastSlash + 1);
  const tag = tagAt < 0 ? '' : ref.slice(tagAt + 1);
  if (image.includes('@')) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  readonly records = new Map<string, ContainerRecord>();
  sandbox?: SandboxInfo;
  private startTime?: number;
  private finished = false;
  private removed = false;
  private gone = false;
  /** The grace period containers are being stopped with, once termination began (only ever shortened). */
  private stoppingGrace?: number;
  private syncing = false;
  private dirty = false;
  private initDone = false;
  private initFailed = false;
  private wakeTimers = new Map<number, Timer>();
  /** Volumes were set up for this pod (false again when a source changed). */
  private volumesReady = false;
  private volumeError?: string;
  /** Live probers by record key, each bound to one container id. */
  private readonly probers = new Map<string, { id: string; prober: ContainerProber }>();
  /** When this kubelet first saw a container exited (its clock): the back-off window starts there or at finishedAt, whichever is earlier. */
  private readonly exitSeen = new Map<string, number>();
  /** Containers adopted from a previous kubelet run: their probers resume instead of starting over. */
  private readonly adopted = new Set<string>();
  /** The pod's resolv.conf bind mount, once written (mount undefined: the runtime's own file stays). */
  private resolv?: { mount?: Mount };
  /** The sandbox died under a restartPolicy Never pod whose containers had run: no new one; the pod ends with what they did. */
  private sandboxLost = false;

  constructor(
    private readonly host: WorkerHost,
    pod: Pod,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    for (const c of pod.spec.initContainers ?? []) this.records.set(`init/${c.name}`, newRecord(c.name, true, c.restartPolicy === 'Always'));
    for (const c of pod.spec.containers) this.records.set(`app/${c.name}`, newRecord(c.name, false, false));
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  update(pod: Pod): void {
    this.pod = pod;
    const grace = pod.metadata.deletionGracePeriodSeconds;
    if (grace !== undefined) this.shortenGrace(grace);
    this.requestSync();
  }

  /** The Pod object is gone (force delete): tear down without status writes. */
  podDeleted(): void {
    this.gone = true;
    // A force delete ends the wait as the kubelet does: what is still stopping gets the minimum of 1 s.
    this.shortenGrace(1);
    this.requestSync();
  }

  /**
   * A second delete with a shorter grace period (`kubectl delete --grace-period=1`,
   * `--force`) while containers are already stopping: as the kubelet does, the
   * shorter period wins — stop them again with it rather than waiting out the first.
   */
  private shortenGrace(graceSeconds: number): void {
    if (this.stoppingGrace === undefined || graceSeconds >= this.stoppingGrace) return;
    this.stoppingGrace = graceSeconds;
    for (const r of this.records.values()) {
      if (r.id && (r.status?.state === 'running' || r.status?.state === 'created')) this.driver.stopContainer(r.id, graceSeconds).catch(() => undefined);
    }
  }

  /** Re-adoption after a kubelet restart: a running (or dead) container of ours. */
  adoptContainer(cs: ContainerStatus): boolean {
    const rec = this.records.get(`init/${cs.name}`) ?? this.records.get(`app/${cs.name}`);
    if (!rec) return false;
    if (rec.id === undefined || cs.attempt >= rec.attempt) {
      if (rec.id !== undefined) {
        rec.lastId = rec.id;
        rec.last = rec.status;
      }
      rec.id = cs.id;
      rec.attempt = cs.attempt;
      rec.status = cs;
    } else if (rec.lastId === undefined || (rec.last && cs.attempt > rec.last.attempt)) {
      rec.lastId = cs.id;
      rec.last = cs;
    } else {
      return false; // an older attempt we no longer need
    }
    if (cs.startedAt && this.startTime === undefined) this.startTime = Date.parse(cs.startedAt);
    this.adopted.add(cs.id);
    return true;
  }

  adoptSandbox(sb: SandboxInfo): void {
    this.sandbox = sb;
  }

  /** A ConfigMap/Secret the pod reads changed (or the periodic resync): rewrite volumes and retry config errors. */
  sourcesChanged(): void {
    this.volumesReady = false;
    this.requestSync();
  }

  requestSync(): void {
    if (this.removed) return;
    this.dirty = true;
    if (this.syncing) return;
    this.syncing = true;
    this.host.track(this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty && !this.removed) {
        this.dirty = false;
        try {
          await this.sync();
        } catch (e) {
          // A failed sync is retried later; the next event or timer brings it back.
          if (!this.removed) this.wakeAt(this.host.clock.now() + 10_000);
          void e;
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  private wakeAt(at: number): void {
    if (this.wakeTimers.has(at)) return;
    const t = this.host.clock.setTimeout(() => {
      this.wakeTimers.delete(at);
      this.requestSync();
    }, Math.max(0, at - this.host.clock.now()));
    this.wakeTimers.set(at, t);
  }

  stopTimers(): void {
    for (const t of this.wakeTimers.values()) t.cancel();
    this.wakeTimers.clear();
    for (const p of this.probers.values()) p.prober.stop();
    this.probers.clear();
  }

  private get driver(): RuntimeDriver {
    return this.host.driver;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    if (this.gone) return Promise.resolve();
    return this.host.recorder.event(this.pod, type, reason, message);
  }

  // ---- sync ------------------------------------------------------------------

  private async sync(): Promise<void> {
    if (this.gone || this.pod.metadata.deletionTimestamp) return this.terminate();
    if (this.finished) return;
    const now = this.host.clock.now();
    this.startTime ??= now;
    if (this.sandbox && !this.sandboxLost && !(await this.sandboxAlive(this.sandbox))) await this.sandboxChanged();
    if (!this.sandbox) {
      try {
        this.sandbox = await this.driver.runSandbox({ pod: this.pod, instance: this.host.instance });
      } catch (e) {
        await this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
        this.wakeAt(now + 10_000);
        await this.writeStatus();
        return;
      }
    }
    if (!(await this.setUpVolumes())) {
      // Nothing starts without its volumes: the containers wait as ContainerCreating (init containers as PodInitializing).
      if (!(this.pod.spec.initContainers ?? []).length) this.initDone = true;
      await this.refresh();
      await this.writeStatus();
      return;
    }
    await this.refresh();
    const policy = this.pod.spec.restartPolicy ?? 'Always';

    // Init containers, in order, each to completion (sidecars: to started).
    this.initDone = true;
    for (const c of this.pod.spec.initContainers ?? []) {
      const r = this.records.get(`init/${c.name}`)!;
      const st = r.status?.state;
      if (this.sandboxLost) {
        if (st !== 'exited' || r.status?.exitCode !== 0) this.initFailed = true;
        break;
      }
      if (r.sidecar) {
        if (!r.id) await this.start(r, c);
        else if (st === 'created') await this.startCreated(r, c);
        else if (st === 'exited') await this.restartWithBackoff(r, c);
        if (r.status?.state !== 'running') {
          this.initDone = false;
          break;
        }
        continue;
      }
      if (st === 'exited' && r.status?.exitCode === 0) continue;
      this.initDone = false;
      if (!r.id) await this.start(r, c);
      else if (st === 'created') await this.startCreated(r, c);
      else if (st === 'exited') {
        if (policy === 'Never') this.initFailed = true;
        else await this.restartWithBackoff(r, c);
      }
      break;
    }
    if (this.initDone && !this.initFailed && !this.sandboxLost) {
      for (const c of this.pod.spec.containers) {
        const r = this.records.get(`app/${c.name}`)!;
        if (r.id && r.status && r.status.image !== (c.image ?? '')) await this.replace(r, c);
        else if (!r.id) await this.start(r, c);
        else if (r.status?.state === 'created') await this.startCreated(r, c);
        else if (r.status?.state === 'exited' && shouldRestart(policy, r.status.exitCode)) await this.restartWithBackoff(r, c);
      }
    }
    await this.refresh();
    const status = await this.writeStatus();
    if (status && (status.phase === 'Succeeded' || status.phase === 'Failed')) {
      // A finished pod keeps its (dead) containers for logs; its sandbox goes.
      this.finished = true;
      for (const r of this.records.values()) {
        if (r.id && r.status?.state === 'running') await this.driver.stopContainer(r.id, 0).catch(() => undefined);
      }
      await this.driver.stopSandbox(this.uid).catch(() => undefined);
    }
  }

  /** Whether the sandbox can still host containers (a driver that cannot tell: yes). */
  private async sandboxAlive(sb: SandboxInfo): Promise<boolean> {
    if (sb.running === false) return false;
    if (!this.driver.sandboxRunning) return true;
    return this.driver.sandboxRunning(sb.id);
  }

  /**
   * The sandbox died (Docker restarted, its holder was stopped, or kubeterm
   * was killed between creating and starting it): as the kubelet does, the
   * pod's containers are killed (they lost their network with it) and,
   * unless restartPolicy Never forbids a second run, a new sandbox is made on
   * this sync, init containers run again from the first, and the app
   * containers restart in it (restartCount grows, back-off applies).
   */
  private async sandboxChanged(): Promise<void> {
    await this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    await this.refresh();
    const grace = this.pod.spec.terminationGracePeriodSeconds ?? 30;
    const live = [...this.records.entries()].filter(([, r]) => r.id && (r.status?.state === 'running' || r.status?.state === 'created'));
    await Promise.all(
      live.map(async ([key, r]) => {
        this.dropProber(key);
        await this.stopWithHooks(this.specOf(r), r.id!, Math.min(grace, this.stoppingGrace ?? grace));
      }),
    );
    await this.refresh();
    if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never' && this.anyStarted()) {
      this.sandboxLost = true;
      return;
    }
    const old = this.sandbox!;
    this.sandbox = undefined;
    await this.driver.removeContainer(old.id).catch(() => undefined);
    for (const r of this.records.values()) {
      // A completed init container runs again in the new sandbox; the one dead attempt kept is its last run.
      if (!r.init || r.sidecar || !r.id || r.status?.state !== 'exited') continue;
      if (r.lastId) await this.driver.removeContainer(r.lastId).catch(() => undefined);
      r.lastId = r.id;
      r.last = r.status;
      r.id = undefined;
      r.status = undefined;
      r.attempt++;
    }
  }

  /** A container created but never started (kubeterm stopped in between): start it now, as the kubelet restarts a container found in the created state. */
  private async startCreated(r: ContainerRecord, c: Container): Promise<void> {
    try {
      await this.driver.startContainer(r.id!);
    } catch (e) {
      r.waiting = { reason: 'RunContainerError', message: (e as Error).message };
      await this.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      return;
    }
    await this.event('Normal', 'Started', `Started container ${c.name}`);
    r.status = await this.driver.containerStatus(r.id!);
  }

  /**
   * Sets the pod's volumes up (once, and again after a source changed, so a
   * running container sees an updated ConfigMap). A failure keeps the pod in
   * ContainerCreating with a FailedMount Event, and is retried.
   */
  private async setUpVolumes(): Promise<boolean> {
    const vm = this.host.volumes;
    if (!vm || this.volumesReady) return true;
    try {
      await vm.setUp(this.pod, this.lookups());
      this.volumesReady = true;
      this.volumeError = undefined;
      return true;
    } catch (e) {
      const msg = e instanceof VolumeError ? e.message : `MountVolume.SetUp failed: ${(e as Error).message}`;
      if (this.volumeError !== msg || !this.anyStarted()) await this.event('Warning', 'FailedMount', msg);
      this.volumeError = msg;
      // Containers already running keep running on the last good files, as on Kubernetes.
      if (this.anyStarted()) return true;
      this.wakeAt(this.host.clock.now() + 10_000);
      return false;
    }
  }

  private anyStarted(): boolean {
    return [...this.records.values()].some((r) => r.id !== undefined);
  }

  private lookups() {
    return clusterLookups(this.host.api, this.pod, { podIP: this.podIP(), hostIP: this.host.hostIP });
  }

  private podIP(): string | undefined {
    return this.pod.spec.hostNetwork ? this.host.hostIP : this.sandbox?.ip;
  }

  private specOf(r: ContainerRecord): Container | undefined {
    return (r.init ? this.pod.spec.initContainers : this.pod.spec.containers)?.find((c) => c.name === r.name);
  }

  /** Reads the runtime's view of our containers and their readiness. */
  private async refresh(): Promise<void> {
    for (const [key, r] of this.records) {
      if (!r.id) {
        r.ready = false;
        continue;
      }
      const s = await this.driver.containerStatus(r.id);
      r.status = s ?? (r.status ? { ...r.status, state: 'exited', exitCode: r.status.exitCode ?? 137, reason: r.status.reason ?? 'Error' } : undefined);
      if (r.status?.state === 'running') {
        r.waiting = undefined;
        let ready = this.driver.ready ? await this.driver.ready(r.id) : true;
        const opinion = this.host.readiness?.(this.pod, r.name, r.id);
        if (opinion !== undefined) ready = ready && opinion;
        const prober = this.proberFor(key, r);
        if (prober) ready = ready && prober.ready;
        r.ready = ready;
      } else {
        r.ready = false;
        this.dropProber(key);
        if (r.status?.state === 'exited' && !this.exitSeen.has(r.id)) this.exitSeen.set(r.id, this.host.clock.now());
      }
    }
  }

  // ---- probes ------------------------------------------------------------------

  /** The prober of a running container (made when the container is first seen running). */
  private proberFor(key: string, r: ContainerRecord): ContainerProber | undefined {
    const cur = this.probers.get(key);
    if (cur && cur.id === r.id) return cur.prober;
    this.dropProber(key);
    const c = this.specOf(r);
    if (!c || this.host.probes === false || (!c.livenessProbe && !c.readinessProbe && !c.startupProbe)) return undefined;
    if (r.init && !r.sidecar) return undefined; // probes are for app containers and sidecars only
    const id = r.id!;
    // A container re-adopted after a kubelet restart that was ready keeps its readiness (no flap).
    const prev = [...(this.pod.status?.containerStatuses ?? []), ...(this.pod.status?.initContainerStatuses ?? [])].find((s) => s.name === r.name);
    const resume = this.adopted.has(id) && prev?.containerID?.endsWith(id) === true && prev.ready === true;
    const prober = new ContainerProber({
      clock: this.host.clock,
      container: c,
      resume,
      prober: (probe, _kind, timeoutMs) =>
        // A simulated pod has no network: its httpGet/tcpSocket/grpc probes pass (the sim's own readiness
        // annotations decide); exec probes go to the simulated shell.
        this.driver.name === 'simulated' && !probe.exec
          ? Promise.resolve({ result: 'success' as const, output: '' })
          : runProbe(probe, {
              podIP: this.podIP() ?? '',
              exec: (cmd, t) => this.driver.exec(id, cmd, undefined, t),
              timeoutMs,
              container: c,
            }),
      onReady: () => this.requestSync(),
      onAttempt: (kind, res) => {
        if (res.result === 'failure' && this.probers.get(key)?.id === id) void this.event('Warning', REASON_UNHEALTHY, unhealthyMessage(kind, res.output));
      },
      onRestart: (kind) => {
        if (this.probers.get(key)?.id !== id) return;
        this.host.track(this.killForProbe(key, r, c, id, kind));
      },
    });
    this.probers.set(key, { id, prober });
    prober.start();
    return prober;
  }

  private dropProber(key: string): void {
    const cur = this.probers.get(key);
    if (!cur) return;
    cur.prober.stop();
    this.probers.delete(key);
  }

  /** A liveness/startup verdict: kill the container (preStop first, within its grace); the next sync restarts it per restartPolicy. */
  private async killForProbe(key: string, r: ContainerRecord, c: Container, id: string, kind: 'liveness' | 'startup'): Promise<void> {
    this.dropProber(key);
    await this.event('Normal', REASON_KILLING, restartMessage(c.name, kind));
    const probe = kind === 'liveness' ? c.livenessProbe : c.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    await this.stopWithHooks(c, id, grace);
    if (r.id === id) this.requestSync();
  }

  /** preStop (exec, httpGet, tcpSocket or sleep), then SIGTERM and SIGKILL after what is left of the grace period. */
  private async stopWithHooks(c: Container | undefined, id: string, graceSeconds: number): Promise<void> {
    const t0 = this.host.clock.now();
    const hook = c?.lifecycle?.preStop;
    if (hook && graceSeconds > 0) await this.runPreStop(c!, id, hook, graceSeconds * 1000);
    const left = Math.max(0, graceSeconds - Math.ceil((this.host.clock.now() - t0) / 1000));
    // The kubelet gives at least 2 s after a hook that used the whole grace period (minimumGracePeriodInSeconds).
    const grace = hook ? Math.max(left, 2) : left;
    await this.driver.stopContainer(id, grace).catch(() => undefined);
  }

  private async runPreStop(c: Container, id: string, hook: LifecycleHandler, budgetMs: number): Promise<void> {
    // The kubelet's handler-runner wording: what failed, for which container of which pod, and why.
    const who = `for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(formatPod(this.pod))}`;
    let failure: string | undefined;
    try {
      if (hook.exec) {
        const cmd = hook.exec.command ?? [];
        try {
          const res = await this.driver.exec(id, cmd, undefined, budgetMs);
          if (res.exitCode !== 0) {
            failure = `Exec lifecycle hook ([${cmd.join(' ')}]) ${who} failed - error: command '${cmd.join(' ')}' exited with ${res.exitCode}: , message: ${JSON.stringify(res.stdout + res.stderr)}`;
          }
        } catch (e) {
          failure = `Exec lifecycle hook ([${cmd.join(' ')}]) ${who} failed - error: ${(e as Error).message}, message: ""`;
        }
      } else if (hook.httpGet || hook.tcpSocket) {
        const res = await runProbe({ httpGet: hook.httpGet, tcpSocket: hook.tcpSocket }, { podIP: this.podIP() ?? '', timeoutMs: budgetMs, container: c });
        if (res.result === 'failure') failure = `${hook.httpGet ? `HTTP lifecycle hook (${hook.httpGet.path ?? ''})` : 'TCP lifecycle hook'} ${who} failed - error: ${res.output}`;
      } else if (hook.sleep) {
        const ms = Math.min(hook.sleep.seconds * 1000, budgetMs);
        await new Promise<void>((res) => this.host.clock.setTimeout(res, ms));
      }
    } catch (e) {
      failure = `PreStop hook ${who} failed - error: ${(e as Error).message}`;
    }
    if (failure !== undefined) await this.event('Warning', 'FailedPreStopHook', failure);
  }

  private async start(r: ContainerRecord, c: Container): Promise<boolean> {
    if (!(await this.ensureImage(r, c))) return false;
    let cfg: ContainerConfig;
    try {
      cfg = await this.containerConfig(r, c);
    } catch (e) {
      // Missing ConfigMap/Secret keys, bad subPath…: retried on the next sync (a source change wakes it at once).
      const msg = (e as Error).message;
      r.waiting = { reason: e instanceof VolumeError ? 'CreateContainerError' : 'CreateContainerConfigError', message: msg };
      await this.event('Warning', 'Failed', `Error: ${msg}`);
      this.wakeAt(this.host.clock.now() + 10_000);
      return false;
    }
    let id: string;
    try {
      id = await this.driver.createContainer(this.sandbox!, cfg);
    } catch (e) {
      r.waiting = { reason: 'CreateContainerError', message: (e as Error).message };
      await this.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      this.wakeAt(this.host.clock.now() + 10_000);
      return false;
    }
    r.id = id;
    r.status = undefined;
    r.waiting = undefined;
    await this.event('Normal', 'Created', `Created container: ${c.name}`);
    try {
      await this.driver.startContainer(id);
    } catch (e) {
      r.waiting = { reason: 'RunContainerError', message: (e as Error).message };
      await this.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      return false;
    }
    await this.event('Normal', 'Started', `Started container ${c.name}`);
    r.status = await this.driver.containerStatus(id);
    return true;
  }

  private async ensureImage(r: ContainerRecord, c: Container): Promise<boolean> {
    const image = c.image ?? '';
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const present = await this.driver.imagePresent(image);
    if (policy === 'Never') {
      if (present) return true;
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      r.waiting = { reason: 'ErrImageNeverPull', message: msg };
      await this.event('Warning', 'ErrImageNeverPull', msg);
      this.wakeAt(this.host.clock.now() + 10_000);
      return false;
    }
    if (present && policy === 'IfNotPresent') {
      await this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return true;
    }
    const key = `${this.uid}/${c.name}`;
    const failedAt = r.waiting && (r.waiting.reason === 'ErrImagePull' || r.waiting.reason === 'ImagePullBackOff') ? this.pullFailedAt.get(key) : undefined;
    if (failedAt !== undefined && this.host.pullBackoff.inBackOffSince(key, failedAt)) {
      const msg = `Back-off pulling image "${image}"`;
      r.waiting = { reason: 'ImagePullBackOff', message: msg };
      await this.event('Normal', 'BackOff', msg);
      this.wakeAt(this.host.pullBackoff.until(key, failedAt));
      return false;
    }
    await this.event('Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = this.host.clock.now();
    try {
      await this.driver.pullImage(image);
    } catch (e) {
      const now = this.host.clock.now();
      this.pullFailedAt.set(key, now);
      this.host.pullBackoff.next(key, now);
      const msg = (e as Error).message;
      r.waiting = { reason: 'ErrImagePull', message: msg };
      await this.event('Warning', 'Failed', `Failed to pull image "${image}": ${msg}`);
      await this.event('Warning', 'Failed', 'Error: ErrImagePull');
      this.wakeAt(this.host.pullBackoff.until(key, now));
      return false;
    }
    this.pullFailedAt.delete(key);
    const took = goDuration(this.host.clock.now() - t0);
    await this.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: 0 bytes.`);
    return true;
  }

  private readonly pullFailedAt = new Map<string, number>();

  private async restartWithBackoff(r: ContainerRecord, c: Container): Promise<void> {
    const key = `${this.uid}/${c.name}`;
    const now = this.host.clock.now();
    const seen = (r.id && this.exitSeen.get(r.id)) || now;
    const finishedAt = Math.min(Date.parse(r.status?.finishedAt ?? '') || now, seen);
    const bo = this.host.restartBackoff;
    if (bo.inBackOffSince(key, finishedAt)) {
      const msg = `back-off ${goDuration(bo.get(key))} restarting failed container=${c.name} pod=${formatPod(this.pod)}`;
      if (r.waiting?.message !== msg) {
        r.waiting = { reason: 'CrashLoopBackOff', message: msg };
        await this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${formatPod(this.pod)}`);
      }
      this.wakeAt(bo.until(key, finishedAt));
      return;
    }
    bo.next(key, finishedAt);
    // Keep exactly one dead attempt (for `logs --previous`); older ones go.
    if (r.lastId) {
      await this.driver.removeContainer(r.lastId).catch(() => undefined);
      this.exitSeen.delete(r.lastId);
    }
    r.lastId = r.id;
    r.last = r.status;
    r.id = undefined;
    r.status = undefined;
    r.waiting = undefined;
    r.attempt++;
    await this.start(r, c);
  }

  /** The container's image changed (the one mutable part of a pod spec): kill it and start the new one. */
  private async replace(r: ContainerRecord, c: Container): Promise<void> {
    await this.event('Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
    const grace = this.pod.spec.terminationGracePeriodSeconds ?? 30;
    this.dropProber(`${r.init ? 'init' : 'app'}/${r.name}`);
    if (r.status?.state === 'running' || r.status?.state === 'created') await this.stopWithHooks(this.specOf(r), r.id!, grace);
    if (r.lastId) await this.driver.removeContainer(r.lastId).catch(() => undefined);
    r.lastId = r.id;
    r.last = (await this.driver.containerStatus(r.id!)) ?? r.status;
    r.id = undefined;
    r.status = undefined;
    r.waiting = undefined;
    r.attempt++;
    await this.start(r, c);
  }

  /** The runtime config of a container: env resolved against the cluster, volume mounts, resolv.conf. Throws with the kubelet's message. */
  private async containerConfig(r: ContainerRecord, c: Container): Promise<ContainerConfig> {
    const lookups = this.lookups();
    const resolved = resolveEnv(this.pod, c, lookups);
    if ('error' in resolved) throw new Error(resolved.error);
    const env = resolved.env;
    const mounts = [];
    const vm = this.host.volumes;
    if (vm) {
      mounts.push(...(await vm.mounts(this.pod, c, { lookups, env })));
      // Written once per pod (every container of the pod shares it).
      this.resolv ??= { mount: await resolvConfMount(vm.podDir(this.uid), this.pod, this.host.dnsConfig?.(this.pod.metadata.namespace ?? 'default')) };
      const resolv = this.resolv.mount;
      if (resolv && !mounts.some((m) => m.containerPath === '/etc/resolv.conf')) mounts.push(resolv);
    }
    const cpu = quantityValue(c.resources?.limits?.cpu);
    const mem = quantityValue(c.resources?.limits?.memory);
    return {
      podUid: this.uid,
      podName: this.pod.metadata.name ?? '',
      podNamespace: this.pod.metadata.namespace ?? 'default',
      name: c.name,
      attempt: r.attempt,
      image: c.image ?? '',
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      env,
      mounts,
      ...(cpu !== undefined ? { cpuLimit: cpu } : {}),
      ...(mem !== undefined ? { memoryLimit: mem } : {}),
      runAsUser: c.securityContext?.runAsUser ?? this.pod.spec.securityContext?.runAsUser,
      tty: c.tty,
      stdin: c.stdin,
      spec: c as unknown as Record<string, unknown>,
    };
  }

  private async writeStatus(terminating = false) {
    if (this.gone) return undefined;
    const status = buildPodStatus({
      pod: this.pod,
      records: this.records,
      runtime: this.driver.name,
      podIP: this.pod.spec.hostNetwork ? this.host.hostIP : this.sandbox?.ip,
      hostIP: this.host.hostIP,
      startTime: this.startTime,
      sandboxReady: !!this.sandbox && !terminating,
      initDone: this.initDone,
      initFailed: this.initFailed,
      terminating,
      nowMs: this.host.clock.now(),
    });
    const ns = this.pod.metadata.namespace ?? 'default';
    const name = this.pod.metadata.name ?? '';
    try {
      const out = await this.host.api.modify<Pod>(
        'Pod',
        ns,
        name,
        (p) => {
          if (p.metadata.uid !== this.uid) return undefined;
          p.status = status;
          return p;
        },
        { status: true },
      );
      if (out && out.metadata.uid === this.uid) this.pod = out;
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
    return status;
  }

  // ---- termination -----------------------------------------------------------

  private async terminate(): Promise<void> {
    if (this.removed) return;
    this.stopTimers();
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    this.stoppingGrace = Math.min(grace, this.stoppingGrace ?? grace);
    const running = [...this.records.values()].filter((r) => r.id && (r.status?.state === 'running' || r.status?.state === 'created'));
    await Promise.all(
      running.map(async (r) => {
        await this.event('Normal', 'Killing', `Stopping container ${r.name}`);
        await this.stopWithHooks(this.specOf(r), r.id!, Math.min(grace, this.stoppingGrace ?? grace));
      }),
    );
    await this.refresh();
    if (!this.gone) await this.writeStatus(true).catch(() => undefined);
    for (const r of this.records.values()) {
      for (const id of [r.id, r.lastId]) if (id) await this.driver.removeContainer(id).catch(() => undefined);
    }
    await this.driver.stopSandbox(this.uid).catch(() => undefined);
    await this.driver.removeSandbox(this.uid).catch(() => undefined);
    await this.host.volumes?.cleanup(this.uid).catch(() => undefined);
    this.removed = true;
    if (!this.gone) {
      try {
        await this.host.api.delete('Pod', this.pod.metadata.namespace ?? 'default', this.pod.metadata.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    }
    this.host.restartBackoff.resetPrefix(`${this.uid}/`);
    this.host.pullBackoff.resetPrefix(`${this.uid}/`);
    this.host.onRemoved(this.uid);
  }
}

function newRecord(name: string, init: boolean, sidecar: boolean): ContainerRecord {
  return { name, init, sidecar, attempt: 0, ready: false };
}
