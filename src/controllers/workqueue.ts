// The rate-limited work queue every controller shares, after client-go's
// workqueue: a key is queued at most once (dedup); a key being processed is
// never handed to a second worker — if it is added meanwhile it is queued
// again when the first worker calls done(); failures back off per key
// exponentially (5ms, 10ms, … capped at 1000s) until forget(). Delays run on
// the injected Clock so tests step time instead of sleeping.
import type { Clock, Timer } from '../util/clock.js';

export interface WorkQueueOptions {
  clock: Clock;
  /** First retry delay of addRateLimited (client-go: 5ms). */
  baseDelayMs?: number;
  /** Cap of the per-key backoff (client-go: 1000s). */
  maxDelayMs?: number;
}

export class WorkQueue<K = string> {
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** Keys ready to hand out, in order; `queued` mirrors it for dedup. */
  private readonly order: K[] = [];
  private readonly queued = new Set<K>();
  /** Keys handed to a worker and not yet done(). */
  private readonly processing = new Set<K>();
  /** Keys added while processing: queued again on done(). */
  private readonly dirtyWhileProcessing = new Set<K>();
  /** Delayed adds: the earliest due time per key wins. */
  private readonly delayed = new Map<K, { at: number; timer: Timer }>();
  private readonly failures = new Map<K, number>();
  private readonly getters: ((k: K | undefined) => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private shutdown = false;

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
  }

  add(key: K): void {
    if (this.shutdown) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queued.add(key);
    this.order.push(key);
  }

  /** Adds the key once `ms` have passed on the clock (immediately when ms <= 0). */
  addAfter(key: K, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const prev = this.delayed.get(key);
    if (prev && prev.at <= at) return;
    prev?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      const cur = this.delayed.get(key);
      if (cur?.timer === timer) this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds after the key's next backoff delay; each call doubles it until forget(). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.nextDelay(key));
  }

  /** The delay the next addRateLimited would use, counting this failure. */
  private nextDelay(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 40));
  }

  /** Resets the key's backoff (call after a successful reconcile). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key, waiting for one; undefined once shut down. Call done(key) when finished. */
  get(): Promise<K | undefined> {
    const k = this.tryGet();
    if (k !== undefined || this.shutdown) return Promise.resolve(k);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The next key if one is ready, without waiting. */
  tryGet(): K | undefined {
    const key = this.order.shift();
    if (key === undefined) return undefined;
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
    this.checkIdle();
  }

  /** Keys ready now (not counting delayed ones or those in flight). */
  get length(): number {
    return this.order.length;
  }

  /** Keys waiting on the clock. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Nothing queued and nothing in flight (delayed keys do not count: they wait for the clock). */
  isIdle(): boolean {
    return this.order.length === 0 && this.processing.size === 0;
  }

  /** Resolves once isIdle() holds. */
  whenIdle(): Promise<void> {
    if (this.isIdle() || this.shutdown) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  shutDown(): void {
    this.shutdown = true;
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
    this.order.length = 0;
    this.queued.clear();
    this.dirtyWhileProcessing.clear();
    for (const g of this.getters.splice(0)) g(undefined);
    for (const w of this.idleWaiters.splice(0)) w();
  }

  get isShutDown(): boolean {
    return this.shutdown;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
