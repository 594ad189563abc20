// One pod worker per pod bound to this node: a level-based sync loop (the
// kubelet's syncPod) that brings the runtime in line with the pod spec —
// sandbox, volumes (VolumeManager; FailedMount while a source is missing),
// init containers one at a time to completion, then the app containers
// (ContainerStarter: image per imagePullPolicy, env, mounts, create, start,
// restarts with back-off), probes (ProbeRunner: readiness → ready flag,
// liveness/startup failure → Killing, then a restart), writes the pod status,
// and on deletion (termination.ts) stops the containers within the grace
// period, removes them and the pod's directory, and finally deletes the Pod
// object (gracePeriodSeconds 0).
//
// Syncs are serialised per pod: a request during a sync runs one more sync
// after it. Time-based retries (back-off expiry) schedule a sync on the Clock.
import { isStatusError } from '../api/errors.js';
import type { Container, Pod } from '../api/types/pod.js';
import type { Timer } from '../util/clock.js';
import { ContainerStarter } from './container-start.js';
import { ImagePuller } from './image-pull.js';
import { clusterLookups } from './pod-config.js';
import { buildPodStatus, shouldRestart, writePodStatus, type ContainerRecord } from './pod-status.js';
import { ProbeRunner } from './probe-runner.js';
import type { ContainerStatus, RuntimeDriver, SandboxInfo } from './runtime/types.js';
import { stopWithHooks, terminatePod } from './termination.js';
import { VolumeError } from './volumes/index.js';
import { formatPod, kubeletLog, logFailure, type PodContext, type WorkerHost } from './worker-host.js';

export { defaultPullPolicy } from './image-pull.js';
export { formatPod, type ReadinessHook, type WorkerHost } from './worker-host.js';

export class PodWorker implements PodContext {
  pod: Pod;
  readonly uid: string;
  readonly records = new Map<string, ContainerRecord>();
  sandbox?: SandboxInfo;
  private startTime?: number;
  private finished = false;
  private removed = false;
  private gone = false;
  /** The grace period containers are being stopped with, once termination began (only ever shortened). */
  stoppingGrace?: number;
  private syncing = false;
  private dirty = false;
  private initDone = false;
  private initFailed = false;
  /** Pending wake-ups by due time (made on the first: most pods never need one). */
  private wakeTimers?: Map<number, Timer>;
  /** Volumes were set up for this pod (false again when a source changed). */
  private volumesReady = false;
  private volumeError?: string;
  /** The sandbox died under a restartPolicy Never pod whose containers had run: no new one; the pod ends with what they did. */
  private sandboxLost = false;

  private readonly probes = new ProbeRunner(this);
  private readonly containers = new ContainerStarter(this, new ImagePuller(this), this.probes);

