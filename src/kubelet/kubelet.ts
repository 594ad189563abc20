// Length: node registration, the Lease heartbeat, pod-worker dispatch, adoption and the relist share one node lifecycle; each pod's own work lives in pod-worker.ts and its parts.
// The kubelet of one node: registers the Node (capacity, nodeInfo, addresses,
// conditions, labels), heartbeats through a Lease in kube-node-lease, and runs
// one PodWorker per pod bound to the node. It learns about container exits from
// the runtime (onContainerEvent when the driver offers it) and from a periodic
// relist (the PLEG), so a missed event only delays, never loses, a restart.
// A driver whose events cannot be lost (reliableEvents: the simulated and
// process runtimes) is relisted only every few minutes, as Kubernetes' Evented
// PLEG (KEP-3386) does: an idle node then costs nothing per pod per second.
// Docker's event stream can miss things, so it keeps the 1 s relist.
//
// On start it re-adopts: containers of pods that still exist on this node are
// taken over (not recreated); containers and sandboxes of pods that are gone
// are stopped and removed.
import os from 'node:os';
import path from 'node:path';
import type { Api } from '../api/api.js';
import { badRequest, isStatusError, notFound } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';
import type { Node } from '../api/types/node.js';
import type { Pod } from '../api/types/pod.js';
import type { Clock, Timer } from '../util/clock.js';
import { Backoff } from './backoff.js';
import { buildLease, buildNode, nodeConditions, NODE_LEASE_NAMESPACE } from './node-status.js';
import type { DnsConfigFn } from './pod-config.js';
import { podReferences } from './pod-config.js';
import { PodWorker } from './pod-worker.js';
import { kubeletLog, logFailure } from './worker-host.js';
import type { ReadinessHook, WorkerHost } from './worker-host.js';
import type { ContainerLogOptions, ContainerStatus, ExecStreams, LogChunk, NodeResources, RuntimeDriver } from './runtime/types.js';
import { quantityValue } from './quantities.js';
import { TokenManager, VolumeManager, type TokenSource } from './volumes/index.js';

export interface KubeletConfig {
  api: Api;
  clock: Clock;
  nodeName: string;
  driver: RuntimeDriver;
  /** Stable id of this kubeterm instance: runtime objects carry it for re-adoption. */
  instance: string;
  /** Overrides what the driver reports (cpu cores or quantity strings). */
  capacity?: { cpu?: number | string; memory?: number | string; pods?: number | string };
  /** Extra node labels (merged over the well-known ones). */
  labels?: Record<string, string>;
  /** node-role.kubernetes.io/<role> label. Default `worker`; '' for none. */
  role?: string;
  /** InternalIP of the node (hostIP of its pods). Default 127.0.0.1. */
  address?: string;
  /** Lease renewal period. Default 10 s. */
  heartbeatIntervalMs?: number;
  /** Node status is re-posted at least this often even when unchanged. Default 5 min (Kubernetes' nodeStatusReportFrequency). */
  nodeStatusReportMs?: number;
  /** Relist period of the pod lifecycle event generator for a driver whose events may be lost (Docker). Default 1 s. */
  relistIntervalMs?: number;
  /**
   * Relist period when the driver reports every container change as an event
   * (`reliableEvents`): only a safety net then. Default 300 s, Kubernetes'
   * Evented PLEG relist period.
   */
  eventedRelistIntervalMs?: number;
  /** External readiness opinion (in addition to the pod's own probes). */
  readiness?: ReadinessHook;
  /**
   * The kubelet's state directory: pod volumes and resolv.conf live under
   * <dataDir>/pods/<uid>. Must be a path the container runtime can bind-mount
   * (Docker on the same host). Default: <os.tmpdir()>/kubeterm-kubelet-<nodeName>.
   */
  dataDir?: string;
  /** Cluster DNS per namespace: when given, pods with dnsPolicy ClusterFirst get a resolv.conf naming it. */
  dnsConfig?: DnsConfigFn;
  /** How often volumes are rewritten from their ConfigMaps/Secrets even without a watch event. Default 60 s. */
  volumeResyncMs?: number;
  /** Run container probes (default true). */
  probes?: boolean;
  /**
   * Where hostPath volumes (and PersistentVolumes' hostPath/local paths) may
   * point. `allow`: directories used as they are (the engine passes its state
   * folder, the watched folder and --allow-host-path dirs). Anything else is
   * remapped into <dataDir>/hostpath/<path> (mode 'remap', the default) or
   * refused with FailedMount ('refuse'). Default: allow nothing, remap all.
   */
  hostPath?: { allow: string[]; mode?: 'remap' | 'refuse' };
  /**
   * Issues ServiceAccount tokens bound to a pod (the kubelet's TokenRequest):
   * projected `serviceAccountToken` sources (the kube-api-access volume) are
   * written from it and refreshed by the volume resync once 80% of their
   * lifetime has passed. Absent: those sources write no file.
   */
  serviceAccountTokens?: TokenSource;
}

