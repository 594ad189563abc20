// The :sync view as a list: the text of syncLines (summary, files, objects,
// errors) with a SUSPENDED banner while the sync is suspended, and the line of
// each object, so a cursor can select one (d shows its diff). Plain data.
import type { SyncObjectLike, SyncStatusLike } from '../types.js';
import { syncLines } from './sync-lines.js';

export interface SyncViewRow {
  /** Index into `lines`. */
  line: number;
  obj: SyncObjectLike;
}

export interface SyncViewModel {
  lines: string[];
  rows: SyncViewRow[];
}

/** `SUSPENDED since …: …` — what the sync does while suspended, and how to resume. */
export function suspendedLines(s: SyncStatusLike | undefined): string[] {
  if (!s?.suspended) return [];
  return [
    `SUSPENDED${s.suspended.since ? ` since ${s.suspended.since}` : ''}: folder changes are not applied, drift is not healed, nothing is pruned. Press s to resume.`,
    '',
  ];
}

export function syncViewModel(s: SyncStatusLike | undefined): SyncViewModel {
  const banner = suspendedLines(s);
  const lines = [...banner, ...syncLines(s)];
  const rows: SyncViewRow[] = [];
  // syncLines prints each file, then its objects, in the status' order: find them in turn.
  let at = banner.length;
  for (const f of s?.files ?? []) {
    const fileLine = lines.findIndex((l, i) => i >= at && l.startsWith(`${f.file}  `));
    if (fileLine < 0) continue;
    at = fileLine + 1;
    for (const o of f.objects ?? []) {
      const id = `  ${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
      const i = lines.findIndex((l, k) => k >= at && (l === id || l.startsWith(`${id} `)));
      if (i < 0) continue;
      rows.push({ line: i, obj: o });
      at = i + 1;
    }
  }
  return { lines, rows };
}

/** The offset that keeps line `line` in a window of `height` lines. */
export function offsetFor(line: number, offset: number, height: number, total: number): number {
  let off = offset;
  if (line < off) off = line;
  if (line >= off + height) off = line - height + 1;
  return Math.max(0, Math.min(off, Math.max(0, total - height)));
}
