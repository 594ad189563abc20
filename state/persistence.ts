// Length: snapshot, journal append, replay and compaction share one commit sequence and one lock; split apart, the ordering that makes a kill -9 safe would span files.
// Durability for the store: a snapshot (the lowdb state file) plus a journal
// beside it, with group commit and compaction.
//
// Group commit: every mutation asks for durability; the first request after a
// write schedules the next one, and that write carries every change queued
// since — one JSON line (or, for a very large commit, a few lines that replay
// all or nothing) appended to the journal and fsynced (journal-format.ts).
// A mutation's promise resolves only once the line holding it is on disk, so
// acknowledged changes survive kill -9, and each write costs what changed
// rather than the whole state.
//
// Compaction: when the journal outgrows the snapshot (and a floor of a few
// MB), a new snapshot is taken from a consistent copy (objects are frozen, so
// the copy is the list of references at one rv) and written — temp file,
// fsync, rename — while commits keep appending to the journal. Then, between
// two appends, the journal is cut to what was appended after the snapshot was
// taken (or removed). Every step is crash-safe: replay applies only records
// newer than the snapshot, so an old journal over a new snapshot replays to
// the same state.
//
// Start: the journal an earlier run left is replayed and then simply
// continued (its torn tail, if any, cut off first); the normal compaction
// folds it later. Nothing is rewritten before the engine can start.
import { existsSync } from 'node:fs';
import { Low } from 'lowdb';
import { DurableTextAdapter, readTextIfExists } from './atomic-file.js';
import { decodeStateFile, SCHEMA_VERSION, StateFileEncoder, type ObjectCodec, type StateFile } from './file-format.js';
import { JournalFile } from './journal-file.js';
import { commitLines, journalPathFor, MAX_LINE_CHARS, parseJournal, replayJournal } from './journal-format.js';
import type { KubeObject } from '../src/api/meta.js';
import type { Persistence, StoreChange, StoreSnapshot } from './types.js';

/** Moments a crash can hit, for tests that copy the files there as a kill -9 would leave them. */
export type PersistenceStep = 'snapshot-temp' | 'snapshot-renamed' | 'journal-temp' | 'journal-rotated' | 'journal-appended';

export interface CompactionPolicy {
  /** No compaction while the journal is smaller than this. Default 4 MiB. */
  minBytes?: number;
  /** Compact once the journal is larger than `ratio` × the snapshot. Default 1. */
  ratio?: number;
  /** Every group commit writes the whole snapshot, as before the journal existed (for comparison benches). */
  everyCommit?: boolean;
}

export interface FilePersistenceOptions {
  file: string;
  /** Default `<file>.journal`. */
  journalFile?: string;
  /** Where the backup of the last good file lives (named in corruption errors). */
  backupFile?: string;
  /** Told whether the backup exists when a load fails. */
  backupExists?: () => boolean;
  codec?: ObjectCodec;
  now?: () => number;
  compaction?: CompactionPolicy;
  /** Non-fatal trouble (a torn last journal line dropped, a compaction that failed). Default: stderr. */
  warn?: (message: string) => void;
  /** Called at each crash point (tests). */
  onStep?: (step: PersistenceStep) => void;
  /** A commit larger than this many characters is written as several journal lines (default 8 Mi). */
  maxLineChars?: number;
}

export interface PersistenceStats {
  /** Group-commit writes completed since start (journal appends, or whole snapshots when forced). */
  writes: number;
  /** Duration of the last group-commit write (encode + write + fsync), in ms. */
  lastWriteMs: number;
  /** Size of the last group-commit write. */
  bytes: number;
  /** Mutations acknowledged since start. */
  commits: number;
  /** Journal lines appended. */
  appends: number;
  /** Whole snapshots written (compactions included). */
  snapshots: number;
  /** Background compactions completed. */
  compactions: number;
  /** Journal appends acknowledged while a compaction was writing its snapshot (commits are not held up by it). */
  appendsWhileCompacting: number;
  /** Duration of the last compaction (snapshot written, journal cut), in ms. */
  lastCompactionMs: number;
  /** Every byte written to the snapshot and the journal since start. */
  bytesWritten: number;
  /** The journal's current size. */
  journalBytes: number;
  /** Size of the last snapshot written or loaded. */
  snapshotBytes: number;
}