export interface PodStats {
  cpu: number;
  memory: number;
  containers: { name: string; cpu: number; memory: number }[];
}

export class Kubelet {
  readonly nodeName: string;
  private readonly api: Api;
  private readonly clock: Clock;
  private readonly driver: RuntimeDriver;
  private readonly cfg: KubeletConfig;
  private readonly recorder: EventRecorder;
  private readonly host: WorkerHost;
  private readonly workers = new Map<string, PodWorker>();
  private watch?: WatchHandle;
  private sourceWatches: WatchHandle[] = [];
  private volumeTimer?: Timer;
  readonly volumes: VolumeManager;
  private unsubscribe?: () => void;
  private heartbeatTimer?: Timer;
  private relistTimer?: Timer;
  private running = false;
  private ops = 0;
  private idleWaiters: (() => void)[] = [];
  private lastStatusReport = 0;
  private runtimeError: string | undefined;
  private lastRelist = new Map<string, string>();

  constructor(config: KubeletConfig) {
    if (!config?.api) throw new Error('Kubelet: api is required');
    if (!config.clock) throw new Error('Kubelet: clock is required');
    if (!config.nodeName) throw new Error('Kubelet: nodeName is required');
    if (!config.driver) throw new Error('Kubelet: driver is required');
    if (!config.instance) throw new Error('Kubelet: instance is required');
    this.cfg = config;
    this.api = config.api;
    this.clock = config.clock;
    this.driver = config.driver;
    this.nodeName = config.nodeName;
    this.recorder = new EventRecorder({ api: this.api, component: 'kubelet', host: this.nodeName });
    this.volumes = new VolumeManager({
      rootDir: config.dataDir ?? path.join(os.tmpdir(), `kubeterm-kubelet-${this.nodeName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`),
      hostPath: { allow: config.hostPath?.allow ?? [], mode: config.hostPath?.mode ?? 'remap' },
      tokens: config.serviceAccountTokens ? new TokenManager({ clock: this.clock, source: config.serviceAccountTokens }) : undefined,
    });
    this.host = {
      api: this.api,
      clock: this.clock,
      driver: this.driver,
      instance: config.instance,
      hostIP: config.address ?? '127.0.0.1',
      recorder: this.recorder,
      restartBackoff: new Backoff(this.clock),
      pullBackoff: new Backoff(this.clock),
      readiness: config.readiness,
      volumes: this.volumes,
      dnsConfig: config.dnsConfig,
      probes: config.probes,
      track: (p) => this.track(p),
      onRemoved: (uid) => this.workers.delete(uid),
    };
  }

