// A cluster autoscaler for simulated node pools, after kubernetes/autoscaler's
// cluster-autoscaler: every scan (10 s) it adds a node from a pool whose node
// shape would fit pods the scheduler left Pending for lack of resources
// (PodScheduled=False, reason Unschedulable, "Insufficient …"), up to the
// pool's max; and removes a node of a pool above its min once the node has
// been under 50 % requested (cpu and memory) for 10 minutes and its pods fit
// elsewhere — cordoning it, evicting its non-DaemonSet pods, then removing it.
// Node creation/removal is injected: the engine starts and stops simulated
// kubelets; nodes carry the label kubeterm.io/node-pool=<pool>.
import { evictPod } from '../api/eviction.js';
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { controllerRef, findCondition, type Condition, type KubeObject } from '../api/meta.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../api/quantity.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ControllerOptions, type ReconcileResult } from './controller.js';

export const NODE_POOL_LABEL = 'kubeterm.io/node-pool';
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

export interface NodePool {
  name: string;
  min: number;
  max: number;
  /** Allocatable of one node, as quantities. */
  cpu: string;
  memory: string;
  pods: number;
}

/**
 * Parses `--node-pool small:min=1,max=10,cpu=2,memory=4Gi[,pods=110]`.
 * Throws Error naming the flag, the field and the fix.
 */
export function parseNodePool(spec: string): NodePool {
  const flag = `--node-pool ${spec}`;
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new Error(`${flag}: expected <name>:min=N,max=N,cpu=Q,memory=Q (e.g. small:min=1,max=10,cpu=2,memory=4Gi)`);
  const name = spec.slice(0, colon).trim();
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new Error(`${flag}: pool name "${name}" must be a DNS label (lower-case letters, digits and '-')`);
  }
  const fields = new Map<string, string>();
  for (const part of spec.slice(colon + 1).split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`${flag}: "${part}" is not key=value`);
    const k = part.slice(0, eq).trim();
    if (!['min', 'max', 'cpu', 'memory', 'pods'].includes(k)) throw new Error(`${flag}: unknown field "${k}" (known: min, max, cpu, memory, pods)`);
    if (fields.has(k)) throw new Error(`${flag}: field "${k}" given twice`);
    fields.set(k, part.slice(eq + 1).trim());
  }
  const int = (k: string, dflt?: number): number => {
    const v = fields.get(k);
    if (v === undefined) {
      if (dflt !== undefined) return dflt;
      throw new Error(`${flag}: missing ${k}=<number>`);
    }
    if (!/^\d+$/.test(v)) throw new Error(`${flag}: ${k} must be a whole number, got "${v}"`);
    return Number(v);
  };
  const qty = (k: string): string => {
    const v = fields.get(k);
    if (v === undefined) throw new Error(`${flag}: missing ${k}=<quantity> (e.g. cpu=2, memory=4Gi)`);
    try {
      if (parseQuantity(v).nanos <= 0n) throw new Error('not positive');
    } catch {
      throw new Error(`${flag}: ${k} must be a positive quantity like ${k === 'cpu' ? '2 or 500m' : '4Gi'}, got "${v}"`);
    }
    return v;
  };
  const min = int('min', 0);
  const max = int('max');
  if (max < 1) throw new Error(`${flag}: max must be at least 1`);
  if (min > max) throw new Error(`${flag}: min (${min}) must not exceed max (${max})`);
  return { name, min, max, cpu: qty('cpu'), memory: qty('memory'), pods: int('pods', 110) };
}

export interface AutoscalerOptions {
  api: Api;
  clock: Clock;
  pools: NodePool[];
  /** Starts one node of the pool (labelled kubeterm.io/node-pool=<pool>); resolves once the Node object exists. */
  addNode(pool: NodePool): Promise<void>;
  /** Stops the node and deletes its Node object. */
  removeNode(name: string): Promise<void>;
  scanIntervalMs?: number;
  scaleDownUnneededMs?: number;
  utilizationThreshold?: number;
  /** How long a pod that triggered a scale-up is given to schedule before it may trigger another. */
  provisionWindowMs?: number;
}

interface Res {
  cpu: number; // millicores
  memory: number; // bytes
  pods: number;
}

