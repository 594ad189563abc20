// The unschedulable message, as the scheduler's FitError and DefaultPreemption
// write it (Kubernetes 1.32):
//   0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.
//   preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.
// Reasons are counted per node and sorted as strings "<count> <reason>".
import type { NodeInfo } from './cache.js';
import type { FilterFailure } from './plugins/filters.js';
import type { PodContext } from './pod-context.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

export interface NodeFailure {
  node: NodeInfo;
  failure: FilterFailure;
}

export function fitErrorMessage(ctx: PodContext, numAllNodes: number, failures: NodeFailure[]): string {
  if (numAllNodes === 0) return 'no nodes available to schedule pods';
  const filterMsg = histogram(failures.flatMap((f) => f.failure.reasons));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (filterMsg) msg += ` ${filterMsg}.`;
  return `${msg} ${preemptionMessage(ctx, numAllNodes, failures)}`;
}

/**
 * kubeterm does not preempt; the message says what DefaultPreemption would have
 * found: nodes failing for reasons eviction cannot fix are "not helpful"; on the
 * others only lower-priority pods could be victims.
 */
function preemptionMessage(ctx: PodContext, numAllNodes: number, failures: NodeFailure[]): string {
  if (ctx.pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const per = failures.map((f) => (f.failure.unresolvable ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS));
  return `preemption: 0/${numAllNodes} nodes are available: ${histogram(per)}.`;
}
