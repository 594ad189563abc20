// DefaultPreemption's decision (pkg/scheduler/framework/preemption and
// plugins/defaultpreemption), pure over the scheduler cache: when a pod fits
// nowhere, find nodes where evicting pods of strictly lower priority makes it
// fit, keep as many of those pods as still allow it (reprieve, most important
// first), and pick the node whose victims matter least. PodDisruptionBudgets
// are not considered. Carrying it out (DisruptionTarget condition, graceful
// delete, `Preempted` event, nominatedNodeName) is the scheduler's job.
import type { NodeInfo, PodInfo, SchedulerCache } from './cache.js';
import { histogram, NO_PREEMPTION_VICTIMS, PREEMPTION_NOT_HELPFUL, type NodeFailure } from './fit-error.js';
import type { FilterFailure } from './plugins/filters.js';
import type { PodContext } from './pod-context.js';
import type { PreemptionPolicy } from './priority.js';

const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;
const INT32_OFFSET = 2 ** 31;

export interface PreemptionInput {
  ctx: PodContext;
  preemptionPolicy: PreemptionPolicy;
  /** status.nominatedNodeName of the preemptor, if any. */
  nominatedNodeName?: string;
  numAllNodes: number;
  /** Every node's filter failure (the pod fitted nowhere). */
  failures: NodeFailure[];
  cache: SchedulerCache;
  /** The filters, with nominated pods counted. */
  filter: (ctx: PodContext, ni: NodeInfo) => FilterFailure | undefined;
  random: () => number;
}

export interface PreemptionResult {
  /** PostFilter's message ("preemption: …"); undefined when a node was found. */
  message?: string;
  /** The node to nominate; '' clears an earlier nomination; undefined leaves it as it is. */
  nominatedNodeName?: string;
  victims: PodInfo[];
}

/** util.MoreImportantPod: higher priority, then running longer. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startTime - b.startTime;
}

export function preempt(input: PreemptionInput): PreemptionResult {
  const { ctx, failures, cache } = input;
  const priority = ctx.info.priority;
  if (input.preemptionPolicy === 'Never') return { message: 'preemption: not eligible due to preemptionPolicy=Never.', victims: [] };

  // A pod whose earlier victims are still terminating waits for them instead of preempting more.
  const nom = input.nominatedNodeName;
  if (nom) {
    const nomFailure = failures.find((f) => f.node.name === nom)?.failure;
    const ni = cache.node(nom);
    if (ni?.node && !nomFailure?.unresolvable) {
      for (const p of ni.pods.values()) {
        if (p.priority < priority && p.terminatingByPreemption) {
          return { message: 'preemption: not eligible due to a terminating pod on the nominated node.', victims: [] };
        }
      }
    }
  }

  const potential = failures.filter((f) => !f.failure.unresolvable).map((f) => f.node);
  const statuses = new Map<string, string[]>();
  const candidates: { node: NodeInfo; victims: PodInfo[] }[] = [];
  if (potential.length && !cache.hasPodBelow(priority)) {
    // The common case (nothing of lower priority runs anywhere) without visiting a node.
    for (const ni of potential) statuses.set(ni.name, [NO_PREEMPTION_VICTIMS]);
  } else if (potential.length) {
    const n = potential.length;
    const want = Math.min(n, Math.max(Math.floor((n * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE));
    const offset = Math.floor(input.random() * n) % n;
    for (let i = 0; i < n && candidates.length < want; i++) {
      const ni = potential[(offset + i) % n];
      const r = selectVictimsOnNode(input, ni);
      if (r.victims) candidates.push({ node: ni, victims: r.victims });
      else statuses.set(ni.name, r.reasons);
    }
  }
  if (!candidates.length) {
    const reasons = failures.flatMap((f) => statuses.get(f.node.name) ?? [PREEMPTION_NOT_HELPFUL]);
    return {
      message: `preemption: 0/${input.numAllNodes} nodes are available: ${histogram(reasons)}.`,
      nominatedNodeName: '',
      victims: [],
    };
  }
  const best = pickOneNode(candidates);
  return { nominatedNodeName: best.node.name, victims: best.victims };
}

/** SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, give back as many as possible. */
function selectVictimsOnNode(input: PreemptionInput, ni: NodeInfo): { victims?: PodInfo[]; reasons: string[] } {
  const priority = input.ctx.info.priority;
  const potential = [...ni.pods.values()].filter((p) => p.priority < priority);
  if (!potential.length) return { reasons: [NO_PREEMPTION_VICTIMS] };
  for (const p of potential) ni.remove(p.uid);
  try {
    const f = input.filter(input.ctx, ni);
    if (f) return { reasons: f.reasons };
    potential.sort(moreImportant);
    const victims: PodInfo[] = [];
    for (const p of potential) {
      ni.add(p);
      if (input.filter(input.ctx, ni)) {
        ni.remove(p.uid);
        victims.push(p);
      }
    }
    return { victims, reasons: [] };
  } finally {
    for (const p of potential) if (!ni.pods.has(p.uid)) ni.add(p);
  }
}

/** pickOneNodeForPreemption without PDBs: lowest highest-priority victim, lowest priority sum, fewest victims, latest start. */
function pickOneNode<T extends { victims: PodInfo[] }>(candidates: T[]): T {
  const scores: ((c: T) => number)[] = [
    (c) => -c.victims[0].priority,
    (c) => -c.victims.reduce((s, p) => s + p.priority + INT32_OFFSET, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = c.victims[0].priority;
      let earliest = Infinity;
      for (const p of c.victims) if (p.priority === top && p.startTime < earliest) earliest = p.startTime;
      return earliest === Infinity ? Number.MAX_SAFE_INTEGER : earliest;
    },
  ];
  let all = candidates;
  for (const f of scores) {
    let max = -Infinity;
    let sel: T[] = [];
    for (const c of all) {
      const s = f(c);
      if (s > max) {
        max = s;
        sel = [c];
      } else if (s === max) sel.push(c);
    }
    if (sel.length === 1) return sel[0];
    all = sel;
  }
  return all[0];
}
