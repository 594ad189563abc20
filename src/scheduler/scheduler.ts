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
import type { Api } from '../api/api.js';
import { isStatusError, notFound } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import { clone, type Condition } from '../api/meta.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';
import type { Node } from '../api/types/node.js';
import type { Pod } from '../api/types/pod.js';
import type { Clock, Timer } from '../util/clock.js';
import { isTerminal, podInfoOf, SchedulerCache, type NodeInfo } from './cache.js';
import { fitErrorMessage, type NodeFailure } from './fit-error.js';
import { podContext } from './pod-context.js';
import { runFilters } from './plugins/filters.js';
import { scoreNodes } from './plugins/scores.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';

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
}

export class Scheduler {
  readonly name: string;
  readonly cache = new SchedulerCache();
  readonly stats: SchedulerStats = { scheduled: 0, unschedulable: 0, bindErrors: 0 };
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
    };
    this.queue = new SchedulingQueue({
      clock: this.clock,
      initialBackoffMs: this.cfg.podInitialBackoffMs,
      maxBackoffMs: this.cfg.podMaxBackoffMs,
      onActive: () => this.kick(),
    });
    this.recorder = new EventRecorder({ api: this.api, component: this.name });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // Nodes first, so the pods replayed next find them.
    this.watches.push(this.api.watch('Node', { resourceVersion: '0' }, (ev) => this.onNode(ev as WatchEvent<Node>)));
    this.watches.push(this.api.watch('Pod', { resourceVersion: '0' }, (ev) => this.onPod(ev as WatchEvent<Pod>)));
    this.scheduleFlush();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.flushTimer?.cancel();
    this.queue.close();
    await this.whenIdle();
  }

  /** Resolves when no pod is waiting in the active queue and no write is in flight (backoff and unschedulable pods wait for the clock or an event). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  isIdle(): boolean {
    return !this.looping && this.ops === 0 && (this.queue.activeSize === 0 || !this.running);
  }

  /** Pods waiting in the unschedulable pool (for tests and the UI). */
  unschedulableCount(): number {
    return this.queue.unschedulable.size;
  }

  // ---- events --------------------------------------------------------------

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
    if (ev.type === 'DELETED') {
      this.forgetPending(uid);
      if (this.cache.removePod(uid)) this.queue.moveAllToActive();
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.forgetPending(uid);
      if (isTerminal(pod)) {
        if (this.cache.removePod(uid)) this.queue.moveAllToActive();
      } else {
        this.cache.addPod(podInfoOf(pod, nodeName));
      }
      return;
    }
    if (!this.responsibleFor(pod)) {
      this.forgetPending(uid);
      return;
    }
    this.pending.set(uid, pod);
    if (this.binding.has(uid)) return;
    const waiting = this.queue.entry(uid);
    if (waiting) {
      // Our own status writes come back as MODIFIED: only a changed spec or labels is news.
      if (ev.oldObject && specOrLabelsChanged(ev.oldObject, pod)) this.queue.activateWithBackoff(waiting);
      return;
    }
    if (!this.queue.has(uid)) this.queue.addActive(this.queue.newEntry(uid, pod.spec?.priority ?? 0));
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
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      let n = 0;
      while (this.running && this.queue.activeSize > 0) {
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

  /** One scheduling cycle: filter, score, assume, then bind asynchronously. */
  private scheduleOne(qp: QueuedPod, pod: Pod): void {
    const ctx = podContext(pod, (ns) => this.api.get('Namespace', '', ns)?.metadata.labels);
    const nodes = this.cache.nodes();
    const numAll = nodes.length;
    const toFind = this.numFeasibleNodesToFind(numAll);
    const feasible: NodeInfo[] = [];
    const failures: NodeFailure[] = [];
    let processed = 0;
    for (; processed < numAll && feasible.length < toFind; processed++) {
      const ni = nodes[(this.nextStartNodeIndex + processed) % numAll];
      const f = runFilters(ctx, ni, this.cache);
      if (f) failures.push({ node: ni, failure: f });
      else feasible.push(ni);
    }
    this.nextStartNodeIndex = numAll ? (this.nextStartNodeIndex + processed) % numAll : 0;
    qp.attempts++;
    qp.lastAttemptAt = this.clock.now();
    if (feasible.length === 0) {
      this.markUnschedulable(qp, pod, fitErrorMessage(ctx, numAll, failures));
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
    const info = podInfoOf(pod, host.name);
    this.cache.addPod(info); // assume
    this.binding.add(qp.uid);
    this.track(this.bind(qp, pod, host.name));
  }

  private async bind(qp: QueuedPod, pod: Pod, nodeName: string): Promise<void> {
    const uid = qp.uid;
    try {
      const bound = await this.bindPod(pod, nodeName);
      this.stats.scheduled++;
      this.track(
        this.recorder.event(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`),
      );
    } catch (e) {
      // Forget the assumption unless the pod did get bound meanwhile.
      const cur = this.api.get<Pod>('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (!cur?.spec?.nodeName && this.cache.hasPod(uid)) {
        this.cache.removePod(uid);
        this.queue.moveAllToActive();
      }
      if (!isStatusError(e, 'NotFound') && this.pending.has(uid)) {
        this.stats.bindErrors++;
        this.queue.activateWithBackoff(qp);
      }
    } finally {
      this.binding.delete(uid);
      this.slotWaiters.shift()?.();
    }
  }

  /** The pods/binding subresource: nodeName and PodScheduled=True in one write. */
  private async bindPod(pod: Pod, nodeName: string): Promise<Pod> {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    for (let attempt = 0; ; attempt++) {
      const cur = this.api.get<Pod>('Pod', ns, name);
      if (!cur || cur.metadata.uid !== pod.metadata.uid) throw notFound('Pod', name);
      if (cur.spec?.nodeName) return cur;
      if (cur.metadata.deletionTimestamp) throw notFound('Pod', name);
      const next = clone(cur);
      next.spec.nodeName = nodeName;
      next.status = next.status ?? {};
      next.status.conditions = setCondition(next.status.conditions, {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(this.clock.now()),
      });
      try {
        return await this.api.store.update(next);
      } catch (e) {
        if (attempt < 5 && isStatusError(e, 'Conflict')) continue;
        throw e;
      }
    }
  }

  private markUnschedulable(qp: QueuedPod, pod: Pod, message: string): void {
    this.stats.unschedulable++;
    this.queue.addUnschedulable(qp);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (!(cond && cond.status === 'False' && cond.reason === 'Unschedulable' && cond.message === message)) {
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
              p.status.conditions = setCondition(p.status.conditions, {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message,
                lastProbeTime: null,
                lastTransitionTime: rfc3339(this.clock.now()),
              });
            },
            { status: true },
          )
          .then(() => undefined, () => undefined),
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

/** Replaces the condition of the same type, keeping lastTransitionTime when the status did not change. */
export function setCondition(conds: Condition[] | undefined, c: Condition): Condition[] {
  const list = [...(conds ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  if (i < 0) return [...list, c];
  const old = list[i];
  list[i] = { ...c, lastTransitionTime: old.status === c.status ? (old.lastTransitionTime ?? c.lastTransitionTime) : c.lastTransitionTime };
  return list;
}

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
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