export function podRequest(pod: KubeObject): Res {
  let cpu = 0;
  let memory = 0;
  for (const c of (pod.spec?.containers ?? []) as { resources?: { requests?: Record<string, string | number> } }[]) {
    const r = c.resources?.requests ?? {};
    if (r.cpu !== undefined) cpu += Number(quantityMilliValue(r.cpu));
    if (r.memory !== undefined) memory += Number(quantityValue(r.memory));
  }
  return { cpu, memory, pods: 1 };
}

function allocatable(node: KubeObject): Res {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpu: a.cpu !== undefined ? Number(quantityMilliValue(a.cpu)) : 0,
    memory: a.memory !== undefined ? Number(quantityValue(a.memory)) : 0,
    pods: a.pods !== undefined ? Number(quantityValue(a.pods)) : 110,
  };
}

export function poolShape(p: NodePool): Res {
  return { cpu: Number(quantityMilliValue(p.cpu)), memory: Number(quantityValue(p.memory)), pods: p.pods };
}

const fits = (need: Res, free: Res) => need.cpu <= free.cpu && need.memory <= free.memory && need.pods <= free.pods;
const minus = (a: Res, b: Res): Res => ({ cpu: a.cpu - b.cpu, memory: a.memory - b.memory, pods: a.pods - b.pods });

/** Pending pods the scheduler could not place for lack of resources. */
export function isUnschedulableForResources(pod: KubeObject): boolean {
  if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) return false;
  const c = findCondition<Condition>(pod.status?.conditions, 'PodScheduled');
  return c?.status === 'False' && c.reason === 'Unschedulable' && /Insufficient|Too many pods/.test(c.message ?? '');
}

const isTerminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isDaemonPod = (p: KubeObject) => controllerRef(p)?.kind === 'DaemonSet';

export function poolOf(node: KubeObject, pools: NodePool[]): NodePool | undefined {
  const label = node.metadata.labels?.[NODE_POOL_LABEL];
  return pools.find((p) => p.name === label) ?? pools.find((p) => node.metadata.name?.startsWith(`${p.name}-`));
}

/**
 * The scale-up plan: how many nodes of which pool the pending pods need
 * (first-fit onto fresh nodes of the smallest pool that fits each pod),
 * bounded by each pool's max.
 */
export function planScaleUp(pending: KubeObject[], pools: NodePool[], poolSizes: Map<string, number>): { pool: NodePool; add: number; pods: KubeObject[] }[] {
  const plan = new Map<string, { pool: NodePool; nodes: Res[]; pods: KubeObject[] }>();
  const bySize = [...pools].sort((a, b) => poolShape(a).cpu - poolShape(b).cpu || poolShape(a).memory - poolShape(b).memory);
  for (const pod of pending) {
    const need = podRequest(pod);
    let placed = false;
    for (const entry of plan.values()) {
      const i = entry.nodes.findIndex((free) => fits(need, free));
      if (i >= 0) {
        entry.nodes[i] = minus(entry.nodes[i], need);
        entry.pods.push(pod);
        placed = true;
        break;
      }
    }
    if (placed) continue;
    for (const pool of bySize) {
      const shape = poolShape(pool);
      if (!fits(need, shape)) continue;
      const entry = plan.get(pool.name) ?? { pool, nodes: [], pods: [] };
      if ((poolSizes.get(pool.name) ?? 0) + entry.nodes.length >= pool.max) continue;
      entry.nodes.push(minus(shape, need));
      entry.pods.push(pod);
      plan.set(pool.name, entry);
      break;
    }
  }
  return [...plan.values()].map((e) => ({ pool: e.pool, add: e.nodes.length, pods: e.pods }));
}

/** Requested share of the node: the larger of cpu and memory, as the autoscaler's utilization. */
export function nodeUtilization(node: KubeObject, pods: KubeObject[]): number {
  const alloc = allocatable(node);
  let cpu = 0;
  let memory = 0;
  for (const p of pods) {
    const r = podRequest(p);
    cpu += r.cpu;
    memory += r.memory;
  }
  return Math.max(alloc.cpu ? cpu / alloc.cpu : 0, alloc.memory ? memory / alloc.memory : 0);
}

