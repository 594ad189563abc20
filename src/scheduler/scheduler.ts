// Length: the scheduling cycle (queue → filter → score → reserve → bind, preemption and volume pre-binding) shares one cache, queue and in-flight state; its stateless parts live beside it (plugins/, preemption.ts, volume-binding.ts, queue.ts, cache.ts).
// The scheduler: watches pods that have no node yet (and name this scheduler),
// filters the nodes that can take each one, scores the feasible ones, and binds
// the pod to the best — setting spec.nodeName and the PodScheduled condition in
// one write, as the pods/binding subresource does. A pod no node can take stays
// Pending with PodScheduled=False/Unschedulable and the scheduler's message, and
// waits in the unschedulable pool until a cluster event may change the answer.
//
// Per-node accounting (requested cpu/memory, pod counts, owners) lives in the
// SchedulerCache and follows pod and node watch events; a decision never scans
// every pod.
//
// Pods are ordered by priority (resolved from their PriorityClass, see
// priority.ts). A pod that fits nowhere may preempt lower-priority pods
// (preemption.ts): the victims are deleted gracefully with a `Preempted`
// event, the pod is nominated to the node (status.nominatedNodeName) and is
// bound there once the victims are gone. Claims are checked by VolumeBinding
// (volume-binding.ts); PVC, PV and StorageClass changes retry waiting pods.
// A pod with WaitForFirstConsumer claims is bound only after PreBind has
// asked for its volumes and they are bound (provisioned on the chosen node),
// as kube-scheduler's BindPodVolumes waits — the kubelet then finds them.
import type { Api } from '../api/api.js';
import { isStatusError, notFound } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import { rfc3339 } from '../api/time.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';
import type { PriorityClass } from '../api/types/config.js';
import type { Node } from '../api/types/node.js';
import type { Pod } from '../api/types/pod.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types/storage.js';
import type { Clock, Timer } from '../util/clock.js';
import { isTerminal, podInfoOf, SchedulerCache, type NodeInfo, type PodInfo } from './cache.js';
import { fitErrorMessage, type NodeFailure } from './fit-error.js';
import { Nominator } from './nominator.js';
import { podContext, type PodContext } from './pod-context.js';
import { runFilters, type FilterFailure } from './plugins/filters.js';
import { preempt } from './preemption.js';
import { PriorityClasses, type ResolvedPriority } from './priority.js';
import { checkBindings, preBindPlan, SELECTED_NODE_ANNOTATION, volumePreFilter, type PreBindPlan, type VolumeLookup } from './volume-binding.js';
import { scoreNodes } from './plugins/scores.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';
import { logger } from '../util/log.js';
import { setCondition } from '../api/conditions.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerConfig {
  api: Api;
  clock: Clock;
  /** spec.schedulerName this scheduler answers to. Default `default-scheduler`. */
  name?: string;
  /** Tie-break between equally scored nodes. Default Math.random. */
  random?: () => number;
  /** Share of nodes to find feasible before scoring (1..100); 0 = Kubernetes' adaptive default. */
  percentageOfNodesToScore?: number;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** How often the unschedulable pool is checked for pods waiting too long. Default 30 s. */
  flushIntervalMs?: number;
  /** Pods unschedulable for this long are retried even without a cluster event. Default 5 min. */
  podMaxInUnschedulableMs?: number;
  /** How long PreBind waits for a pod's claims to be bound or provisioned (kube-scheduler's bindTimeoutSeconds). Default 600 s. */
  volumeBindTimeoutMs?: number;
  /** Binding writes in flight at once (they wait for the state file's group commit). Default 1024. */
  maxInFlightBinds?: number;
  /** Called with the duration (ms) of every scheduling cycle (filter + score + assume), for benchmarks. */
  onCycle?: (ms: number) => void;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

export interface SchedulerStats {
  scheduled: number;
  unschedulable: number;
  bindErrors: number;
  /** Pods deleted by preemption. */
  preempted: number;
}

