// The backup of the last state that loaded cleanly: `<file>.bak`, a copy of
// the snapshot as it loaded, and `<file>.bak.journal`, a copy of the journal
// replayed over it (when there was one). Together they are a state folder's
// pair of files: `--state <file>.bak` opens exactly the state that loaded.
// Copies (reflinks where the file system has them), never re-encoded, so
// taking the backup costs a file copy however large the state is; and never
// hard links — an in-place edit of the state file must not reach the backup.
//
// Any snapshot with any journal either replays to a consistent state or is
// refused (replay applies only records newer than the snapshot, and refuses a
// journal whose base is newer), and the order below keeps even a crash
// half-way through the backup from pairing files of two different states:
// the old journal copy goes first, then the snapshot is replaced, then the
// new journal copy is written.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { copyFileAtomic, fsyncDir } from './atomic-file.js';
import { journalPathFor } from './journal-format.js';

export interface BackupFiles {
  /** The state file and its journal. */
  file: string;
  journalFile: string;
  /** `<file>.bak`; its journal copy is `<file>.bak.journal`. */
  backupFile: string;
}

/** `<backup>.journal`: the journal copy that goes with a backup. */
export function backupJournalFor(backupFile: string): string {
  return journalPathFor(backupFile);
}

/** Copies what just loaded (`snapshot`: the state file exists; `journal`: its journal exists, torn tail already cut) to the backup. */
export async function backUpLoadedState(f: BackupFiles, has: { snapshot: boolean; journal: boolean }): Promise<void> {
  const bakJournal = backupJournalFor(f.backupFile);
  await rm(bakJournal, { force: true });
  if (has.snapshot) await copyFileAtomic(f.file, f.backupFile);
  else await rm(f.backupFile, { force: true });
  await fsyncDir(dirname(f.backupFile));
  if (has.journal) await copyFileAtomic(f.journalFile, bakJournal);
}
