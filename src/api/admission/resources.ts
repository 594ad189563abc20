// Pod resource totals as quota and limit ranges count them
// (resourcehelper.PodRequests/PodLimits): the sum over containers, raised to
// the largest init container where that is bigger, plus the pod overhead.
import { addQuantities, compareQuantities, parseQuantity, type Quantity } from '../quantity.js';
import type { KubeObject } from '../meta.js';

type List = Record<string, string | number>;

function sum(lists: (List | undefined)[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const l of lists) {
    for (const [k, v] of Object.entries(l ?? {})) out.set(k, out.has(k) ? addQuantities(out.get(k)!, v) : parseQuantity(v));
  }
  return out;
}

function podTotals(pod: KubeObject, field: 'requests' | 'limits'): Map<string, Quantity> {
  const spec = pod.spec ?? {};
  const total = sum(((spec.containers ?? []) as { resources?: Record<string, List> }[]).map((c) => c.resources?.[field]));
  for (const ic of (spec.initContainers ?? []) as { resources?: Record<string, List> }[]) {
    for (const [k, v] of Object.entries(ic.resources?.[field] ?? {})) {
      const cur = total.get(k);
      if (!cur || compareQuantities(v, cur) > 0) total.set(k, parseQuantity(v));
    }
  }
  for (const [k, v] of Object.entries((spec.overhead ?? {}) as List)) total.set(k, total.has(k) ? addQuantities(total.get(k)!, v) : parseQuantity(v));
  return total;
}

export function podRequests(pod: KubeObject): Map<string, Quantity> {
  return podTotals(pod, 'requests');
}

export function podLimits(pod: KubeObject): Map<string, Quantity> {
  return podTotals(pod, 'limits');
}

/** Terminal pods no longer count against quota. */
export function podCountsForQuota(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}