export class Scheduler {
  readonly name: string;
  readonly cache = new SchedulerCache();
  readonly stats: SchedulerStats = { scheduled: 0, unschedulable: 0, bindErrors: 0, preempted: 0 };
  readonly priorities = new PriorityClasses();
  readonly nominator = new Nominator();
  private readonly api: Api;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly cfg: Required<Omit<SchedulerConfig, 'api' | 'clock' | 'name' | 'random' | 'onCycle'>>;
  private readonly onCycle?: (ms: number) => void;
  private readonly queue: SchedulingQueue;
  private readonly recorder: EventRecorder;
  /** Latest version of every pod waiting for this scheduler, by uid. */
  private readonly pending = new Map<string, Pod>();
  /** Pods being bound right now. */
  private readonly binding = new Set<string>();
  private watches: WatchHandle[] = [];
  private flushTimer?: Timer;
  private running = false;
  private looping = false;
  private ops = 0;
  private nextStartNodeIndex = 0;
  private idleWaiters: (() => void)[] = [];
  private slotWaiters: (() => void)[] = [];
  /** PreBind waits for volumes: each re-checks on claim, volume and pod changes. */
  private readonly volumeWaiters = new Set<() => void>();

  constructor(config: SchedulerConfig) {
    if (!config?.api) throw new Error('Scheduler: api is required');
    if (!config.clock) throw new Error('Scheduler: clock is required');
    this.api = config.api;
    this.clock = config.clock;
    this.name = config.name ?? DEFAULT_SCHEDULER_NAME;
    this.random = config.random ?? Math.random;
    this.onCycle = config.onCycle;
    this.cfg = {
      percentageOfNodesToScore: config.percentageOfNodesToScore ?? 0,
      podInitialBackoffMs: config.podInitialBackoffMs ?? 1000,
      podMaxBackoffMs: config.podMaxBackoffMs ?? 10_000,
      flushIntervalMs: config.flushIntervalMs ?? 30_000,
      podMaxInUnschedulableMs: config.podMaxInUnschedulableMs ?? 5 * 60_000,
      maxInFlightBinds: config.maxInFlightBinds ?? 1024,
      volumeBindTimeoutMs: config.volumeBindTimeoutMs ?? 600_000,
    };
    this.queue = new SchedulingQueue({
      clock: this.clock,
      initialBackoffMs: this.cfg.podInitialBackoffMs,
      maxBackoffMs: this.cfg.podMaxBackoffMs,
      onActive: () => this.kick(),
    });
    this.recorder = new EventRecorder({ api: this.api, component: this.name });
    const api = this.api;
    this.volumeLookup = {
      claim: (ns, name) => api.get('PersistentVolumeClaim', ns, name),
      volume: (name) => api.get('PersistentVolume', '', name),
      storageClass: (name) => api.get('StorageClass', '', name),
      volumes: () => api.list('PersistentVolume').items,
    };
  }

  private readonly volumeLookup: VolumeLookup;

  start(): void {
    if (this.running) return;
    this.running = true;
    // Priority classes and nodes first, so the pods replayed next find them.
    this.watches.push(this.api.watch('PriorityClass', { resourceVersion: '0' }, (ev) => this.onPriorityClass(ev as WatchEvent<PriorityClass>)));
    this.watches.push(this.api.watch('Node', { resourceVersion: '0' }, (ev) => this.onNode(ev as WatchEvent<Node>)));
    this.watches.push(this.api.watch('Pod', { resourceVersion: '0' }, (ev) => this.onPod(ev as WatchEvent<Pod>)));
    // Claims, volumes and classes can make a pod waiting on its volumes schedulable.
    for (const kind of ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass']) {
      this.watches.push(
        this.api.watch(kind, {}, () => {
          this.wakeVolumeWaiters();
          this.queue.moveAllToActive((uid) => usesClaims(this.pending.get(uid)));
        }),
      );
    }
    this.scheduleFlush();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.flushTimer?.cancel();
    this.queue.close();
    this.wakeVolumeWaiters(); // they see !running and give up
    await this.whenIdle();
  }

  /**
   * Resolves when no pod is waiting in the active queue and no write is in
   * flight (error-backoff and unschedulable pods wait for the clock or an
   * event, and so do binds waiting for their volumes to be provisioned).
   */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  isIdle(): boolean {
    return !this.looping && this.ops - this.volumeWaiters.size === 0 && (this.queue.readySize === 0 || !this.running);
  }

  /** Pods waiting in the unschedulable pool (for tests and the UI). */
  unschedulableCount(): number {
    return this.queue.unschedulable.size;
  }

  // ---- events --------------------------------------------------------------

