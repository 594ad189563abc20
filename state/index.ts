// Opening the durable store: take the lock, load the state file and replay
// its journal (or start empty when there is none), keep a backup of the last
// good state, and wire group-commit persistence into a MemoryStore.
//
// Start is kept to reading: the journal a crash left is continued as it is
// (compaction folds it in the background later) and the backup is a file
// copy of what loaded, so nothing is re-encoded before the engine can start.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { tempPathFor } from './atomic-file.js';
import { backupJournalFor, backUpLoadedState } from './backup.js';
import { EncryptionKeyError, keyFileFor, SecretCodec } from './encryption.js';
import { StateFileError, type ObjectCodec } from './file-format.js';
import { StateLock, type StateLockOptions } from './lock.js';
import { FilePersistence, type CompactionPolicy, type PersistenceStep } from './persistence.js';
import { MemoryStore } from './store.js';

export { MemoryStore, rfc3339, type MemoryStoreConfig } from './store.js';
export { FilePersistence, type PersistenceStats, type CompactionPolicy, type PersistenceStep, type LoadReport } from './persistence.js';
export { journalPathFor } from './journal-format.js';
export { objectJson } from './object-json.js';
export { readStateOnDisk, type StateOnDisk } from './disk-view.js';
export { StateFileError, SCHEMA_VERSION, type ObjectCodec, type StateFile } from './file-format.js';
export { StateLock, type LockInfo } from './lock.js';
export { EncryptionKeyError, SecretCodec, keyFileFor, ENCRYPTION_KEY_FILE } from './encryption.js';
export type { Persistence, StoreChange, StoreSnapshot } from './types.js';

export interface OpenStoreOptions {
  /** The state file; default defaultStatePath(). */
  file?: string;
  now?: () => number;
  newUid?: () => string;
  logSize?: number;
  /**
   * Per-object transform at rest. Default: Secrets encrypted with AES-256-GCM
   * under the key file beside the state file (see encryption.ts).
   */
  codec?: ObjectCodec;
  /** Where the encryption key lives; default `<state dir>/encryption-key`. Ignored when `codec` is given. */
  keyFile?: string;
  /** Lock behaviour overrides, for tests. */
  lock?: StateLockOptions;
  /** When the journal is folded into the snapshot (defaults in persistence.ts). */
  compaction?: CompactionPolicy;
  /** Non-fatal trouble (a torn last journal line dropped, a failed compaction). Default: stderr. */
  warn?: (message: string) => void;
  /** Crash-point hook, for tests. */
  onStep?: (step: PersistenceStep) => void;
  /** A commit larger than this many characters is written as several journal lines (default 8 Mi; tests). */
  maxJournalLineChars?: number;
}

export interface OpenedStore {
  store: MemoryStore;
  file: string;
  persistence: FilePersistence;
  /** The encryption key file in use (undefined when a custom codec was given). */
  keyFile?: string;
  /** Waits for pending writes, then releases the lock. */
  close(): Promise<void>;
}

/** `$XDG_STATE_HOME/kubeterm/state.json`, else `~/.local/state/kubeterm/state.json`. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(home, '.local', 'state');
  return join(base, 'kubeterm', 'state.json');
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  const file = resolve(opts.file ?? defaultStatePath());
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const lock = StateLock.acquire(file, opts.lock);
  try {
    const backupFile = `${file}.bak`;
    const secrets = opts.codec ? undefined : new SecretCodec({ keyFile: resolve(opts.keyFile ?? keyFileFor(file)), stateFile: file });
    const codec = opts.codec ?? secrets;
    const persistence = new FilePersistence({
      file,
      backupFile,
      backupExists: () => existsSync(backupFile) || existsSync(backupJournalFor(backupFile)),
      codec,
      now: opts.now,
      compaction: opts.compaction,
      warn: opts.warn,
      onStep: opts.onStep,
      maxLineChars: opts.maxJournalLineChars,
    });
    const initial = await loadNamingKey(persistence);
    // Loaded (or new): any encrypted Secret decoded with this key, so creating one now cannot orphan data.
    secrets?.ensureKey();
    // A temp file left by a crash mid-write never became the state file (or the journal); it is garbage.
    await rm(tempPathFor(file), { force: true });
    await rm(tempPathFor(persistence.journalFile), { force: true });
    // Rewritten as one current snapshot at once, and only then backed up: a file from before
    // encryption (Secrets in clear: no plaintext copy may be left behind) or a schema-1 file
    // (an older kubeterm would ignore a journal beside it). Anything else starts as it is.
    const migrate = !!initial && (persistence.needsRewrite() || (!!secrets && secrets.plaintextSecrets > 0));
    const files = { file, journalFile: persistence.journalFile, backupFile };
    if (initial && !migrate) {
      // A journal left by a crash is continued, its torn tail (if any) cut off before anything is appended.
      await persistence.continueJournal();
      // What just loaded cleanly becomes the last good backup before anything overwrites it.
      const loaded = persistence.loaded!;
      await backUpLoadedState(files, { snapshot: loaded.schemaVersion !== undefined, journal: loaded.journal && existsSync(persistence.journalFile) });
    }
    // The objects were parsed from the files for this store alone: frozen in place, not copied.
    const store = new MemoryStore({ now: opts.now, newUid: opts.newUid, logSize: opts.logSize, persistence, initial, initialOwned: true });
    persistence.source(() => store.snapshot());
    if (migrate) {
      await persistence.commit(() => store.snapshot());
      await backUpLoadedState(files, { snapshot: true, journal: false });
    }
    let closed: Promise<void> | undefined;
    return {
      store,
      file,
      persistence,
      keyFile: secrets?.keyFile,
      close: () =>
        (closed ??= persistence.close().finally(() => lock.release())),
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Loads the state file; a key problem is reported as itself (naming the key file), not as a corrupt file. */
async function loadNamingKey(persistence: FilePersistence) {
  try {
    return await persistence.load();
  } catch (e) {
    if (e instanceof StateFileError && e.cause instanceof EncryptionKeyError) throw e.cause;
    throw e;
  }
}
