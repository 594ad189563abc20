// Shared by the journal and compaction tests: a "crash image" is a copy of a
// state folder taken while its kubeterm is still running, exactly as kill -9
// at that instant would leave it (minus the lock, whose owner is this very
// process and alive; a real kill leaves a stale lock that is taken over, which
// test/faults/kill9.test.ts covers).
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * File by file: a temp file the running store renames away between the listing
 * and its copy is skipped, as a kill -9 just after that rename would leave the
 * folder (a whole-folder copy would fail with ENOENT instead).
 */
export function crashImage(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.endsWith('.lock')) continue;
    const src = join(from, entry.name);
    if (entry.isDirectory()) {
      crashImage(src, join(to, entry.name));
      continue;
    }
    try {
      copyFileSync(src, join(to, entry.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** The journal's lines (without the final newline's empty tail). */
export function journalLines(file: string): string[] {
  const text = readFileSync(`${file}.journal`, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
