// Ages as kubectl prints them; the format itself lives in src/api/duration.ts (shared with the API server's tables).
import { humanDuration as kubectlDuration } from '../../src/api/duration.js';

/**
 * How far in the future a time may be and still print `0s`. kubectl prints
 * `<invalid>` from 2 s on, but here the screen's `now` can lag a fresh object
 * by a frame and the embedded cluster's clock may run slightly ahead: only a
 * time clearly in the future (clock skew beyond this) is `<invalid>`.
 */
export const FUTURE_TOLERANCE_MS = 5000;

/** kubectl's HumanDuration with the UI's tolerance for times slightly in the future. */
export function humanDuration(ms: number): string {
  return kubectlDuration(ms, FUTURE_TOLERANCE_MS);
}

/** Age of a timestamp relative to now, or `<unknown>` as kubectl prints for a missing time. */
export function age(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** Milliseconds since a timestamp (for sorting by age); missing times sort as youngest. */
export function ageMs(timestamp: string | undefined | null, now: number): number {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(t) ? -Infinity : now - t;
}
