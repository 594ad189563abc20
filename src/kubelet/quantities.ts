// Quantity helpers for the kubelet: read limits and capacity through the
// shared parser (src/api/quantity.ts), and write node capacity the way the
// kubelet reports it (cpu in cores or millicores, memory in Ki).
import { quantityToNumber } from '../api/quantity.js';

/** The quantity as a number (cores, bytes, count); undefined when absent or unparseable. */
export function quantityValue(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null || q === '') return undefined;
  try {
    return quantityToNumber(q);
  } catch {
    return undefined;
  }
}

export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

export function formatMemory(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}Ki` : String(Math.round(bytes));
}
