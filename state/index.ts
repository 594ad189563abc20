// Opening the durable store: take the lock, load the state file (or start
// empty when there is none), keep a backup of the last good file, and wire
// group-commit persistence into a MemoryStore.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { copyFileAtomic, tempPathFor } from './atomic-file.js';
import type { ObjectCodec } from './file-format.js';
import { StateLock, type StateLockOptions } from './lock.js';
import { FilePersistence } from './persistence.js';
import { MemoryStore } from './store.js';

export { MemoryStore, rfc3339, type MemoryStoreConfig } from './store.js';
export { FilePersistence, type PersistenceStats } from './persistence.js';
export { StateFileError, SCHEMA_VERSION, type ObjectCodec, type StateFile } from './file-format.js';
export { StateLock, type LockInfo } from './lock.js';
export type { Persistence, StoreSnapshot } from './types.js';

export interface OpenStoreOptions {
  /** The state file; default defaultStatePath(). */
  file?: string;
  now?: () => number;
  newUid?: () => string;
  logSize?: number;
  /** Per-object transform at rest (e.g. Secret encryption). */
  codec?: ObjectCodec;
  /** Lock behaviour overrides, for tests. */
  lock?: StateLockOptions;
}

export interface OpenedStore {
  store: MemoryStore;
  file: string;
  persistence: FilePersistence;
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
    const persistence = new FilePersistence({ file, backupFile, backupExists: () => existsSync(backupFile), codec: opts.codec, now: opts.now });
    const initial = await persistence.load();
    // A temp file left by a crash mid-write never became the state file; it is garbage.
    await rm(tempPathFor(file), { force: true });
    // This file just loaded cleanly: it becomes the last good backup before anything overwrites it.
    if (initial) await copyFileAtomic(file, backupFile);
    const store = new MemoryStore({ now: opts.now, newUid: opts.newUid, logSize: opts.logSize, persistence, initial });
    let closed: Promise<void> | undefined;
    return {
      store,
      file,
      persistence,
      close: () =>
        (closed ??= persistence.close().finally(() => lock.release())),
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
