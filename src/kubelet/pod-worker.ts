// One pod worker per pod bound to this node: a level-based sync loop (the
// kubelet's syncPod) that brings the runtime in line with the pod spec —
// sandbox, image pulls per imagePullPolicy, init containers one at a time to
// completion, then the app containers — restarts exited containers per
// restartPolicy with the kubelet's back-off, writes the pod status, and on
// deletion stops the containers within the grace period, removes them and
// finally deletes the Pod object (gracePeriodSeconds 0).
//
// Syncs are serialised per pod: a request during a sync runs one more sync
// after it. Time-based retries (back-off expiry) schedule a sync on the Clock.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { EventRecorder } from '../api/events.js';
import type { Container, Pod } from '../api/types/pod.js';
import type { Clock, Timer } from '../util/clock.js';
import { Backoff, goDuration } from './backoff.js';
import { buildPodStatus, shouldRestart, type ContainerRecord } from './pod-status.js';
import { quantityValue } from './quantities.js';
import type { ContainerConfig, ContainerStatus, RuntimeDriver, SandboxInfo } from './runtime/types.js';

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
  private syncing = false;
  private dirty = false;
  private initDone = false;
  private initFailed = false;
  private wakeTimers = new Map<number, Timer>();

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
    this.requestSync();
  }

  /** The Pod object is gone (force delete): tear down without status writes. */
  podDeleted(): void {
    this.gone = true;
    this.requestSync();
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
    return true;
  }

  adoptSandbox(sb: SandboxInfo): void {
    this.sandbox = sb;
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
    await this.refresh();
    const policy = this.pod.spec.restartPolicy ?? 'Always';

    // Init containers, in order, each to completion (sidecars: to started).
    this.initDone = true;
    for (const c of this.pod.spec.initContainers ?? []) {
      const r = this.records.get(`init/${c.name}`)!;
      const st = r.status?.state;
      if (r.sidecar) {
        if (!r.id) await this.start(r, c);
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
      else if (st === 'exited') {
        if (policy === 'Never') this.initFailed = true;
        else await this.restartWithBackoff(r, c);
      }
      break;
    }
    if (this.initDone && !this.initFailed) {
      for (const c of this.pod.spec.containers) {
        const r = this.records.get(`app/${c.name}`)!;
        if (r.id && r.status && r.status.image !== (c.image ?? '')) await this.replace(r, c);
        else if (!r.id) await this.start(r, c);
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

  /** Reads the runtime's view of our containers and their readiness. */
  private async refresh(): Promise<void> {
    for (const r of this.records.values()) {
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
        r.ready = ready;
      } else {
        r.ready = false;
      }
    }
  }

  private async start(r: ContainerRecord, c: Container): Promise<boolean> {
    if (!(await this.ensureImage(r, c))) return false;
    const cfg = this.containerConfig(r, c);
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
    const finishedAt = Date.parse(r.status?.finishedAt ?? '') || now;
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
    if (r.lastId) await this.driver.removeContainer(r.lastId).catch(() => undefined);
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
    if (r.status?.state === 'running' || r.status?.state === 'created') await this.driver.stopContainer(r.id!, grace).catch(() => undefined);
    if (r.lastId) await this.driver.removeContainer(r.lastId).catch(() => undefined);
    r.lastId = r.id;
    r.last = (await this.driver.containerStatus(r.id!)) ?? r.status;
    r.id = undefined;
    r.status = undefined;
    r.waiting = undefined;
    r.attempt++;
    await this.start(r, c);
  }

  private containerConfig(r: ContainerRecord, c: Container): ContainerConfig {
    const env = (c.env ?? []).filter((e) => e.value !== undefined || !e.valueFrom).map((e) => ({ name: e.name, value: e.value ?? '' }));
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
      mounts: [],
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
    const running = [...this.records.values()].filter((r) => r.id && (r.status?.state === 'running' || r.status?.state === 'created'));
    await Promise.all(
      running.map(async (r) => {
        await this.event('Normal', 'Killing', `Stopping container ${r.name}`);
        await this.driver.stopContainer(r.id!, grace).catch(() => undefined);
      }),
    );
    await this.refresh();
    if (!this.gone) await this.writeStatus(true).catch(() => undefined);
    for (const r of this.records.values()) {
      for (const id of [r.id, r.lastId]) if (id) await this.driver.removeContainer(id).catch(() => undefined);
    }
    await this.driver.stopSandbox(this.uid).catch(() => undefined);
    await this.driver.removeSandbox(this.uid).catch(() => undefined);
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
