// The unschedulable message, as the scheduler's FitError and DefaultPreemption
// write it (Kubernetes 1.32):
//   0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.
//   preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.
// Reasons are counted per node and sorted as strings "<count> <reason>". A
// PreFilter rejection (e.g. a missing claim) replaces the per-node histogram.
// The preemption part is whatever PostFilter reported; it is absent when
// preemption found a node (the pod then waits for its victims to go).
import type { NodeInfo } from './cache.js';
import type { FilterFailure } from './plugins/filters.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

export interface NodeFailure {
  node: NodeInfo;
  failure: FilterFailure;
}

export function fitErrorMessage(numAllNodes: number, failures: NodeFailure[], preFilterMsg?: string, postFilterMsg?: string): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) {
    msg += ` ${preFilterMsg}.`;
  } else {
    const filterMsg = histogram(failures.flatMap((f) => f.failure.reasons));
    if (filterMsg) msg += ` ${filterMsg}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}
