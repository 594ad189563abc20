// What a state file holds on disk right now, journal included, as stored
// (Secrets stay encrypted): for tests and tools that look at the files of a
// kubeterm that may still be running or was killed. It reads without the lock
// and never writes. The journal is read before the snapshot: a compaction in
// between then only makes the snapshot newer than some journal records, which
// replay skips by rv (reading the snapshot first could pair an old snapshot
// with a journal already cut, and miss what lay between).
import { readFileSync } from 'node:fs';
import { StateFileError } from './file-format.js';
import { journalPathFor, parseJournal, replayJournal, type ParsedJournal } from './journal-format.js';

export interface StoredObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface StateOnDisk {
  /** The snapshot's schema (undefined when there is no snapshot file yet). */
  schemaVersion?: number;
  resourceVersion: string;
  objects: StoredObject[];
  /** Sizes, in bytes (0 when absent). */
  snapshotBytes: number;
  journalBytes: number;
  /** A torn last journal line was ignored. */
  droppedLastLine: boolean;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Throws when the files do not parse (a snapshot that is not JSON, a journal damaged before its last line). */
export function readStateOnDisk(file: string, attempts = 5): StateOnDisk {
  for (let i = 1; ; i++) {
    const journalText = readIfExists(journalPathFor(file));
    const snapText = readIfExists(file);
    const doc = snapText === undefined ? undefined : (JSON.parse(snapText) as { schemaVersion?: number; resourceVersion?: string; objects?: StoredObject[] });
    const snapshot = { resourceVersion: doc?.resourceVersion ?? '0', objects: doc?.objects ?? [] };
    let parsed: ParsedJournal = { records: [], rv: 0, lines: 0, goodBytes: 0 };
    if (journalText !== undefined) parsed = parseJournal(journalText, journalPathFor(file));
    try {
      const r = replayJournal(snapshot, parsed, { state: file, journal: journalPathFor(file) }, (o) => o as StoredObject);
      return {
        schemaVersion: doc?.schemaVersion,
        resourceVersion: r.resourceVersion,
        objects: r.objects,
        snapshotBytes: snapText === undefined ? 0 : Buffer.byteLength(snapText),
        journalBytes: journalText === undefined ? 0 : Buffer.byteLength(journalText),
        droppedLastLine: !!parsed.dropped,
      };
    } catch (e) {
      // Not expected (see above), but a journal that does not continue the snapshot is worth a second look.
      if (!(e instanceof StateFileError) || i >= attempts) throw e;
    }
  }
}
