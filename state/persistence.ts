// Group commit to the state file. Every mutation asks for durability; the
// first request after a write schedules the next one, and that single write
// carries the whole current snapshot — so it covers every mutation queued
// since the last write. A mutation's promise resolves only once the write that
// contains it has been fsynced and renamed into place: acknowledged changes
// survive kill -9, and a burst of 10,000 creates costs a handful of writes.
import { Low } from 'lowdb';
import { DurableTextAdapter } from './atomic-file.js';
import { decodeStateFile, SCHEMA_VERSION, StateFileEncoder, type ObjectCodec, type StateFile } from './file-format.js';
import type { Persistence, StoreSnapshot } from './types.js';

export interface FilePersistenceOptions {
  file: string;
  /** Where the backup of the last good file lives (named in corruption errors). */
  backupFile?: string;
  /** Told whether the backup exists when a load fails. */
  backupExists?: () => boolean;
  codec?: ObjectCodec;
  now?: () => number;
}

export interface PersistenceStats {
  /** Whole-file writes completed since start. */
  writes: number;
  /** Duration of the last write (serialise + write + fsync + rename), in ms. */
  lastWriteMs: number;
  /** Size of the last write. */
  bytes: number;
  /** Mutations acknowledged since start. */
  commits: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class FilePersistence implements Persistence {
  readonly file: string;
  private readonly db: Low<StateFile>;
  private readonly adapter: DurableTextAdapter<StateFile>;
  private readonly now: () => number;
  private waiting: Waiter[] = [];
  private latest?: () => StoreSnapshot;
  private scheduled = false;
  private inFlight?: Promise<void>;
  private closed = false;
  private readonly counters: PersistenceStats = { writes: 0, lastWriteMs: 0, bytes: 0, commits: 0 };

  constructor(opts: FilePersistenceOptions) {
    this.file = opts.file;
    this.now = opts.now ?? Date.now;
    const encoder = new StateFileEncoder(opts.codec);
    const backup = opts.backupFile ?? `${opts.file}.bak`;
    this.adapter = new DurableTextAdapter<StateFile>(
      opts.file,
      (text) => decodeStateFile(text, opts.file, { path: backup, exists: opts.backupExists?.() ?? false }, opts.codec),
      (data) => encoder.encode(data),
    );
    this.db = new Low<StateFile>(this.adapter, { schemaVersion: SCHEMA_VERSION, resourceVersion: '0', writtenAt: '', objects: [] });
  }

  /** Reads the file: undefined when it does not exist yet; throws StateFileError when it cannot be used. */
  async load(): Promise<StoreSnapshot | undefined> {
    const data = await this.adapter.read();
    if (!data) return undefined;
    this.db.data = data;
    return { resourceVersion: data.resourceVersion, objects: data.objects };
  }

  commit(snapshot: () => StoreSnapshot): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`state file ${this.file} is closed; the change was not saved`));
    this.latest = snapshot;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.schedule();
    });
  }

  idle(): Promise<void> {
    if (this.waiting.length) return new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    return this.inFlight ?? Promise.resolve();
  }

  stats(): PersistenceStats {
    return { ...this.counters };
  }

  /** Writes whatever is pending, then refuses further commits. */
  async close(): Promise<void> {
    while (this.waiting.length || this.inFlight || this.scheduled) {
      await (this.inFlight ?? new Promise<void>((r) => setImmediate(r))).catch(() => {});
    }
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return; // the running write reschedules when it ends
    this.scheduled = true;
    // setImmediate (not a microtask) so every mutation made in this turn of the
    // event loop, including chains of awaits, lands in the same write.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    if (!batch.length || !this.latest) return;
    const snap = this.latest();
    this.db.data = {
      schemaVersion: SCHEMA_VERSION,
      resourceVersion: snap.resourceVersion,
      writtenAt: new Date(this.now()).toISOString(),
      objects: snap.objects as StateFile['objects'],
    };
    const t0 = performance.now();
    const write = this.db.write();
    this.inFlight = write;
    try {
      await write;
      this.counters.writes++;
      this.counters.lastWriteMs = performance.now() - t0;
      this.counters.bytes = this.adapter.lastBytes;
      this.counters.commits += batch.length;
      for (const w of batch) w.resolve();
    } catch (e) {
      // The changes stay in memory and ride along with the next successful write,
      // but nobody is told they are durable when they are not.
      const err = new Error(`could not write state file ${this.file}: ${(e as Error).message}`, { cause: e });
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight = undefined;
      if (this.waiting.length) this.schedule();
    }
  }
}