  constructor(
    readonly host: WorkerHost,
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
      if (r.id && (r.status?.state === 'running' || r.status?.state === 'created')) {
        void logFailure(`stopping container ${r.name} of pod ${formatPod(this.pod)} with the shorter grace period`, this.driver.stopContainer(r.id, graceSeconds));
      }
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
    this.probes.markAdopted(cs.id);
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
          kubeletLog.warn(`syncing pod ${formatPod(this.pod)} failed; retrying in 10s`, e);
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  wakeAt(at: number): void {
    const timers = (this.wakeTimers ??= new Map());
    if (timers.has(at)) return;
    const t = this.host.clock.setTimeout(() => {
      timers.delete(at);
      this.requestSync();
    }, Math.max(0, at - this.host.clock.now()));
    timers.set(at, t);
  }

  stopTimers(): void {
    for (const t of this.wakeTimers?.values() ?? []) t.cancel();
    this.wakeTimers?.clear();
    this.probes.stopAll();
  }

  private get driver(): RuntimeDriver {
    return this.host.driver;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
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
        if (!r.id) await this.containers.start(r, c);
        else if (st === 'created') await this.containers.startCreated(r, c);
        else if (st === 'exited') await this.containers.restartWithBackoff(r, c);
        if (r.status?.state !== 'running') {
          this.initDone = false;
          break;
        }
        continue;
      }
      if (st === 'exited' && r.status?.exitCode === 0) continue;
      this.initDone = false;
      if (!r.id) await this.containers.start(r, c);
      else if (st === 'created') await this.containers.startCreated(r, c);
      else if (st === 'exited') {
        if (policy === 'Never') this.initFailed = true;
        else await this.containers.restartWithBackoff(r, c);
      }
      break;
    }
    if (this.initDone && !this.initFailed && !this.sandboxLost) {
      for (const c of this.pod.spec.containers) {
        const r = this.records.get(`app/${c.name}`)!;
        if (r.id && r.status && r.status.image !== (c.image ?? '')) await this.containers.replace(r, c);
        else if (!r.id) await this.containers.start(r, c);
        else if (r.status?.state === 'created') await this.containers.startCreated(r, c);
        else if (r.status?.state === 'exited' && shouldRestart(policy, r.status.exitCode)) await this.containers.restartWithBackoff(r, c);
      }
    }
    await this.refresh();
    const status = await this.writeStatus();
    if (status && (status.phase === 'Succeeded' || status.phase === 'Failed')) {
      // A finished pod keeps its (dead) containers for logs; its sandbox goes.
      this.finished = true;
      for (const r of this.records.values()) {
        if (r.id && r.status?.state === 'running') await logFailure(`stopping container ${r.name} of finished pod ${formatPod(this.pod)}`, this.driver.stopContainer(r.id, 0));
      }
      await logFailure(`stopping the sandbox of finished pod ${formatPod(this.pod)}`, this.driver.stopSandbox(this.uid));
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
        this.probes.drop(key);
        await stopWithHooks(this, this.specOf(r), r.id!, Math.min(grace, this.stoppingGrace ?? grace));
      }),
    );
    await this.refresh();
    if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never' && this.anyStarted()) {
      this.sandboxLost = true;
      return;
    }
    const old = this.sandbox!;
    this.sandbox = undefined;
    await logFailure(`removing the dead sandbox of pod ${formatPod(this.pod)}`, this.driver.removeContainer(old.id));
    for (const r of this.records.values()) {
      // A completed init container runs again in the new sandbox; the one dead attempt kept is its last run.
      if (!r.init || r.sidecar || !r.id || r.status?.state !== 'exited') continue;
      if (r.lastId) await logFailure(`removing an old attempt of init container ${r.name} of pod ${formatPod(this.pod)}`, this.driver.removeContainer(r.lastId));
      r.lastId = r.id;
      r.last = r.status;
      r.id = undefined;
      r.status = undefined;
      r.attempt++;
    }
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

  lookups() {
    return clusterLookups(this.host.api, this.pod, { podIP: this.podIP(), hostIP: this.host.hostIP });
  }

  podIP(): string | undefined {
    return this.pod.spec.hostNetwork ? this.host.hostIP : this.sandbox?.ip;
  }

  specOf(r: ContainerRecord): Container | undefined {
    return (r.init ? this.pod.spec.initContainers : this.pod.spec.containers)?.find((c) => c.name === r.name);
  }

  /** Reads the runtime's view of our containers and their readiness. */
  async refresh(): Promise<void> {
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
        const prober = this.probes.proberFor(key, r);
        if (prober) ready = ready && prober.ready;
        r.ready = ready;
      } else {
        r.ready = false;
        this.probes.drop(key);
        if (r.status?.state === 'exited') this.containers.sawExit(r.id);
      }
    }
  }

  async writeStatus(terminating = false) {
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
      const out = await writePodStatus(this.host.api, ns, name, this.uid, status);
      if (out.metadata.uid === this.uid) this.pod = out;
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
    return status;
  }

  // ---- termination (termination.ts) --------------------------------------------

  private async terminate(): Promise<void> {
    if (this.removed) return;
    await terminatePod(this);
  }

  get isGone(): boolean {
    return this.gone;
  }

  markRemoved(): void {
    this.removed = true;
  }
}

function newRecord(name: string, init: boolean, sidecar: boolean): ContainerRecord {
  return { name, init, sidecar, attempt: 0, ready: false };
}
