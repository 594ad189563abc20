// Durations as kubectl prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration):
// two significant units at most, so columns stay narrow: 45s, 5m10s, 3h12m, 2d4h, 12d, 2y3d.
// Shared by the API server's tables and the UI's columns.

/**
 * `ms` is a duration; a negative one (a time in the future) prints `0s` until
 * it reaches `invalidFromMs` into the future, then `<invalid>`. kubectl's
 * threshold is 2 s (whole seconds below -1).
 */
export function humanDuration(ms: number, invalidFromMs = 2000): string {
  if (ms <= -invalidFromMs) return '<invalid>';
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
