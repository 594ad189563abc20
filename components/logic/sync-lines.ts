// The :sync view as text: the summary, then every file with its objects and
// errors. Reads the structural SyncStatusLike only.
import type { SyncStatusLike } from '../types.js';
import { lastWriteText } from './last-write.js';

export function syncLines(s: SyncStatusLike | undefined): string[] {
  if (!s) return ['No folder is being synced (start kubeterm with a folder: `kubeterm ./gitops`).'];
  const c = s.counts ?? {};
  const lines = [
    `Folder:    ${s.folder ?? ''}`,
    `Phase:     ${s.syncing ? 'Syncing' : s.phase ?? 'Unknown'}${s.dryRun ? ' (dry-run)' : ''}`,
    `Last sync: ${s.lastSyncTime ?? 'never'}${s.lastSyncMs !== undefined ? ` (${s.lastSyncMs}ms)` : ''}`,
    ...(s.revision ? [`Revision:  ${s.revision}`] : []),
    ...(s.writeThrough === false ? ['Keyboard:  live objects only (--no-write-through)'] : []),
    ...(s.lastWrite ? [`Last write: ${lastWriteText(s.lastWrite)}${s.lastWrite.time ? ` at ${s.lastWrite.time}` : ''}`] : []),
    `Applied ${c.applied ?? 0} · unchanged ${c.unchanged ?? 0} · pruned ${c.pruned ?? 0} · failed ${c.failed ?? 0}`,
    '',
  ];
  for (const f of s.files ?? []) {
    lines.push(`${f.file}  ${f.state ?? ''}`);
    for (const o of f.objects ?? []) {
      const id = `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
      lines.push(`  ${id.padEnd(40)} ${(o.state ?? '').padEnd(10)} ${(o.health?.status ?? '').padEnd(12)} ${o.message ?? o.lastAction ?? ''}`.trimEnd());
    }
    for (const e of f.errors ?? []) lines.push(`  ERROR ${e.line ? `line ${e.line}: ` : ''}${e.message ?? ''}`);
    for (const w of f.warnings ?? []) lines.push(`  WARNING ${w.line ? `line ${w.line}: ` : ''}${w.message ?? ''}`);
  }
  const fileErrors = new Set((s.files ?? []).flatMap((f) => f.errors ?? []));
  const loose = (s.errors ?? []).filter((e) => !fileErrors.has(e));
  if (loose.length && !(s.files ?? []).length) for (const e of loose) lines.push(`ERROR ${e.file ?? ''}${e.line ? `:${e.line}` : ''} ${e.message ?? ''}`);
  return lines;
}
