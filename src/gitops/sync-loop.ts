// The sync loop: when passes run. Requests (changed paths, a full sync, a forced
// re-apply, a re-resolve of kinds) accumulate while a pass runs and are folded
// into the next one, so passes never overlap. Also the operation's lifecycle:
// the stopped flag, the waits stop() must end at once, and what the sync is
// waiting for (git's index.lock, a wave's health, a hook) for the status.
import type { Clock } from '../util/clock.js';
import { gitBusy } from './git.js';

const GIT_LOCK_MAX_WAIT_MS = 10_000;

export interface PassRequest {
  /** Re-read every file (and re-load the ignore rules). */
  full: boolean;
  /** Changed paths, relative to the folder. */
  paths: Set<string>;
  /** Re-apply every object, unchanged or not. */
  force: boolean;
}

export interface SyncLoopConfig {
  folder: string;
  ioClock: Clock;
  runPass(req: PassRequest): Promise<void>;
  /** Whether a pass has completed (the first pass never waits for git). */
  synced(): boolean;
  onError(err: Error): void;
  notify(): void;
  notifySoon(): void;
}

export class SyncLoop {
  /** The folder's git directory, whose index.lock holds changes back. */
  gitDir?: string;
  private stoppedFlag = false;
  private waitingFor?: string;
  private running?: Promise<void>;
  private pendingPaths = new Set<string>();
  private pendingFull = false;
  private pendingForce = false;
  private pendingResolve = false;
  /** Ends every wait in flight (stop() must not sit out a timeout). */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly cfg: SyncLoopConfig) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** A pass is running (or about to). */
  get syncing(): boolean {
    return !!this.running;
  }

  /** What the sync waits for, for the status. */
  get waiting(): string | undefined {
    return this.waitingFor;
  }

  /** No new pass starts; waits in flight see `stopped` (endWaits() ends them at once). */
  stop(): void {
    this.stoppedFlag = true;
  }

  /** Ends every registered wait now (stop() must not sit out a timeout). */
  endWaits(): void {
    for (const end of [...this.waiters]) end();
    // (A git wait, if any, ends by itself within 50 ms and sees `stopped`.)
  }

  /** Resolves once the pass in flight, if any, has ended. */
  async drain(): Promise<void> {
    // The pass reports its own failure in the sync status; draining only waits for it to end.
    await this.running?.catch(() => {});
  }

  /** Paths changed: they are read in the next pass. */
  addPaths(paths: Iterable<string>): Promise<void> {
    for (const p of paths) this.pendingPaths.add(p);
    return this.schedule();
  }

  /** A full pass; `force` re-applies every object. */
  requestFull(force = false): Promise<void> {
    this.pendingFull = true;
    if (force) this.pendingForce = true;
    return this.schedule();
  }

  /** The cluster's kinds changed: every file is resolved again. */
  requestResolve(): Promise<void> {
    this.pendingResolve = true;
    return this.schedule();
  }

  /** Resolves when no sync is running or queued. */
  async idle(): Promise<void> {
    // As in drain(): the pass's failure is in the status already; idle() only waits.
    while (this.running) await this.running.catch(() => {});
  }

  setWaiting(message: string | undefined): void {
    if (this.waitingFor === message) return;
    this.waitingFor = message;
    this.cfg.notifySoon();
  }

  /** A wait that stop() must end at once. */
  registerWaiter(end: () => void): () => void {
    this.waiters.add(end);
    return () => this.waiters.delete(end);
  }

  private schedule(): Promise<void> {
    if (this.stoppedFlag) return Promise.resolve();
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stoppedFlag && (this.pendingFull || this.pendingPaths.size || this.pendingResolve)) {
      if (this.cfg.synced()) await this.waitForGit();
      const full = this.pendingFull;
      const force = this.pendingForce;
      const paths = this.pendingPaths;
      this.pendingResolve = false;
      this.pendingFull = false;
      this.pendingForce = false;
      this.pendingPaths = new Set();
      try {
        await this.cfg.runPass({ full, paths, force });
      } catch (e) {
        this.cfg.onError(new Error(`folder sync of ${this.cfg.folder} failed: ${(e as Error).message}`, { cause: e }));
      }
    }
  }

  /**
   * While git holds index.lock, changes wait (re-checked every 50 ms) so a pull
   * is synced as one commit. A lock held longer than GIT_LOCK_MAX_WAIT_MS is
   * stale (a crashed git) and no longer holds the sync back.
   */
  private async waitForGit(): Promise<void> {
    const clock = this.cfg.ioClock;
    const since = clock.now();
    while (!this.stoppedFlag && (await gitBusy(this.gitDir)) && clock.now() - since < GIT_LOCK_MAX_WAIT_MS) {
      if (!this.waitingFor) {
        this.waitingFor = 'git is updating the checkout (.git/index.lock)';
        this.cfg.notify();
      }
      await new Promise<void>((resolve) => {
        clock.setTimeout(resolve, 50);
      });
    }
    this.waitingFor = undefined;
  }
}
