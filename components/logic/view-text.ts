// Lines views show besides their content.
import type { Series } from '../hooks/use-metrics.js';
import { formatCpu, formatMemory } from './quantity.js';
import { sparkline } from './sparkline.js';

/** What a view of a kind the server no longer serves says (its CustomResourceDefinition was deleted). */
export function goneText(kind: string): string {
  return `the server doesn't have a resource type "${kind}" any more (its CustomResourceDefinition was deleted?): press esc to go back`;
}

/** CPU/memory now and their recent history, above a pod's or node's description. */
export function metricsLines(s: Series): string[] {
  const cpu = s.cpu.at(-1);
  const mem = s.memory.at(-1);
  if (cpu === undefined || mem === undefined) return [];
  return [`CPU:  ${formatCpu(cpu).padEnd(8)} ${sparkline(s.cpu, 30)}`, `MEM:  ${formatMemory(mem).padEnd(8)} ${sparkline(s.memory, 30)}`, ''];
}
