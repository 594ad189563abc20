// Shared by the journal and compaction tests: a "crash image" is a copy of a
// state folder taken while its kubeterm is still running, exactly as kill -9
// at that instant would leave it (minus the lock, whose owner is this very
// process and alive; a real kill leaves a stale lock that is taken over, which
// test/faults/kill9.test.ts covers).
import { cpSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

export function crashImage(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (src) => !basename(src).endsWith('.lock') });
}

/** The journal's lines (without the final newline's empty tail). */
export function journalLines(file: string): string[] {
  const text = readFileSync(`${file}.journal`, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