/** What load() found, so openStore can decide to rewrite at once. */
export interface LoadReport {
  /** Schema of the snapshot (undefined: no snapshot file). */
  schemaVersion?: number;
  /** A journal file was there (a crash, or a stop that could not compact). */
  journal: boolean;
  /** Journal records applied over the snapshot. */
  replayed: number;
  /** A torn last commit was dropped from the journal (cut off by continueJournal()). */
  droppedTail: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

const MIB = 1024 * 1024;

export class FilePersistence implements Persistence {
  readonly file: string;
  readonly journalFile: string;
  /** Set by load(). */
  loaded?: LoadReport;
  private readonly db: Low<StateFile>;
  private readonly adapter: DurableTextAdapter<StateFile>;
  private readonly encoder: StateFileEncoder;
  private readonly journal: JournalFile;
  private readonly codec?: ObjectCodec;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private readonly step: (s: PersistenceStep) => void;
  private readonly minBytes: number;
  private readonly ratio: number;
  private readonly everyCommit: boolean;
  private readonly maxLineChars: number;
  /** The journal load() replayed: its whole commits end here. */
  private journalGoodBytes?: number;
  private pending = new Map<string, StoreChange>();
  private waiting: Waiter[] = [];
  private latest?: () => StoreSnapshot;
  /** The next write is a whole snapshot: a commit came without a change record. */
  private forceSnapshot = false;
  private scheduled = false;
  private inFlight?: Promise<void>;
  private compacting?: Promise<void>;
  /** Serialises journal appends with the journal cut at the end of a compaction. */
  private ioLock: Promise<unknown> = Promise.resolve();
  /** After a failed compaction, none is tried again before the journal reaches this size. */
  private retryCompactionAt = 0;
  /** rv of the snapshot on disk: the base a new journal continues. */
  private snapshotRv = '0';
  private closed = false;
  private readonly counters: PersistenceStats = {
    writes: 0,
    lastWriteMs: 0,
    bytes: 0,
    commits: 0,
    appends: 0,
    snapshots: 0,
    compactions: 0,
    appendsWhileCompacting: 0,
    lastCompactionMs: 0,
    bytesWritten: 0,
    journalBytes: 0,
    snapshotBytes: 0,
  };

  constructor(opts: FilePersistenceOptions) {
    this.file = opts.file;
    this.journalFile = opts.journalFile ?? journalPathFor(opts.file);
    this.codec = opts.codec;
    this.now = opts.now ?? Date.now;
    this.warn = opts.warn ?? ((m) => console.warn(`kubeterm: warning: ${m}`));
    this.step = opts.onStep ?? (() => {});
    this.minBytes = opts.compaction?.minBytes ?? 4 * MIB;
    this.ratio = opts.compaction?.ratio ?? 1;
    this.everyCommit = opts.compaction?.everyCommit ?? false;
    this.maxLineChars = opts.maxLineChars ?? MAX_LINE_CHARS;
    this.encoder = new StateFileEncoder(opts.codec);
    const backup = opts.backupFile ?? `${opts.file}.bak`;
    this.adapter = new DurableTextAdapter<StateFile>(
      opts.file,
      (text) => {
        this.counters.snapshotBytes = Buffer.byteLength(text);
        const bakJournal = journalPathFor(backup);
        const journal = opts.backupExists?.() && existsSync(bakJournal) ? bakJournal : undefined;
        return decodeStateFile(text, opts.file, { path: backup, exists: opts.backupExists?.() ?? false, journal }, opts.codec);
      },
      (data) => this.encoder.encodeChunks(data),
      () => this.step('snapshot-temp'),
    );
    this.journal = new JournalFile(this.journalFile, (s) => this.step(s));
    this.db = new Low<StateFile>(this.adapter, { schemaVersion: SCHEMA_VERSION, resourceVersion: '0', writtenAt: '', objects: [] });
  }

