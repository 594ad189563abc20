// How the header and the :sync view say what the last write-through wrote,
// and where: `scale deployment/web to 5 → gitops/web.yaml:12`.
import type { LastWriteLike } from '../types.js';

/** Shown in the header this long after the write. */
export const LAST_WRITE_HEADER_MS = 120_000;

export function lastWriteText(w: LastWriteLike): string {
  const where = w.file ? ` → ${w.file}${w.line ? `:${w.line}` : ''}` : '';
  return `${w.message}${where}${w.commit ? ` (commit ${w.commit})` : ''}`;
}

/** The header's note, while the write is recent. */
export function recentWrite(w: LastWriteLike | undefined, now: number): string | undefined {
  if (!w) return undefined;
  const at = w.time ? Date.parse(w.time) : NaN;
  if (Number.isFinite(at) && now - at > LAST_WRITE_HEADER_MS) return undefined;
  return lastWriteText(w);
}