  /** Registers the node, re-adopts runtime objects, then starts pod workers and heartbeats. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.registerNode();
    await this.renewLease();
    await this.adopt();
    // Subscribed before the pod watch opens: its replay syncs every worker, so a change between adopt() and now is seen too.
    const evented = this.evented();
    this.unsubscribe = this.driver.onContainerEvent?.((ev) => {
      // Events that cannot be lost keep the relist's baseline current, so the
      // safety-net relist syncs only pods whose change no event told of.
      // (Docker's may race its own inspect, so there the relist still re-checks.)
      if (evented) this.lastRelist.set(ev.id, `${ev.podUid} ${ev.state}`);
      this.workers.get(ev.podUid)?.requestSync();
    });
    this.watch = this.api.watch(
      'Pod',
      { resourceVersion: '0', filter: (o) => (o as Pod).spec?.nodeName === this.nodeName },
      (ev) => this.onPod(ev as WatchEvent<Pod>),
    );
    // A changed ConfigMap/Secret reaches the pods that read it: volumes are rewritten, config errors retried.
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      this.sourceWatches.push(
        this.api.watch(kind, {}, (ev) => {
          if (ev.type === 'DELETED') return;
          const o = ev.object;
          for (const w of this.workers.values()) {
            if (w.pod.metadata.namespace === o.metadata.namespace && podReferences(w.pod, kind, o.metadata.name ?? '')) w.sourcesChanged();
          }
        }),
      );
    }
    // A pod admitted just before its namespace's `default` ServiceAccount was made waits for it to fetch its token: retry at once.
    this.sourceWatches.push(
      this.api.watch('ServiceAccount', {}, (ev) => {
        if (ev.type !== 'ADDED') return;
        const o = ev.object;
        for (const w of this.workers.values()) {
          if (w.pod.metadata.namespace === o.metadata.namespace && (w.pod.spec.serviceAccountName || 'default') === o.metadata.name && mountsToken(w.pod)) w.sourcesChanged();
        }
      }),
    );
    this.scheduleHeartbeat();
    this.scheduleRelist();
    this.scheduleVolumeResync();
  }

  private scheduleVolumeResync(): void {
    this.volumeTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      for (const w of this.workers.values()) if ((w.pod.spec.volumes ?? []).length) w.sourcesChanged();
      this.scheduleVolumeResync();
    }, this.cfg.volumeResyncMs ?? 60_000);
  }

  /** Stops watching and heartbeating. Containers keep running, to be re-adopted by the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.watch?.stop();
    this.watch = undefined;
    this.unsubscribe?.();
    for (const w of this.sourceWatches) w.stop();
    this.sourceWatches = [];
    this.heartbeatTimer?.cancel();
    this.relistTimer?.cancel();
    this.volumeTimer?.cancel();
    for (const w of this.workers.values()) w.stopTimers();
    await this.whenIdle();
    this.workers.clear();
  }

  whenIdle(): Promise<void> {
    if (this.ops === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  isIdle(): boolean {
    return this.ops === 0;
  }

  /** Ask the worker of a pod to sync now (e.g. a probe result changed). */
  resync(podUid: string): void {
    this.workers.get(podUid)?.requestSync();
  }

  // ---- node and heartbeat ----------------------------------------------------

  private async resources(): Promise<NodeResources> {
    const res = await this.driver.nodeResources();
    const cap = this.cfg.capacity;
    if (cap?.cpu !== undefined) res.cpu = quantityValue(cap.cpu) ?? res.cpu;
    if (cap?.memory !== undefined) res.memory = quantityValue(cap.memory) ?? res.memory;
    if (cap?.pods !== undefined) res.pods = quantityValue(cap.pods) ?? res.pods;
    return res;
  }

  private async registerNode(): Promise<void> {
    await this.pingRuntime();
    const res = await this.resources();
    const built = buildNode({
      nodeName: this.nodeName,
      res,
      runtime: this.driver.name,
      address: this.host.hostIP,
      role: this.cfg.role === undefined ? 'worker' : this.cfg.role || undefined,
      labels: this.cfg.labels ?? {},
      nowMs: this.clock.now(),
      runtimeError: this.runtimeError,
    });
    const existing = this.api.get('Node', '', this.nodeName);
    if (!existing) {
      try {
        await this.api.create(built);
        this.lastStatusReport = this.clock.now();
        return;
      } catch (e) {
        if (!isStatusError(e, 'AlreadyExists')) throw e;
      }
    }
    // Re-registration keeps what users set (labels, taints, cordon) and refreshes the rest.
    await this.api.modify<Node>('Node', '', this.nodeName, (n) => {
      n.metadata.labels = { ...(n.metadata.labels ?? {}), ...built.metadata.labels };
      n.metadata.annotations = { ...(n.metadata.annotations ?? {}), ...built.metadata.annotations };
    });
    await this.api.modify<Node>(
      'Node',
      '',
      this.nodeName,
      (n) => {
        const old = n.status?.conditions;
        n.status = { ...built.status, conditions: nodeConditions(this.clock.now(), this.runtimeError, old) };
      },
      { status: true },
    );
    this.lastStatusReport = this.clock.now();
  }