  /**
   * Reads the snapshot and replays the journal over it: undefined when neither
   * exists yet; throws StateFileError when they cannot be used. A torn last
   * journal commit (a crash mid-append: never acknowledged) is dropped with a
   * warning. Writes nothing: continueJournal() or a rewrite decides what follows.
   */
  async load(): Promise<StoreSnapshot | undefined> {
    const data = await this.adapter.read();
    const text = await readTextIfExists(this.journalFile);
    this.loaded = { schemaVersion: data?.schemaVersion, journal: text !== undefined, replayed: 0, droppedTail: false };
    if (!data && text === undefined) return undefined;
    if (data) this.db.data = data;
    const snapshot: StoreSnapshot = { resourceVersion: data?.resourceVersion ?? '0', objects: data?.objects ?? [] };
    this.snapshotRv = snapshot.resourceVersion;
    if (text === undefined) return snapshot;
    const parsed = parseJournal(text, this.journalFile);
    if (parsed.dropped) {
      const d = parsed.dropped;
      this.warn(
        `state journal ${this.journalFile}: dropped its last line (line ${d.line}, ${d.bytes} bytes: ${d.why}); ` +
          'a write cut short by a crash, never acknowledged',
      );
      this.loaded.droppedTail = true;
    }
    this.journalGoodBytes = parsed.goodBytes;
    const replayed = replayJournal(snapshot, parsed, { state: this.file, journal: this.journalFile }, (stored) => this.decode(stored));
    this.loaded.replayed = replayed.applied;
    return { resourceVersion: replayed.resourceVersion, objects: replayed.objects };
  }

  /**
   * True when what load() found must be rewritten as one current snapshot
   * before use: a schema-1 file (an older kubeterm would read it and ignore a
   * journal beside it). A journal alone needs no rewrite: continueJournal().
   */
  needsRewrite(): boolean {
    const l = this.loaded;
    return !!l && l.schemaVersion !== undefined && l.schemaVersion < SCHEMA_VERSION;
  }

  /**
   * After load(), when no rewrite follows: the journal it replayed is
   * continued as it is — its torn last commit, if any, cut off durably before
   * anything is appended — and compaction folds it in as usual.
   */
  async continueJournal(): Promise<void> {
    if (this.journalGoodBytes === undefined) return;
    await this.exclusive(() => this.journal.adopt(this.journalGoodBytes!));
    this.journalGoodBytes = undefined;
  }

  /** Where whole snapshots come from before the first commit (close() folds an adopted journal with it). */
  source(snapshot: () => StoreSnapshot): void {
    this.latest ??= snapshot;
  }

