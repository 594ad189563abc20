// What a pod asks of a node, computed as the scheduler's NodeResourcesFit does:
// the sum of the app containers' requests, or the largest init container's if
// that is bigger (init containers run one at a time), plus pod overhead.
// `nonZero` applies the scheduler's defaults for containers that request
// nothing (100m cpu, 200Mi memory) — used only for scoring, so that many
// request-less pods are still spread instead of piled onto one node.
import type { Container, Pod } from '../api/types/pod.js';
import { quantityMilliValue, quantityValue } from '../api/quantity.js';

/** Quantity.MilliValue (millicores); an unparseable quantity counts as 0 (validation rejects it on write). */
export function milliValue(q: string | number | undefined | null): number {
  if (q === undefined || q === null || q === '') return 0;
  try {
    return Number(quantityMilliValue(q));
  } catch {
    return 0;
  }
}

/** Quantity.Value (bytes, counts), rounded up. */
export function intValue(q: string | number | undefined | null): number {
  if (q === undefined || q === null || q === '') return 0;
  try {
    return Number(quantityValue(q));
  } catch {
    return 0;
  }
}

export interface Resources {
  milliCPU: number;
  memory: number;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container, nonZero: boolean): Resources {
  const req = c.resources?.requests ?? {};
  // Requests default to limits when only limits are given (apiserver defaulting).
  const lim = c.resources?.limits ?? {};
  const cpu = req.cpu ?? lim.cpu;
  const mem = req.memory ?? lim.memory;
  return {
    milliCPU: cpu === undefined ? (nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0) : milliValue(cpu),
    memory: mem === undefined ? (nonZero ? DEFAULT_MEMORY_REQUEST : 0) : intValue(mem),
  };
}

export function podRequests(pod: Pod, nonZero = false): Resources {
  const sum: Resources = { milliCPU: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    sum.milliCPU += r.milliCPU;
    sum.memory += r.memory;
  }
  // Sidecars (init containers with restartPolicy Always) keep running: they add up.
  let sidecars: Resources = { milliCPU: 0, memory: 0 };
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      sidecars = { milliCPU: sidecars.milliCPU + r.milliCPU, memory: sidecars.memory + r.memory };
      sum.milliCPU += r.milliCPU;
      sum.memory += r.memory;
    } else {
      sum.milliCPU = Math.max(sum.milliCPU, r.milliCPU + sidecars.milliCPU);
      sum.memory = Math.max(sum.memory, r.memory + sidecars.memory);
    }
  }
  const oh = pod.spec?.overhead;
  if (oh) {
    sum.milliCPU += milliValue(oh.cpu);
    sum.memory += intValue(oh.memory);
  }
  return sum;
}