const SCAN_KEY = 'cluster';

class AutoscalerController extends Controller {
  constructor(opts: ControllerOptions) {
    super(opts);
  }
  override start(): void {
    super.start();
    this.enqueue(SCAN_KEY);
  }
}

export function newClusterAutoscaler(opts: AutoscalerOptions): Controller {
  const { api, clock, pools } = opts;
  const scanMs = opts.scanIntervalMs ?? 10_000;
  const unneededMs = opts.scaleDownUnneededMs ?? 10 * 60_000;
  const threshold = opts.utilizationThreshold ?? 0.5;
  const provisionMs = opts.provisionWindowMs ?? 2 * 60_000;
  const recorder = new EventRecorder({ api, component: 'cluster-autoscaler' });
  const unneededSince = new Map<string, number>();
  const triggered = new Map<string, number>();
  const draining = new Set<string>();

  const scan = async (): Promise<void> => {
    const now = clock.now();
    const nodes = api.list('Node').items;
    const pods = api.list('Pod').items.filter((p) => !isTerminal(p));
    const podsOn = new Map<string, KubeObject[]>();
    for (const p of pods) if (p.spec?.nodeName) podsOn.set(p.spec.nodeName, [...(podsOn.get(p.spec.nodeName) ?? []), p]);
    const poolSizes = new Map<string, number>();
    for (const n of nodes) {
      const pool = poolOf(n, pools);
      if (pool) poolSizes.set(pool.name, (poolSizes.get(pool.name) ?? 0) + 1);
    }
    const free = new Map<string, Res>();
    for (const n of nodes) {
      if (n.spec?.unschedulable || draining.has(n.metadata.name!)) continue;
      let f = allocatable(n);
      for (const p of podsOn.get(n.metadata.name!) ?? []) f = minus(f, podRequest(p));
      free.set(n.metadata.name!, f);
    }

    // Scale up.
    for (const [uid, at] of triggered) if (at + provisionMs <= now) triggered.delete(uid);
    const pending = pods.filter((p) => isUnschedulableForResources(p) && !triggered.has(p.metadata.uid!));
    // Pods that fit where there is room now will be placed by the scheduler's next attempt.
    const needNodes = pending.filter((p) => {
      const need = podRequest(p);
      for (const [n, f] of free) {
        if (fits(need, f)) {
          free.set(n, minus(f, need));
          return false;
        }
      }
      return true;
    });
    let scaledUp = false;
    for (const step of planScaleUp(needNodes, pools, poolSizes)) {
      const before = poolSizes.get(step.pool.name) ?? 0;
      const after = before + step.add;
      const msg = `pod triggered scale-up: [{${step.pool.name} ${before}->${after} (max: ${step.pool.max})}]`;
      for (let i = 0; i < step.add; i++) await opts.addNode(step.pool);
      poolSizes.set(step.pool.name, after);
      scaledUp = true;
      for (const p of step.pods) {
        triggered.set(p.metadata.uid!, now);
        await recorder.event(p, 'Normal', 'TriggeredScaleUp', msg);
      }
    }
    for (const p of needNodes) {
      if (!triggered.has(p.metadata.uid!)) await recorder.event(p, 'Normal', 'NotTriggerScaleUp', `pod didn't trigger scale-up: ${pools.length} node pool(s) could not fit it or are at their max size`);
    }
    if (scaledUp || pending.length) {
      unneededSince.clear(); // no scale-down while the cluster is growing
      return;
    }

    // Scale down: one node at a time.
    for (const n of nodes) {
      const name = n.metadata.name!;
      const pool = poolOf(n, pools);
      if (!pool) continue;
      if (draining.has(name)) {
        const left = (podsOn.get(name) ?? []).filter((p) => !isDaemonPod(p));
        if (left.length) return; // still evicting
        await opts.removeNode(name);
        draining.delete(name);
        unneededSince.delete(name);
        await recorder.event(n, 'Normal', 'ScaleDown', `node ${name} removed by cluster autoscaler`);
        return;
      }
      const util = nodeUtilization(n, podsOn.get(name) ?? []);
      if (util >= threshold || (poolSizes.get(pool.name) ?? 0) <= pool.min) {
        unneededSince.delete(name);
        continue;
      }
      if (!unneededSince.has(name)) unneededSince.set(name, now);
    }
    for (const [name, since] of unneededSince) {
      if (since + unneededMs > now) continue;
      const node = nodes.find((x) => x.metadata.name === name);
      if (!node) {
        unneededSince.delete(name);
        continue;
      }
      const pool = poolOf(node, pools)!;
      if ((poolSizes.get(pool.name) ?? 0) <= pool.min) continue;
      const movable = (podsOn.get(name) ?? []).filter((p) => !isDaemonPod(p));
      if (movable.some((p) => !controllerRef(p))) continue; // a bare pod would be lost: not a candidate
      // Simulate: every movable pod must fit on another node.
      const room = new Map([...free].filter(([n]) => n !== name));
      const ok = movable.every((p) => {
        const need = podRequest(p);
        for (const [n, f] of room) {
          if (fits(need, f)) {
            room.set(n, minus(f, need));
            return true;
          }
        }
        return false;
      });
      if (!ok) continue;
      // As the cluster autoscaler: a node whose pods a PodDisruptionBudget would not let go is no candidate.
      const blocked = await firstBlockedEviction(movable);
      if (blocked) {
        await recorder.event(node, 'Normal', 'ScaleDownNotPossible', `node ${name} is not suitable for removal: ${blocked}`);
        continue;
      }
      await api.modify('Node', '', name, (o) => {
        o.spec = { ...(o.spec ?? {}), unschedulable: true, taints: [...(o.spec?.taints ?? []).filter((t: { key: string }) => t.key !== TO_BE_DELETED_TAINT), { key: TO_BE_DELETED_TAINT, value: String(Math.floor(now / 1000)), effect: 'NoSchedule' }] };
      });
      draining.add(name);
      await recorder.event(node, 'Normal', 'ScaleDown', 'marked the node as toBeDeleted/unschedulable');
      for (const p of movable) {
        try {
          await recorder.event(p, 'Normal', 'ScaleDown', 'deleting pod for node scale down');
          // Evicted, not deleted: PodDisruptionBudgets hold, as they do for the real autoscaler's drain.
          await evictPod(api, p.metadata.namespace ?? '', p.metadata.name ?? '');
        } catch (e) {
          if (isStatusError(e, 'NotFound')) continue;
          if (!isStatusError(e)) throw e;
          // A budget changed since the check: give the node back instead of half-draining it.
          await recorder.event(node, 'Warning', 'ScaleDownFailed', `failed to drain the node, aborting ScaleDown: pod ${p.metadata.namespace}/${p.metadata.name}: ${e.message}`);
          await api.modify('Node', '', name, (o) => {
            o.spec = { ...(o.spec ?? {}), unschedulable: false, taints: (o.spec?.taints ?? []).filter((t: { key: string }) => t.key !== TO_BE_DELETED_TAINT) };
          });
          draining.delete(name);
          return;
        }
      }
      return;
    }
  };

  /** The first pod a dry-run eviction refuses (a PodDisruptionBudget), as `pod ns/name: why`; undefined when all may go. */
  async function firstBlockedEviction(pods: KubeObject[]): Promise<string | undefined> {
    for (const p of pods) {
      try {
        await evictPod(api, p.metadata.namespace ?? '', p.metadata.name ?? '', { dryRun: true });
      } catch (e) {
        if (isStatusError(e, 'NotFound')) continue;
        if (isStatusError(e)) return `pod ${p.metadata.namespace}/${p.metadata.name}: ${e.message}`;
        throw e;
      }
    }
    return undefined;
  }

  return new AutoscalerController({
    name: 'cluster-autoscaler',
    api,
    clock,
    reconcile: async (): Promise<ReconcileResult> => {
      await scan();
      return { requeueAfterMs: scanMs };
    },
  });
}

/** Wiring: `clusterAutoscalerFactory({ pools, addNode, removeNode })` next to CONTROLLER_FACTORIES. */
export function clusterAutoscalerFactory(deps: Omit<AutoscalerOptions, 'api' | 'clock'>) {
  return (d: { api: Api; clock: Clock }): Controller => newClusterAutoscaler({ ...d, ...deps });
}