  commit(snapshot: () => StoreSnapshot, change?: StoreChange): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`state file ${this.file} is closed; the change was not saved`));
    this.latest = snapshot;
    if (change) this.pending.set(changeKey(change), change);
    else this.forceSnapshot = true;
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
    return { ...this.counters, journalBytes: this.journal.size };
  }

  /** Resolves when a compaction running in the background (if any) has finished. */
  async compacted(): Promise<void> {
    await this.compacting;
  }

  /**
   * Writes whatever is pending, then refuses further commits, and folds the
   * journal into the snapshot so that a stopped kubeterm leaves one whole file.
   */
  async close(): Promise<void> {
    while (this.waiting.length || this.inFlight || this.scheduled) {
      // A failed commit is reported to the writers waiting on it; idle() only waits for quiet.
      await (this.inFlight ?? new Promise<void>((r) => setImmediate(r))).catch(() => {});
    }
    this.closed = true;
    await this.compacting;
    // Also when a failed write left changes pending: they are in memory, and now get their write.
    if ((this.journal.hasRecords() || this.pending.size > 0 || this.forceSnapshot) && this.latest) {
      const snap = this.latest();
      try {
        await this.exclusive(() => this.snapshotAndCut(snap, this.journal.size));
      } catch (e) {
        this.warn(`could not fold the journal into ${this.file} (${(e as Error).message}); it is kept and replayed at the next start`);
      }
    }
    await this.journal.close();
  }

  // ---- group commit ------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.inFlight) return; // the running write reschedules when it ends
    this.scheduled = true;
    // setImmediate (not a microtask) so every mutation made in this turn of the
    // event loop, including chains of awaits, lands in the same write.
    setImmediate(() => {
      this.scheduled = false;
      const run = this.flush();
      this.inFlight = run;
      void run.finally(() => {
        this.inFlight = undefined;
        if (this.waiting.length) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    if (!batch.length) return;
    const t0 = performance.now();
    try {
      const bytes = this.forceSnapshot || this.everyCommit || this.journal.broken ? await this.writeWhole() : await this.append();
      if (bytes > 0) {
        this.counters.writes++;
        this.counters.lastWriteMs = performance.now() - t0;
        this.counters.bytes = bytes;
      }
      this.counters.commits += batch.length;
      for (const w of batch) w.resolve();
    } catch (e) {
      // The changes stay pending and ride along with the next write, but
      // nobody is told they are durable when they are not.
      const err = new Error(`could not write state file ${this.file}: ${(e as Error).message}`, { cause: e });
      for (const w of batch) w.reject(err);
    }
  }

  /** Appends the pending changes as one journal line; maybe starts a compaction. Returns the bytes written. */
  private async append(): Promise<number> {
    const changes = this.pending;
    this.pending = new Map();
    if (changes.size === 0) return 0; // only idle() waiters
    const lines = commitLines([...changes.values()], (o) => this.encoder.object(o), this.maxLineChars);
    // Decided before the append, while the store is exactly at this batch's rv:
    // a snapshot taken now holds everything up to this commit and nothing after.
    let grown = this.journal.size;
    for (const l of lines) grown += Buffer.byteLength(l);
    const compactFrom = !this.compacting && grown >= this.retryCompactionAt && grown > this.threshold() ? this.latest?.() : undefined;
    let bytes: number;
    try {
      bytes = await this.exclusive(() => this.journal.append(lines, this.snapshotRv));
    } catch (e) {
      for (const [k, c] of changes) if (!this.pending.has(k)) this.pending.set(k, c);
      throw e;
    }
    this.counters.appends++;
    if (this.compacting) this.counters.appendsWhileCompacting++;
    this.counters.bytesWritten += bytes;
    this.step('journal-appended');
    if (compactFrom) this.startCompaction(compactFrom, this.journal.size);
    return bytes;
  }

  private threshold(): number {
    return Math.max(this.minBytes, this.ratio * this.counters.snapshotBytes);
  }

  /** The write when no journal line will do: the whole snapshot, then the journal removed. */
  private async writeWhole(): Promise<number> {
    await this.compacting; // one snapshot writer at a time (they share the temp file)
    this.forceSnapshot = false;
    const changes = this.pending;
    this.pending = new Map();
    const snap = this.latest!();
    try {
      await this.exclusive(() => this.snapshotAndCut(snap, this.journal.size));
    } catch (e) {
      this.forceSnapshot = true;
      for (const [k, c] of changes) if (!this.pending.has(k)) this.pending.set(k, c);
      throw e;
    }
    return this.adapter.lastBytes;
  }

  // ---- compaction --------------------------------------------------------

  private startCompaction(snap: StoreSnapshot, offset: number): void {
    const t0 = performance.now();
    const run = (async () => {
      await this.writeSnapshot(snap); // appends go on meanwhile
      await this.exclusive(() => this.cut(snap.resourceVersion, offset));
      this.counters.compactions++;
      this.counters.lastCompactionMs = performance.now() - t0;
    })();
    this.compacting = run
      .catch((e: unknown) => {
        this.retryCompactionAt = this.journal.size + this.threshold();
        this.warn(`could not compact the state journal into ${this.file} (${(e as Error).message}); changes stay in ${this.journalFile}`);
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Snapshot then journal cut, back to back (the caller holds the I/O lock). */
  private async snapshotAndCut(snap: StoreSnapshot, offset: number): Promise<void> {
    await this.writeSnapshot(snap);
    await this.cut(snap.resourceVersion, offset);
  }

  private async writeSnapshot(snap: StoreSnapshot): Promise<void> {
    this.db.data = {
      schemaVersion: SCHEMA_VERSION,
      resourceVersion: snap.resourceVersion,
      writtenAt: new Date(this.now()).toISOString(),
      objects: snap.objects as StateFile['objects'],
    };
    await this.db.write();
    this.snapshotRv = snap.resourceVersion;
    this.counters.snapshots++;
    this.counters.snapshotBytes = this.adapter.lastBytes;
    this.counters.bytesWritten += this.adapter.lastBytes;
    this.step('snapshot-renamed');
  }

  /** Keeps only the journal appended after the snapshot at `rv` was taken (from `offset`). */
  private async cut(rv: string, offset: number): Promise<void> {
    await this.journal.rotate(rv, offset);
    this.step('journal-rotated');
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ioLock.then(fn);
    // The caller awaits `run` and gets its error; the lock only serialises the I/O.
    this.ioLock = run.catch(() => {});
    return run;
  }

  private decode(stored: unknown): KubeObject {
    const o = this.codec ? this.codec.decode(stored) : (stored as KubeObject);
    if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || !o.metadata || typeof o.metadata.name !== 'string') {
      throw new Error('not a Kubernetes object with kind and metadata.name');
    }
    return o;
  }
}

function changeKey(c: StoreChange): string {
  return `${c.kind}\0${c.namespace}\0${c.name}`;
}