  private onPriorityClass(ev: WatchEvent<PriorityClass>): void {
    if (ev.type === 'DELETED') this.priorities.delete(ev.object.metadata.name ?? '');
    else this.priorities.set(ev.object);
    this.queue.moveAllToActive();
  }

  private onNode(ev: WatchEvent<Node>): void {
    const node = ev.object;
    if (ev.type === 'DELETED') {
      this.cache.removeNode(node.metadata.name!);
      return;
    }
    this.cache.setNode(node);
    if (ev.type === 'ADDED' || schedulingRelevantChange(ev.oldObject, node)) this.queue.moveAllToActive();
  }

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid ?? '';
    // A pod going away while PreBind waits for its volumes ends that wait.
    if (this.binding.has(uid) && (ev.type === 'DELETED' || pod.metadata.deletionTimestamp)) this.wakeVolumeWaiters();
    if (ev.type === 'DELETED') {
      this.forgetPending(uid);
      this.nominator.remove(uid);
      if (this.cache.removePod(uid)) this.queue.moveAllToActive();
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.forgetPending(uid);
      this.nominator.remove(uid);
      if (isTerminal(pod)) {
        if (this.cache.removePod(uid)) this.queue.moveAllToActive();
      } else {
        this.cache.addPod(podInfoOf(pod, nodeName, this.priorities.priorityOf(pod)));
      }
      return;
    }
    if (!this.responsibleFor(pod)) {
      this.forgetPending(uid);
      this.nominator.remove(uid);
      return;
    }
    this.pending.set(uid, pod);
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      if (this.nominator.nodeFor(uid) !== nominated) this.nominator.set(podInfoOf(pod, '', this.priorities.priorityOf(pod)), nominated);
    } else if (ev.oldObject?.status?.nominatedNodeName) {
      this.nominator.remove(uid); // someone cleared the nomination
    }
    if (this.binding.has(uid)) return;
    const waiting = this.queue.entry(uid);
    if (waiting) {
      // Our own status writes come back as MODIFIED: only a changed spec or labels is news.
      if (ev.oldObject && specOrLabelsChanged(ev.oldObject, pod)) this.queue.activateWithBackoff(waiting);
      return;
    }
    if (!this.queue.has(uid)) {
      const created = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : undefined;
      this.queue.addActive(this.queue.newEntry(uid, this.priorities.priorityOf(pod), created));
    }
  }

  private responsibleFor(pod: Pod): boolean {
    if ((pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== this.name) return false;
    if (pod.metadata.deletionTimestamp) return false;
    if (isTerminal(pod)) return false;
    // Scheduling gates hold a pod back until they are removed.
    if ((pod.spec as { schedulingGates?: unknown[] } | undefined)?.schedulingGates?.length) return false;
    return true;
  }

  private forgetPending(uid: string): void {
    if (!this.pending.delete(uid)) return;
    this.queue.remove(uid);
  }

  private scheduleFlush(): void {
    this.flushTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.queue.flushLeftover(this.cfg.podMaxInUnschedulableMs);
      this.scheduleFlush();
    }, this.cfg.flushIntervalMs);
  }

  // ---- the scheduling loop ---------------------------------------------------

  private kick(): void {
    if (this.looping || !this.running) return;
    this.looping = true;
    // Start on a microtask, so a burst of arrivals (the watch replay, a flush) is ordered by priority first.
    queueMicrotask(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      let n = 0;
      while (this.running && this.queue.readySize > 0) {
        if (this.binding.size >= this.cfg.maxInFlightBinds) {
          await new Promise<void>((r) => this.slotWaiters.push(r));
          continue;
        }
        const qp = this.queue.pop();
        if (!qp) break;
        const pod = this.pending.get(qp.uid);
        if (!pod) continue;
        if (this.onCycle) {
          const t0 = performance.now();
          this.scheduleOne(qp, pod);
          this.onCycle(performance.now() - t0);
        } else {
          this.scheduleOne(qp, pod);
        }
        // Let watch deliveries, binding writes and I/O through on long queues.
        if (++n % 64 === 0) await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.looping = false;
      this.checkIdle();
    }
  }

  private numFeasibleNodesToFind(numAll: number): number {
    let pct = this.cfg.percentageOfNodesToScore;
    if (numAll < MIN_FEASIBLE_NODES_TO_FIND || pct >= 100) return numAll;
    if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.floor(numAll / 125));
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numAll * pct) / 100));
  }

  /** The filters, with the pods nominated to the node (of priority ≥ the pod's) counted as running there. */
  private filterNode = (ctx: PodContext, ni: NodeInfo): FilterFailure | undefined =>
    this.nominator.size ? this.nominator.withNominated(ni, ctx.info.priority, ctx.info.uid, () => runFilters(ctx, ni, this.cache)) : runFilters(ctx, ni, this.cache);

  /** One scheduling cycle: prefilter, filter, score, assume, then bind asynchronously; preempt when nothing fits. */
  private scheduleOne(qp: QueuedPod, pod: Pod): void {
    qp.attempts++;
    qp.lastAttemptAt = this.clock.now();
    const prio = this.priorities.resolve(pod);
    if (prio.error) {
      this.markUnschedulable(qp, pod, prio.error);
      return;
    }
    qp.priority = prio.priority;
    const nodes = this.cache.nodes();
    const numAll = nodes.length;
    const vol = volumePreFilter(pod, this.volumeLookup);
    const ctx = podContext(pod, (ns) => this.api.get('Namespace', '', ns)?.metadata.labels, prio.priority, vol.ok ? vol.volumes : undefined);
    if (numAll === 0) {
      this.markUnschedulable(qp, pod, fitErrorMessage(0, []));
      return;
    }
    if (!vol.ok) {
      // A PreFilter rejection holds for every node; preemption cannot help.
      const failure: FilterFailure = { plugin: 'VolumeBinding', reasons: [vol.message], unresolvable: true };
      this.failScheduling(qp, pod, ctx, prio, numAll, nodes.map((node) => ({ node, failure })), vol.message);
      return;
    }
    // A nominated node (where preemption made room) is tried first, alone.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.cache.node(nominated);
      if (ni?.node && !this.filterNode(ctx, ni)) {
        this.assumeAndBind(qp, pod, ctx, ni, prio);
        return;
      }
    }
    const toFind = this.numFeasibleNodesToFind(numAll);
    const feasible: NodeInfo[] = [];
    const failures: NodeFailure[] = [];
    let processed = 0;
    for (; processed < numAll && feasible.length < toFind; processed++) {
      const ni = nodes[(this.nextStartNodeIndex + processed) % numAll];
      const f = this.filterNode(ctx, ni);
      if (f) failures.push({ node: ni, failure: f });
      else feasible.push(ni);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % numAll;
    if (feasible.length === 0) {
      this.failScheduling(qp, pod, ctx, prio, numAll, failures);
      return;
    }
    let host = feasible[0];
    if (feasible.length > 1) {
      const scores = scoreNodes(ctx, feasible, this.cache);
      let best = -1;
      let ties = 0;
      for (let i = 0; i < feasible.length; i++) {
        if (scores[i] > best) {
          best = scores[i];
          host = feasible[i];
          ties = 1;
        } else if (scores[i] === best) {
          ties++;
          if (this.random() * ties < 1) host = feasible[i]; // reservoir sampling among the best
        }
      }
    }
    this.assumeAndBind(qp, pod, ctx, host, prio);
  }

  private assumeAndBind(qp: QueuedPod, pod: Pod, ctx: PodContext, host: NodeInfo, prio: ResolvedPriority): void {
    const info = podInfoOf(pod, host.name, prio.priority);
    this.nominator.remove(qp.uid);
    this.cache.addPod(info); // assume
    this.binding.add(qp.uid);
    const plan = preBindPlan(ctx.volumes, host) ?? { provision: [], bindings: [], waitFor: [] };
    this.track(this.bind(qp, pod, host.name, prio, plan));
  }

  /** PostFilter: try preemption, then record the failure (and the nomination) on the pod. */
  private failScheduling(qp: QueuedPod, pod: Pod, ctx: PodContext, prio: ResolvedPriority, numAll: number, failures: NodeFailure[], preFilterMsg?: string): void {
    const r = preempt({
      ctx,
      preemptionPolicy: prio.preemptionPolicy,
      nominatedNodeName: pod.status?.nominatedNodeName,
      numAllNodes: numAll,
      failures,
      cache: this.cache,
      filter: this.filterNode,
      random: this.random,
    });
    if (r.nominatedNodeName) {
      this.nominator.set(ctx.info, r.nominatedNodeName);
      this.preemptVictims(pod, r.nominatedNodeName, r.victims, prio.priority);
    } else if (r.nominatedNodeName === '') {
      this.nominator.remove(qp.uid);
    }
    this.markUnschedulable(qp, pod, fitErrorMessage(numAll, failures, preFilterMsg, r.message), r.nominatedNodeName);
  }

  /** prepareCandidate: mark each victim DisruptionTarget, delete it gracefully, record `Preempted`; drop lower nominations on the node. */
  private preemptVictims(preemptor: Pod, nodeName: string, victims: PodInfo[], priority: number): void {
    const schedulerName = preemptor.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    for (const v of victims) {
      const cur = this.api.get('Pod', v.namespace, v.name);
      if (!cur || cur.metadata.uid !== v.uid || cur.metadata.deletionTimestamp) continue;
      this.stats.preempted++;
      this.track(this.preemptOne(cur, preemptor, nodeName, schedulerName));
    }
    for (const p of this.nominator.forNode(nodeName)) {
      if (p.priority >= priority || p.uid === preemptor.metadata.uid) continue;
      this.nominator.remove(p.uid);
      const pending = this.pending.get(p.uid);
      if (pending) this.track(this.setNominatedNode(pending, ''));
      this.queue.moveAllToActive((uid) => uid === p.uid); // let it look for another place now
    }
  }

  private async preemptOne(victim: Pod, preemptor: Pod, nodeName: string, schedulerName: string): Promise<void> {
    const ns = victim.metadata.namespace ?? 'default';
    const name = victim.metadata.name ?? '';
    try {
      await this.api.modify<Pod>('Pod', ns, name, (p) => {
        if (p.metadata.uid !== victim.metadata.uid) return undefined;
        p.status = p.status ?? {};
        p.status.conditions = setCondition(p.status.conditions, {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByScheduler',
          message: `${schedulerName}: preempting to accommodate a higher priority pod`,
          lastProbeTime: null,
          lastTransitionTime: rfc3339(this.clock.now()),
        }, this.clock.now());
      }, { status: true });
      await this.api.delete('Pod', ns, name, { preconditions: { uid: victim.metadata.uid } });
      await this.recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${nodeName}`);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      schedulerLog.warn(`preempting pod ${ns}/${name} for ${preemptor.metadata.namespace}/${preemptor.metadata.name}`, e);
      // The preemptor retries (and may preempt again) on its next attempt.
      this.queue.moveAllToActive((uid) => uid === preemptor.metadata.uid);
    }
  }

  private async setNominatedNode(pod: Pod, node: string): Promise<void> {
    await this.api
      .modify<Pod>('Pod', pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', (p) => {
        if (p.metadata.uid !== pod.metadata.uid || p.spec?.nodeName || (p.status?.nominatedNodeName ?? '') === node) return undefined;
        p.status = p.status ?? {};
        if (node) p.status.nominatedNodeName = node;
        else delete p.status.nominatedNodeName;
      }, { status: true })
      .then(() => undefined, (e: unknown) => logWriteError(`nominating node ${node || '(none)'} for pod ${pod.metadata.namespace}/${pod.metadata.name}`, e));
  }

  private async bind(qp: QueuedPod, pod: Pod, nodeName: string, prio: ResolvedPriority, plan: PreBindPlan): Promise<void> {
    const uid = qp.uid;
    try {
      try {
        await this.preBindVolumes(pod, nodeName, plan);
      } catch (e) {
        if (e instanceof PodGone) throw notFound('Pod', pod.metadata.name ?? ''); // nothing to retry
        throw new PreBindError(`running PreBind plugin "VolumeBinding": binding volumes: ${(e as Error).message}`, { cause: e });
      }
      const bound = await this.bindPod(pod, nodeName, prio);
      this.stats.scheduled++;
      this.track(
        this.recorder.event(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`),
      );
    } catch (e) {
      // Forget the assumption unless the pod did get bound meanwhile.
      const cur = this.api.get('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (!cur?.spec?.nodeName && this.cache.hasPod(uid)) {
        this.cache.removePod(uid);
        this.queue.moveAllToActive();
      }
      if (!isStatusError(e, 'NotFound') && this.pending.has(uid)) {
        this.stats.bindErrors++;
        schedulerLog.warn(`binding pod ${pod.metadata.namespace}/${pod.metadata.name} to node ${nodeName} (retrying with back-off)`, e);
        if (e instanceof PreBindError) this.markSchedulerError(pod, e.message);
        this.queue.activateWithBackoff(qp, { error: true });
      }
    } finally {
      this.binding.delete(uid);
      this.slotWaiters.shift()?.();
    }
  }

  /**
   * VolumeBinding's PreBind: WaitForFirstConsumer claims to provision get the
   * selected-node annotation, claims an Available volume satisfies get it
   * pre-bound (claimRef), then wait until every claim is fully bound.
   */
  private async preBindVolumes(pod: Pod, nodeName: string, plan: PreBindPlan): Promise<void> {
    if (!plan.waitFor.length) return;
    for (const c of plan.provision) {
      await this.api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', c.metadata.namespace ?? 'default', c.metadata.name ?? '', (pvc) => {
        if (pvc.spec?.volumeName || pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== undefined) return undefined;
        pvc.metadata.annotations = { ...(pvc.metadata.annotations ?? {}), [SELECTED_NODE_ANNOTATION]: nodeName };
      });
    }
    for (const { claim, pv } of plan.bindings) {
      await this.api.modify<PersistentVolume>('PersistentVolume', '', pv.metadata.name ?? '', (v) => {
        const ref = v.spec.claimRef;
        if (ref?.uid) return undefined; // bound meanwhile: checkBindings tells whether to us
        if (ref && !(ref.name === claim.metadata.name && (ref.namespace ?? 'default') === claim.metadata.namespace)) return undefined;
        v.spec.claimRef = {
          kind: 'PersistentVolumeClaim',
          apiVersion: 'v1',
          namespace: claim.metadata.namespace,
          name: claim.metadata.name,
          uid: claim.metadata.uid,
          resourceVersion: claim.metadata.resourceVersion,
        };
        v.metadata.annotations = { ...(v.metadata.annotations ?? {}), [BOUND_BY_CONTROLLER]: 'yes' };
      });
    }
    await this.waitForVolumes(pod, nodeName, plan);
  }

  /** BindPodVolumes' wait, driven by watch events instead of a 1 s poll; gives up after volumeBindTimeoutMs. */
  private waitForVolumes(pod: Pod, nodeName: string, plan: PreBindPlan): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.volumeWaiters.delete(check);
        timer.cancel();
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        const cur = this.api.get('Pod', ns, name);
        if (!this.running || !cur || cur.metadata.uid !== pod.metadata.uid || cur.metadata.deletionTimestamp) {
          finish(new PodGone()); // pod does not exist any more (or the scheduler stops)
          return;
        }
        try {
          if (checkBindings(plan, nodeName, this.cache.node(nodeName)?.labels ?? {}, this.volumeLookup)) finish();
        } catch (e) {
          finish(e);
        }
      };
      const timer = this.clock.setTimeout(() => finish(new Error('context deadline exceeded')), this.cfg.volumeBindTimeoutMs);
      this.volumeWaiters.add(check);
      check();
      if (!settled) this.checkIdle();
    });
  }

  private wakeVolumeWaiters(): void {
    for (const check of [...this.volumeWaiters]) check();
  }

  /** A failure after the pod was assumed (handleSchedulingFailure with an error status): PodScheduled=False/SchedulerError. */
  private markSchedulerError(pod: Pod, message: string): void {
    this.track(
      this.api
        .modify<Pod>('Pod', pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', (p) => {
          if (p.metadata.uid !== pod.metadata.uid || p.spec?.nodeName) return undefined;
          p.status = p.status ?? {};
          p.status.phase = p.status.phase ?? 'Pending';
          p.status.conditions = setCondition(p.status.conditions, {
            type: 'PodScheduled',
            status: 'False',
            reason: 'SchedulerError',
            message,
            lastProbeTime: null,
            lastTransitionTime: rfc3339(this.clock.now()),
          }, this.clock.now());
        }, { status: true })
        .then(() => undefined, (e: unknown) => logWriteError(`recording the scheduler error of pod ${pod.metadata.namespace}/${pod.metadata.name}`, e)),
    );
    this.track(this.recorder.event(pod, 'Warning', 'FailedScheduling', message));
  }

  /**
   * The pods/binding subresource: nodeName and PodScheduled=True in one write.
   * A priority that came from a PriorityClass is written into spec.priority
   * (and priorityClassName/preemptionPolicy) as the Priority admission plugin
   * would have at create.
   */
  private async bindPod(pod: Pod, nodeName: string, prio: ResolvedPriority): Promise<Pod> {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    for (let attempt = 0; ; attempt++) {
      const cur = this.api.get('Pod', ns, name);
      if (!cur || cur.metadata.uid !== pod.metadata.uid) throw notFound('Pod', name);
      if (cur.spec?.nodeName) return cur;
      if (cur.metadata.deletionTimestamp) throw notFound('Pod', name);
      // New objects only along the paths that change: the store copies what it is given, so a deep clone here was a second copy of every pod.
      const next: Pod = {
        ...cur,
        spec: { ...cur.spec, nodeName },
        status: {
          ...(cur.status ?? {}),
          conditions: setCondition(cur.status?.conditions, {
            type: 'PodScheduled',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: rfc3339(this.clock.now()),
          }, this.clock.now()),
        },
      };
      if (prio.className && typeof next.spec.priority !== 'number') {
        next.spec.priority = prio.priority;
        next.spec.priorityClassName = prio.className;
        next.spec.preemptionPolicy ??= prio.preemptionPolicy;
      }
      try {
        return await this.api.store.update(next);
      } catch (e) {
        if (attempt < 5 && isStatusError(e, 'Conflict')) continue;
        throw e;
      }
    }
  }

  /** Records PodScheduled=False with the message; `nominatedNodeName` sets ('' clears) the nomination, undefined keeps it. */
  private markUnschedulable(qp: QueuedPod, pod: Pod, message: string, nominatedNodeName?: string): void {
    this.stats.unschedulable++;
    this.queue.addUnschedulable(qp);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominationChanges = nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNodeName;
    if (nominationChanges || !(cond && cond.status === 'False' && cond.reason === 'Unschedulable' && cond.message === message)) {
      this.track(
        this.api
          .modify<Pod>(
            'Pod',
            pod.metadata.namespace ?? 'default',
            pod.metadata.name ?? '',
            (p) => {
              if (p.metadata.uid !== pod.metadata.uid || p.spec?.nodeName) return undefined;
              p.status = p.status ?? {};
              p.status.phase = p.status.phase ?? 'Pending';
              if (nominatedNodeName) p.status.nominatedNodeName = nominatedNodeName;
              else if (nominatedNodeName === '') delete p.status.nominatedNodeName;
              p.status.conditions = setCondition(p.status.conditions, {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message,
                lastProbeTime: null,
                lastTransitionTime: rfc3339(this.clock.now()),
              }, this.clock.now());
            },
            { status: true },
          )
          .then(() => undefined, (e: unknown) => logWriteError(`recording pod ${pod.metadata.namespace}/${pod.metadata.name} unschedulable`, e)),
      );
    }
    this.track(this.recorder.event(pod, 'Warning', 'FailedScheduling', message));
  }

  private track(p: Promise<unknown>): void {
    this.ops++;
    void p.finally(() => {
      this.ops--;
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }
}

/** A VolumeBinding PreBind failure, reported like kube-scheduler's binding-cycle errors. */
class PreBindError extends Error {}

/** The pod went away (or the scheduler stopped) while PreBind waited. */
class PodGone extends Error {}

const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

function usesClaims(pod: Pod | undefined): boolean {
  return !!pod?.spec?.volumes?.some((v) => v.persistentVolumeClaim);
}

function specOrLabelsChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels);
}

/** Heartbeat-only node updates (condition timestamps) must not wake the unschedulable pool. */
function schedulingRelevantChange(a: Node | undefined, b: Node): boolean {
  if (!a) return true;
  if (JSON.stringify(a.spec) !== JSON.stringify(b.spec)) return true;
  if (JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels)) return true;
  if (JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable)) return true;
  const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return ready(a) !== ready(b);
}

/** Errors no Event reports (a status write that failed): the engine's log. */
const schedulerLog = logger('scheduler');

/** A status write the scheduler makes on the side: a pod that went away meanwhile is no error. */
function logWriteError(what: string, e: unknown): void {
  if (!isStatusError(e, 'NotFound')) schedulerLog.warn(what, e);
}
