// Score plugins of the default profile (each 0..100 per node after
// normalisation), combined with Kubernetes' default weights:
// NodeResourcesFit (least allocated) 1, NodeResourcesBalancedAllocation 1,
// NodeAffinity (preferred terms) 2, TaintToleration (PreferNoSchedule) 3,
// spreading of one owner's pods across nodes (as PodTopologySpread's system
// default on kubernetes.io/hostname) 2, InterPodAffinity (preferred terms) 2.
import type { NodeInfo, SchedulerCache } from '../cache.js';
import { nodeSelectorTermMatches } from '../match.js';
import type { PodContext } from '../pod-context.js';
import { tolerated } from '../taints.js';
import { termMatchesPod } from './filters.js';

export const MAX_NODE_SCORE = 100;

export const WEIGHTS = {
  leastAllocated: 1,
  balancedAllocation: 1,
  nodeAffinity: 2,
  taintToleration: 3,
  spread: 2,
  interPodAffinity: 2,
};

function leastPart(alloc: number, req: number): number {
  return alloc <= 0 || req > alloc ? 0 : Math.floor(((alloc - req) * MAX_NODE_SCORE) / alloc);
}

function fraction(alloc: number, req: number): number {
  return alloc <= 0 ? 1 : Math.min(1, req / alloc);
}

function leastAllocated(ctx: PodContext, ni: NodeInfo): number {
  const cpu = leastPart(ni.allocatable.milliCPU, ni.nonZeroRequested.milliCPU + ctx.info.nonZero.milliCPU);
  const mem = leastPart(ni.allocatable.memory, ni.nonZeroRequested.memory + ctx.info.nonZero.memory);
  return Math.floor((cpu + mem) / 2);
}

function balancedAllocation(ctx: PodContext, ni: NodeInfo): number {
  const c = fraction(ni.allocatable.milliCPU, ni.requested.milliCPU + ctx.info.requests.milliCPU);
  const m = fraction(ni.allocatable.memory, ni.requested.memory + ctx.info.requests.memory);
  const std = Math.abs(c - m) / 2;
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

/** Sum of the weights of the terms that some pod in the node's topology domain matches, once per matching pod. */
function preferredPodAffinity(ctx: PodContext, ni: NodeInfo, cache: SchedulerCache, terms: PodContext['preferredAffinity']): number {
  let w = 0;
  for (const wt of terms) {
    const key = wt.podAffinityTerm.topologyKey;
    const v = ni.labels[key];
    if (v === undefined) continue;
    const dom = key === 'kubernetes.io/hostname' ? [ni] : cache.nodes().filter((x) => x.labels[key] === v);
    for (const d of dom) for (const p of d.pods.values()) if (termMatchesPod(wt.podAffinityTerm, ctx.info.namespace, p, ctx.namespaceLabels)) w += wt.weight;
  }
  return w;
}

/** Scores every feasible node and returns the combined totals (same order). */
export function scoreNodes(ctx: PodContext, nodes: NodeInfo[], cache: SchedulerCache): number[] {
  const n = nodes.length;
  const total = new Array<number>(n).fill(0);
  const affinityRaw = new Array<number>(n).fill(0);
  const taintRaw = new Array<number>(n).fill(0);
  const spreadRaw = new Array<number>(n).fill(0);
  const podAffRaw = new Array<number>(n).fill(0);
  let maxAff = 0;
  let maxTaint = 0;
  let maxSpread = 0;
  let minPodAff = Infinity;
  let maxPodAff = -Infinity;
  const owner = ctx.info.ownerUid;
  for (let i = 0; i < n; i++) {
    const ni = nodes[i];
    total[i] += WEIGHTS.leastAllocated * leastAllocated(ctx, ni) + WEIGHTS.balancedAllocation * balancedAllocation(ctx, ni);
    let a = 0;
    for (const t of ctx.preferredNodeTerms) if (nodeSelectorTermMatches(t.preference, ni.name, ni.labels)) a += t.weight;
    affinityRaw[i] = a;
    maxAff = Math.max(maxAff, a);
    let t = 0;
    for (const taint of ni.taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(ctx.tolerations, taint)) t++;
    taintRaw[i] = t;
    maxTaint = Math.max(maxTaint, t);
    const s = owner ? (ni.ownerCounts.get(owner) ?? 0) : 0;
    spreadRaw[i] = s;
    maxSpread = Math.max(maxSpread, s);
    if (ctx.preferredAffinity.length || ctx.preferredAntiAffinity.length) {
      const w = preferredPodAffinity(ctx, ni, cache, ctx.preferredAffinity) - preferredPodAffinity(ctx, ni, cache, ctx.preferredAntiAffinity);
      podAffRaw[i] = w;
      minPodAff = Math.min(minPodAff, w);
      maxPodAff = Math.max(maxPodAff, w);
    }
  }
  for (let i = 0; i < n; i++) {
    if (maxAff > 0) total[i] += WEIGHTS.nodeAffinity * Math.floor((affinityRaw[i] * MAX_NODE_SCORE) / maxAff);
    // Fewer intolerable PreferNoSchedule taints, fewer pods of the same owner: higher score (reverse normalisation).
    total[i] += WEIGHTS.taintToleration * (maxTaint > 0 ? MAX_NODE_SCORE - Math.floor((taintRaw[i] * MAX_NODE_SCORE) / maxTaint) : MAX_NODE_SCORE);
    if (owner) total[i] += WEIGHTS.spread * (maxSpread > 0 ? MAX_NODE_SCORE - Math.floor((spreadRaw[i] * MAX_NODE_SCORE) / maxSpread) : MAX_NODE_SCORE);
    // InterPodAffinity: preferred affinity weights minus anti-affinity weights, min-max normalised.
    if (maxPodAff > minPodAff) total[i] += WEIGHTS.interPodAffinity * Math.floor(((podAffRaw[i] - minPodAff) * MAX_NODE_SCORE) / (maxPodAff - minPodAff));
  }
  return total;
}
