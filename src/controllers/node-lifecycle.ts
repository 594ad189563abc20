// The node lifecycle controller (kube-controller-manager's nodelifecycle, with
// its taint-based eviction manager): watches kubelet heartbeats — the node
// Lease's renewTime and the Ready condition's lastHeartbeatTime — and when a
// node has not been heard from for gracePeriodMs (nodeMonitorGracePeriod, 40 s)
// sets its conditions to Unknown ("Kubelet stopped posting node status.") and
// marks its pods not ready. Node readiness is mirrored into taints:
// Ready=Unknown → node.kubernetes.io/unreachable, Ready=False →
// node.kubernetes.io/not-ready (NoSchedule and NoExecute). Pods on a node with
// a NoExecute taint are deleted once their toleration runs out
// (tolerationSeconds; a pod without a toleration for these two taints gets the
// DefaultTolerationSeconds 300 s, as the admission plugin would have added).
// Recovery removes the taints.
//
// A simple timer loop: every monitorPeriodMs it reads nodes and leases from the
// store (cheap, in memory) and writes only what changed.
import { rfc3339 } from '../api/time.js';
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import type { Condition } from '../api/meta.js';
import type { Node, Taint } from '../api/types/node.js';
import type { Pod, Toleration } from '../api/types/pod.js';
import type { Clock, Timer } from '../util/clock.js';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const DEFAULT_TOLERATION_SECONDS = 300;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeLifecycleConfig {
  api: Api;
  clock: Clock;
  /** A node silent for longer than this is unreachable. Default 40 s. */
  gracePeriodMs?: number;
  /** How often nodes are checked and evictions considered. Default 5 s. */
  monitorPeriodMs?: number;
  /** Alias kept for the brief: a shorter period for taint-based eviction checks (default monitorPeriodMs). */
  evictionCheckMs?: number;
}

interface Observed {
  lease?: string;
  heartbeat?: string;
  probeAt: number;
}

function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * When (ms since epoch) a pod on a node with these NoExecute taints must go:
 * 0 = now (an untolerated taint), Infinity = never.
 */
export function evictionTime(pod: Pod, taints: Taint[]): number {
  let at = Infinity;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const added = Date.parse(taint.timeAdded ?? '') || 0;
    const matching = (pod.spec?.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    let seconds: number | undefined;
    if (matching.length === 0) {
      if (taint.key !== TAINT_UNREACHABLE && taint.key !== TAINT_NOT_READY) return 0;
      seconds = DEFAULT_TOLERATION_SECONDS;
    } else {
      // The shortest bounded toleration wins; any unbounded one tolerates forever.
      if (matching.some((t) => t.tolerationSeconds === undefined || t.tolerationSeconds === null)) continue;
      seconds = Math.min(...matching.map((t) => Math.max(0, t.tolerationSeconds!)));
    }
    at = Math.min(at, added + seconds * 1000);
  }
  return at;
}

export class NodeLifecycleController {
  private readonly api: Api;
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly periodMs: number;
  private readonly recorder: EventRecorder;
  private readonly observed = new Map<string, Observed>();
  private timer?: Timer;
  private running = false;
  private ticking?: Promise<void>;
  private idleWaiters: (() => void)[] = [];

