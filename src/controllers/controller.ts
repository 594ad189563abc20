// The reconcile loop every controller shares (kubernetes/sample-controller in
// small): informers turn watch events into keys, workers take keys from the
// rate-limited queue and call reconcile(key), which reads fresh state and
// writes the difference. A failed reconcile is retried with per-key backoff; a
// Conflict (someone wrote first) is retried at once; success forgets the
// backoff. reconcile may ask to be called again later (minReadySeconds,
// progress deadlines) by returning { requeueAfterMs }.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { Clock } from '../util/clock.js';
import { logger, type Logger } from '../util/log.js';
import { Informer, type KeyMapper } from './informer.js';
import { WorkQueue } from './workqueue.js';

export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds. */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface WatchSpec {
  kind: string;
  toKeys: KeyMapper;
}

export interface ControllerOptions {
  name: string;
  api: Api;
  clock: Clock;
  reconcile: Reconcile;
  /** Kinds to watch and how their events map to keys. */
  watches?: WatchSpec[];
  /** Concurrent workers (distinct keys only). Default 1. */
  workers?: number;
  /** Called with errors that will be retried. Default: the engine log (utilruntime.HandleError): a Conflict at debug, since the retry is immediate and routine, anything else at error. */
  onError?: (key: string, err: unknown) => void;
  /** Conflicts retried at once before falling back to backoff. */
  maxImmediateConflictRetries?: number;
  /** Caches reconcile reads (e.g. an OwnerIndex), released when the controller stops. */
  caches?: { stop(): void }[];
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  /** Counters for benchmarks and diagnostics. */
  readonly stats = { reconciles: 0, failures: 0, conflicts: 0 };
  private readonly opts: ControllerOptions;
  private informers: Informer[] = [];
  private workers: Promise<void>[] = [];
  private running = false;
  private readonly conflicts = new Map<string, number>();
  private readonly log: Logger;
  private readonly logError = (key: string, err: unknown): void => {
    if (isStatusError(err, 'Conflict')) this.log.debug(`syncing ${JSON.stringify(key)} hit a conflict, retrying: ${(err as Error).message}`);
    else this.log.error(`error syncing ${JSON.stringify(key)}, requeuing`, err);
  };

  constructor(opts: ControllerOptions) {
    if (!opts.name) throw new Error('Controller: name is required');
    if (typeof opts.reconcile !== 'function') throw new Error(`Controller ${opts.name}: reconcile is required`);
    this.opts = opts;
    this.name = opts.name;
    this.log = logger(`controller/${opts.name}`);
    this.queue = new WorkQueue<string>({ clock: opts.clock });
  }

  start(): void {
    if (this.running) return;
    if (this.queue.isShutDown) throw new Error(`Controller ${this.name}: cannot restart a stopped controller; create a new one`);
    this.running = true;
    const n = Math.max(1, this.opts.workers ?? 1);
    for (let i = 0; i < n; i++) this.workers.push(this.work());
    for (const w of this.opts.watches ?? []) {
      const inf = new Informer({ api: this.opts.api, kind: w.kind, toKeys: w.toKeys, enqueue: (k) => this.queue.add(k) });
      this.informers.push(inf);
      inf.start();
    }
  }

  /** Stops watching, drops queued keys and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    for (const inf of this.informers) inf.stop();
    this.informers = [];
    this.running = false;
    this.queue.shutDown();
    await Promise.all(this.workers);
    this.workers = [];
    for (const c of this.opts.caches ?? []) c.stop();
  }

  /** Runs reconcile for one key now, outside the queue: tests feed one key and assert the writes it made (sample-controller's syncHandler). */
  reconcileNow(key: string): Promise<ReconcileResult | void> {
    return this.opts.reconcile(key);
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Resolves when nothing is queued and nothing is being reconciled (delayed keys wait for the clock). */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  isIdle(): boolean {
    return this.queue.isIdle();
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.stats.reconciles++;
      try {
        const res = await this.opts.reconcile(key);
        this.queue.forget(key);
        this.conflicts.delete(key);
        if (res && res.requeueAfterMs !== undefined) this.queue.addAfter(key, res.requeueAfterMs);
      } catch (err) {
        (this.opts.onError ?? this.logError)(key, err);
        this.stats.failures++;
        if (isStatusError(err, 'Conflict')) this.stats.conflicts++;
        const n = this.conflicts.get(key) ?? 0;
        if (isStatusError(err, 'Conflict') && n < (this.opts.maxImmediateConflictRetries ?? 5)) {
          this.conflicts.set(key, n + 1);
          this.queue.add(key);
        } else {
          this.conflicts.delete(key);
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}
