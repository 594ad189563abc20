// Ages as kubectl prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration):
// two significant units at most, so columns stay narrow: 45s, 5m10s, 3h12m, 2d4h, 12d, 2y3d.

/**
 * How far in the future a time may be and still print `0s`. kubectl prints
 * `<invalid>` from 2 s on, but here the screen's `now` can lag a fresh object
 * by a frame and the embedded cluster's clock may run slightly ahead: only a
 * time clearly in the future (clock skew beyond this) is `<invalid>`.
 */
export const FUTURE_TOLERANCE_MS = 5000;

export function humanDuration(ms: number): string {
  if (ms <= -FUTURE_TOLERANCE_MS) return '<invalid>';
  if (ms < 0) return '0s';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.floor(hours / 24 / 365);
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
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