  private async pingRuntime(): Promise<boolean> {
    try {
      await this.driver.ping();
      this.runtimeError = undefined;
      return true;
    } catch (e) {
      this.runtimeError = (e as Error).message || String(e);
      return false;
    }
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.track(this.heartbeat());
      this.scheduleHeartbeat();
    }, this.cfg.heartbeatIntervalMs ?? 10_000);
  }

  private async heartbeat(): Promise<void> {
    const before = this.runtimeError;
    await this.pingRuntime();
    await this.renewLease();
    const due = this.clock.now() - this.lastStatusReport >= (this.cfg.nodeStatusReportMs ?? 5 * 60_000);
    // Someone else (the node lifecycle controller) may have marked us Unknown: correct it at once.
    const ready = this.api.get('Node', '', this.nodeName)?.status?.conditions?.find((c) => c.type === 'Ready');
    const drifted = ready?.status !== (this.runtimeError ? 'False' : 'True');
    if (before !== this.runtimeError || due || drifted) await this.postNodeStatus();
    // The runtime came back: every pod catches up at once (containers kept running meanwhile).
    if (before && !this.runtimeError) for (const w of this.workers.values()) w.requestSync();
  }

  private async postNodeStatus(): Promise<void> {
    try {
      await this.api.modify<Node>(
        'Node',
        '',
        this.nodeName,
        (n) => {
          n.status = { ...(n.status ?? {}), conditions: nodeConditions(this.clock.now(), this.runtimeError, n.status?.conditions) };
        },
        { status: true },
      );
      this.lastStatusReport = this.clock.now();
    } catch (e) {
      // The Node was deleted: register it again, as the kubelet does.
      if (isStatusError(e, 'NotFound')) await this.registerNode();
      else throw e;
    }
  }

  private async renewLease(): Promise<void> {
    const node = this.api.get('Node', '', this.nodeName);
    if (!node) return;
    const lease = buildLease(node, this.clock.now());
    const cur = this.api.get('Lease', NODE_LEASE_NAMESPACE, this.nodeName);
    try {
      if (!cur) await this.api.create(lease);
      else {
        await this.api.modify('Lease', NODE_LEASE_NAMESPACE, this.nodeName, (l: KubeObject) => {
          l.spec = { ...(l.spec ?? {}), ...lease.spec };
        });
      }
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists') && !isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }

  // ---- pods ------------------------------------------------------------------

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid ?? '';
    if (pod.spec?.nodeName !== this.nodeName) return;
    let w = this.workers.get(uid);
    if (ev.type === 'DELETED') {
      w?.podDeleted();
      return;
    }
    if (!w) {
      // A pod that finished before we saw it (or before a restart) needs no worker.
      if (!pod.metadata.deletionTimestamp && (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')) return;
      w = new PodWorker(this.host, pod);
      this.workers.set(uid, w);
    }
    // Status-only changes (mostly our own writes) need no sync: only spec and metadata drive the worker.
    if (ev.type === 'MODIFIED' && ev.oldObject && !specOrMetaChanged(ev.oldObject, pod)) {
      w.pod = pod;
      return;
    }
    w.update(pod);
  }

  /** Takes over the runtime objects of a previous run. */
  private async adopt(): Promise<void> {
    const pods = new Map<string, Pod>();
    for (const p of this.api.list('Pod', { filter: (o) => (o as Pod).spec?.nodeName === this.nodeName }).items) {
      pods.set(p.metadata.uid ?? '', p);
    }
    const sandboxes = await this.driver.listSandboxes(this.cfg.instance);
    const containers = await this.driver.listContainers(this.cfg.instance);
    const workerFor = (uid: string): PodWorker | undefined => {
      const pod = pods.get(uid);
      if (!pod) return undefined;
      let w = this.workers.get(uid);
      if (!w) {
        w = new PodWorker(this.host, pod);
        this.workers.set(uid, w);
      }
      return w;
    };
    // The first relist compares with what was adopted (not with nothing, which would sync every pod once more).
    for (const c of containers) this.lastRelist.set(c.id, `${c.podUid} ${c.state}`);
    if (this.driver.sandboxRunning) for (const sb of sandboxes) this.lastRelist.set(sb.id, `${sb.podUid} ${sb.running === false ? 'exited' : 'running'}`);
    const orphans: ContainerStatus[] = [];
    for (const c of containers.sort((a, b) => a.attempt - b.attempt)) {
      const w = workerFor(c.podUid);
      if (!w || !w.adoptContainer(c)) orphans.push(c);
    }
    for (const c of orphans) {
      await logFailure(`stopping orphaned container ${c.name} (pod uid ${c.podUid})`, this.driver.stopContainer(c.id, 0));
      await logFailure(`removing orphaned container ${c.name} (pod uid ${c.podUid})`, this.driver.removeContainer(c.id));
    }
    // A running sandbox is preferred; a dead one is adopted only when there is nothing better (the worker replaces it).
    for (const sb of sandboxes.sort((a, b) => Number(a.running !== false) - Number(b.running !== false))) {
      const w = workerFor(sb.podUid);
      if (w) {
        const prev = w.sandbox;
        w.adoptSandbox(sb);
        if (prev && prev.id !== sb.id && prev.running === false) await logFailure(`removing a dead sandbox of pod uid ${sb.podUid}`, this.driver.removeContainer(prev.id));
      } else {
        await logFailure(`stopping the orphaned sandbox of pod uid ${sb.podUid}`, this.driver.stopSandbox(sb.podUid));
        await logFailure(`removing the orphaned sandbox of pod uid ${sb.podUid}`, this.driver.removeSandbox(sb.podUid));
      }
    }
  }

  private scheduleRelist(): void {
    this.relistTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.track(this.relist());
      this.scheduleRelist();
    }, this.relistPeriodMs());
  }

  /** Whether the driver's events cannot be lost (the relist is then only a safety net). */
  private evented(): boolean {
    return this.driver.reliableEvents === true && typeof this.driver.onContainerEvent === 'function';
  }

  /** The PLEG period: 1 s when events may be lost, minutes when they cannot. */
  private relistPeriodMs(): number {
    return this.evented() ? (this.cfg.eventedRelistIntervalMs ?? 300_000) : (this.cfg.relistIntervalMs ?? 1000);
  }

  /** The PLEG: a pod whose containers changed state since the last relist is synced. */
  private async relist(): Promise<void> {
    if (this.workers.size === 0) return;
    const list = await this.driver.listContainers(this.cfg.instance);
    const seen = new Map<string, string>();
    for (const c of list) seen.set(c.id, `${c.podUid} ${c.state}`);
    // A sandbox that stopped (or came back) matters as much as a container: its pod's network went with it.
    if (this.driver.sandboxRunning) {
      for (const sb of await this.driver.listSandboxes(this.cfg.instance)) seen.set(sb.id, `${sb.podUid} ${sb.running === false ? 'exited' : 'running'}`);
    }
    const changed = new Set<string>();
    for (const [id, v] of seen) if (this.lastRelist.get(id) !== v) changed.add(v.split(' ')[0]);
    for (const [id, v] of this.lastRelist) if (!seen.has(id)) changed.add(v.split(' ')[0]);
    this.lastRelist = seen;
    for (const uid of changed) this.workers.get(uid)?.requestSync();
  }

  // ---- logs and stats ----------------------------------------------------------

  /**
   * Streams a container's log lines (`previous` reads the last terminated
   * attempt). Errors are Kubernetes' own: NotFound for the pod, BadRequest for
   * a missing or not yet started container.
   */
  async logs(
    namespace: string,
    podName: string,
    container: string | undefined,
    opts: ContainerLogOptions & { previous?: boolean },
    onLine: (c: LogChunk) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const pod = this.api.get('Pod', namespace, podName);
    if (!pod) throw notFound('Pod', podName);
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    let name = container;
    if (!name) {
      if (pod.spec.containers.length !== 1) {
        throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
      }
      name = pod.spec.containers[0].name;
    }
    if (!names.includes(name)) throw badRequest(`container ${name} is not valid for pod ${podName}`);
    const w = this.workers.get(pod.metadata.uid ?? '');
    const rec = w?.records.get(`app/${name}`) ?? w?.records.get(`init/${name}`);
    if (opts.previous) {
      if (!rec?.lastId) throw badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
      return this.driver.logs(rec.lastId, { ...opts, follow: false }, onLine, signal);
    }
    if (!rec?.id) {
      const reason = rec?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
    }
    return this.driver.logs(rec.id, opts, onLine, signal);
  }

  /**
   * Runs a command in a running container (`kubectl exec`). Output goes to the
   * given streams and is also returned (capped by the driver). Errors are
   * Kubernetes' own: NotFound for the pod, BadRequest for a container that is
   * not valid or not running.
   */
  async exec(
    namespace: string,
    podName: string,
    container: string | undefined,
    cmd: string[],
    streams?: ExecStreams,
  ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const pod = this.api.get('Pod', namespace, podName);
    if (!pod) throw notFound('Pod', podName);
    if (!cmd.length) throw badRequest('you must specify at least one command for the container');
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    const name = container || pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] || pod.spec.containers[0].name;
    if (!names.includes(name)) throw badRequest(`container ${name} is not valid for pod ${podName}`);
    const w = this.workers.get(pod.metadata.uid ?? '');
    const rec = w?.records.get(`app/${name}`) ?? w?.records.get(`init/${name}`);
    if (!rec?.id || rec.status?.state !== 'running') {
      const phase = pod.status?.phase ?? 'Pending';
      if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
      throw badRequest(`container ${name} is not running in pod ${podName}`);
    }
    return this.driver.exec(rec.id, cmd, streams);
  }

  /** CPU (cores) and memory (bytes) in use by a pod's running containers. */
  async podStats(uid: string): Promise<PodStats | undefined> {
    const w = this.workers.get(uid);
    if (!w) return undefined;
    const out: PodStats = { cpu: 0, memory: 0, containers: [] };
    for (const r of w.records.values()) {
      if (!r.id || r.status?.state !== 'running') continue;
      const s = await this.driver.stats(r.id);
      if (!s) continue;
      out.containers.push({ name: r.name, cpu: s.cpu, memory: s.memory });
      out.cpu += s.cpu;
      out.memory += s.memory;
    }
    return out;
  }

  /** Names of pods this kubelet runs a worker for (tests, the UI). */
  podUids(): string[] {
    return [...this.workers.keys()];
  }

  // ---- idle accounting -----------------------------------------------------------

  private track(p: Promise<unknown>): void {
    this.ops++;
    void p
      // Heartbeats, relists and probe kills are retried by their next round; the error is the user's to see in the log.
      .catch((e: unknown) => kubeletLog.warn(`node ${this.nodeName}`, e))
      .finally(() => {
        this.ops--;
        if (this.ops === 0) {
          const ws = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of ws) w();
        }
      });
  }
}

/** The pod has a projected serviceAccountToken source (the kube-api-access volume, say). */
function mountsToken(pod: Pod): boolean {
  return (pod.spec.volumes ?? []).some((v) => (v.projected?.sources ?? []).some((s) => !!s.serviceAccountToken));
}

function specOrMetaChanged(a: Pod, b: Pod): boolean {
  if (JSON.stringify(a.spec) !== JSON.stringify(b.spec)) return true;
  const strip = (p: Pod) => ({ ...p.metadata, resourceVersion: undefined, managedFields: undefined, generation: undefined });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}
