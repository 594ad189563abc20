// The folder watcher: chokidar over the folder, reduced to "these relative
// paths changed" batches. A burst (a git pull touching 200 files, an editor's
// write-temp-then-rename) becomes one batch: the batch is sent once no event
// arrived for `debounceMs`, or after `maxWaitMs` of continuous events so a
// never-ending stream still syncs.
//
// chokidar drops a second `change` of the same file within 50 ms of the first
// (and fs.watch events within 5 ms), so a quick second save could be lost and
// the folder left stale. Each batch therefore records every path's stat when it
// is sent, and looks again once chokidar's throttle window for those paths has
// closed (`THROTTLE_MS` after their last event): anything that changed since is
// sent again; later writes are reported by chokidar itself.
import { watch, type FSWatcher } from 'chokidar';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { realClock, type Clock, type Timer } from '../util/clock.js';
import { isWatchedPath } from './ignore.js';

/** Just past chokidar's 50 ms change throttle. */
export const THROTTLE_MS = 55;

export interface FolderWatcherOptions {
  folder: string;
  /** Relative, `/`-separated paths of changed files and folders. */
  onBatch: (paths: Set<string>) => void;
  onError?: (err: Error) => void;
  debounceMs?: number;
  maxWaitMs?: number;
  clock?: Clock;
}

export class FolderWatcher {
  private readonly folder: string;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly clock: Clock;
  private watcher?: FSWatcher;
  private batch = new Set<string>();
  private timer?: Timer;
  private firstAt = 0;
  private stopped = false;
  private readonly rechecks = new Set<Timer>();
  private readonly lastEvent = new Map<string, number>();

  constructor(private readonly opts: FolderWatcherOptions) {
    this.folder = opts.folder;
    this.debounceMs = opts.debounceMs ?? 30;
    this.maxWaitMs = opts.maxWaitMs ?? Math.max(500, this.debounceMs * 10);
    this.clock = opts.clock ?? realClock;
  }

  /** Resolves once chokidar has set up its watches (files written after this are seen). */
  async start(): Promise<void> {
    const w = watch(this.folder, {
      ignoreInitial: true,
      persistent: true,
      // chokidar's atomic mode folds an editor's unlink+add of the same file into one change.
      atomic: true,
      // Never follow links: one could lead outside the folder or loop forever (sources.ts refuses them too).
      followSymlinks: false,
      ignored: (p: string) => {
        const rel = this.rel(p);
        return rel !== '' && !isWatchedPath(rel);
      },
    });
    this.watcher = w;
    const onPath = (p: string) => this.add(this.rel(p));
    w.on('add', onPath).on('change', onPath).on('unlink', onPath).on('addDir', onPath).on('unlinkDir', onPath);
    w.on('error', (e) => this.opts.onError?.(e instanceof Error ? e : new Error(String(e))));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.rechecks) t.cancel();
    this.rechecks.clear();
    this.timer?.cancel();
    this.timer = undefined;
    this.batch.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private rel(p: string): string {
    return relative(this.folder, p).split(sep).join('/');
  }

  private add(rel: string): void {
    if (rel === '' || rel.startsWith('..')) return;
    const now = this.clock.now();
    this.lastEvent.set(rel, now);
    if (this.batch.size === 0) this.firstAt = now;
    this.batch.add(rel);
    this.timer?.cancel();
    const wait = Math.min(this.debounceMs, Math.max(0, this.firstAt + this.maxWaitMs - now));
    this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.batch.size === 0 || this.stopped) return;
    const paths = this.batch;
    this.batch = new Set();
    void this.send(paths);
  }

  private async send(paths: Set<string>): Promise<void> {
    const seen = await Promise.all([...paths].map((p) => this.fingerprint(p)));
    if (this.stopped) return;
    this.opts.onBatch(paths);
    let last = 0;
    for (const p of paths) last = Math.max(last, this.lastEvent.get(p) ?? 0);
    const t = this.clock.setTimeout(() => {
      for (const p of paths) if ((this.lastEvent.get(p) ?? 0) <= last) this.lastEvent.delete(p);
      this.rechecks.delete(t);
      // Not awaited by the timer; it cannot reject (fingerprint reports a failed stat as 'gone').
      void this.recheck(paths, seen);
    }, Math.max(5, last + THROTTLE_MS - this.clock.now()));
    this.rechecks.add(t);
  }

  /** Sends again every path whose content changed since `seen` was taken. */
  private async recheck(paths: Set<string>, seen: string[]): Promise<void> {
    const now = await Promise.all([...paths].map((p) => this.fingerprint(p)));
    if (this.stopped) return;
    [...paths].forEach((p, i) => {
      if (now[i] !== seen[i]) this.add(p);
    });
  }

  /** Identity of a path's current content: inode, size and mtime (ns resolution on Linux), or 'gone'. */
  private async fingerprint(rel: string): Promise<string> {
    try {
      const st = await stat(join(this.folder, rel), { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      return 'gone';
    }
  }
}