  constructor(config: NodeLifecycleConfig) {
    if (!config?.api) throw new Error('NodeLifecycleController: api is required');
    if (!config.clock) throw new Error('NodeLifecycleController: clock is required');
    this.api = config.api;
    this.clock = config.clock;
    this.graceMs = config.gracePeriodMs ?? 40_000;
    this.periodMs = Math.min(config.monitorPeriodMs ?? 5000, config.evictionCheckMs ?? Infinity);
    this.recorder = new EventRecorder({ api: this.api, component: 'node-controller' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.whenIdle();
  }

  whenIdle(): Promise<void> {
    if (!this.ticking) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  isIdle(): boolean {
    return !this.ticking;
  }

  /** Runs one monitoring pass now (tests; also what the timer calls). */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.pass().finally(() => {
      this.ticking = undefined;
      const ws = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of ws) w();
    });
    return this.ticking;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      void this.tick();
      this.schedule();
    }, this.periodMs);
  }

  private async pass(): Promise<void> {
    const now = this.clock.now();
    const nodes = this.api.list('Node').items;
    const names = new Set(nodes.map((n) => n.metadata.name!));
    for (const k of [...this.observed.keys()]) if (!names.has(k)) this.observed.delete(k);
    for (const node of nodes) {
      try {
        await this.monitor(node, now);
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    }
    for (const node of this.api.list('Node').items) {
      const noExec = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
      if (noExec.length) await this.evictPods(node, noExec, this.clock.now());
    }
  }

  private async monitor(node: Node, now: number): Promise<void> {
    const name = node.metadata.name!;
    const lease = this.api.get('Lease', NODE_LEASE_NAMESPACE, name);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const leaseRenew = lease?.spec?.renewTime as string | undefined;
    const heartbeat = ready?.lastHeartbeatTime;
    let obs = this.observed.get(name);
    if (!obs) {
      obs = { lease: leaseRenew, heartbeat, probeAt: now };
      this.observed.set(name, obs);
    } else if (obs.lease !== leaseRenew || obs.heartbeat !== heartbeat) {
      obs.lease = leaseRenew;
      obs.heartbeat = heartbeat;
      obs.probeAt = now;
    }
    let readyStatus = ready?.status ?? 'Unknown';
    if (now - obs.probeAt > this.graceMs && readyStatus !== 'Unknown') {
      await this.markUnknown(node, now);
      readyStatus = 'Unknown';
    } else if (!ready && now - obs.probeAt > this.graceMs) {
      readyStatus = 'Unknown';
    }
    await this.reconcileTaints(name, readyStatus as Condition['status'], now);
  }

  private async markUnknown(node: Node, now: number): Promise<void> {
    const name = node.metadata.name!;
    const ts = rfc3339(now);
    const updated = await this.api.modify<Node>(
      'Node',
      '',
      name,
      (n) => {
        const conds = [...(n.status?.conditions ?? [])];
        for (const type of KUBELET_CONDITIONS) {
          const i = conds.findIndex((c) => c.type === type);
          const prev = i >= 0 ? conds[i] : undefined;
          const next: Condition = {
            type,
            status: 'Unknown',
            lastHeartbeatTime: prev?.lastHeartbeatTime,
            lastTransitionTime: ts,
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
          };
          if (!next.lastHeartbeatTime) delete next.lastHeartbeatTime;
          if (i >= 0) conds[i] = next;
          else conds.push(next);
        }
        n.status = { ...(n.status ?? {}), conditions: conds };
      },
      { status: true },
    );
    await this.recorder.event(updated ?? node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    // MarkPodsNotReady: the pods' Ready condition no longer holds.
    const pods = this.api.list('Pod', { filter: (p) => (p as Pod).spec?.nodeName === name }).items;
    for (const p of pods) {
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      try {
        await this.api.modify<Pod>(
          'Pod',
          p.metadata.namespace ?? 'default',
          p.metadata.name ?? '',
          (q) => {
            const conds = q.status?.conditions ?? [];
            const c = conds.find((x) => x.type === 'Ready');
            if (!c || c.status === 'False') return undefined;
            c.status = 'False';
            c.lastTransitionTime = ts;
            delete c.reason;
            delete c.message;
            return q;
          },
          { status: true },
        );
        await this.recorder.event(p, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    }
  }

  private async reconcileTaints(name: string, ready: Condition['status'], now: number): Promise<void> {
    const wantKey = ready === 'Unknown' ? TAINT_UNREACHABLE : ready === 'False' ? TAINT_NOT_READY : undefined;
    let recovered = false;
    await this.api.modify<Node>('Node', '', name, (n) => {
      const taints = n.spec?.taints ?? [];
      const keep = taints.filter((t) => (t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY) || t.key === wantKey);
      const next = [...keep];
      if (wantKey) {
        for (const effect of ['NoSchedule', 'NoExecute'] as const) {
          if (!next.some((t) => t.key === wantKey && t.effect === effect)) {
            next.push({ key: wantKey, effect, ...(effect === 'NoExecute' ? { timeAdded: rfc3339(now) } : {}) });
          }
        }
      }
      if (JSON.stringify(next) === JSON.stringify(taints)) return undefined;
      recovered = !wantKey && taints.some((t) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY);
      n.spec = { ...(n.spec ?? {}) };
      if (next.length) n.spec.taints = next;
      else delete n.spec.taints;
      return n;
    });
    if (recovered) {
      const node = this.api.get('Node', '', name);
      if (node) await this.recorder.event(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
    }
  }

  private async evictPods(node: Node, taints: Taint[], now: number): Promise<void> {
    const name = node.metadata.name!;
    const pods = this.api.list('Pod', { filter: (p) => (p as Pod).spec?.nodeName === name }).items;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      if (evictionTime(p, taints) > now) continue;
      try {
        await this.recorder.event(p, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${p.metadata.namespace}/${p.metadata.name}`);
        await this.api.delete('Pod', p.metadata.namespace ?? 'default', p.metadata.name ?? '', { preconditions: { uid: p.metadata.uid } });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    }
  }
}
