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
  /** Delayed adds: the earliest due time per key wins (the heap may hold stale entries for a key; this map says which one counts). */
  private readonly delayed = new Map<K, number>();
  /**
   * Delayed adds in due order, behind one clock timer armed for the earliest:
   * a controller that requeues every object (the Event TTL controller holds one
   * key per Event for an hour) would otherwise keep one Timer, closure and
   * entry per key — tens of MiB at 10,000 pods.
   */
  private readonly due = new DueHeap<K>();
  private timer?: { at: number; handle: Timer };
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
    const now = this.clock.now();
    const at = now + ms;
    const prev = this.delayed.get(key);
    if (prev !== undefined && prev <= at) return;
    this.delayed.set(key, at);
    this.due.push(at, key);
    this.arm(now);
  }

  /** Keeps the one timer set for the earliest due key. */
  private arm(now: number): void {
    const next = this.due.peekAt();
    if (next === undefined) {
      this.timer?.handle.cancel();
      this.timer = undefined;
      return;
    }
    if (this.timer && this.timer.at <= next) return;
    this.timer?.handle.cancel();
    const handle = this.clock.setTimeout(() => this.fire(handle), Math.max(0, next - now));
    this.timer = { at: next, handle };
  }

  /** Adds every key now due, in due order (ties: in the order they were delayed), then re-arms. */
  private fire(handle: Timer): void {
    if (this.timer?.handle !== handle) return;
    this.timer = undefined;
    const now = this.clock.now();
    for (;;) {
      const at = this.due.peekAt();
      if (at === undefined || at > now) break;
      const key = this.due.pop()!;
      // A stale entry: the key was re-delayed to an earlier time (and fired) or already fired.
      if (this.delayed.get(key) !== at) continue;
      this.delayed.delete(key);
      this.add(key);
    }
    if (!this.shutdown) this.arm(now);
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
    this.timer?.handle.cancel();
    this.timer = undefined;
    this.delayed.clear();
    this.due.clear();
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

/** A binary min-heap of (due time, insertion order) → key. */
class DueHeap<K> {
  private ats: number[] = [];
  private seqs: number[] = [];
  private keys: K[] = [];
  private seq = 0;

  push(at: number, key: K): void {
    this.ats.push(at);
    this.seqs.push(this.seq++);
    this.keys.push(key);
    let i = this.ats.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  peekAt(): number | undefined {
    return this.ats[0];
  }

  pop(): K | undefined {
    const n = this.ats.length;
    if (n === 0) return undefined;
    const top = this.keys[0];
    this.swap(0, n - 1);
    this.ats.pop();
    this.seqs.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n - 1 && this.less(l, m)) m = l;
      if (r < n - 1 && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  clear(): void {
    this.ats = [];
    this.seqs = [];
    this.keys = [];
  }

  private less(a: number, b: number): boolean {
    return this.ats[a] < this.ats[b] || (this.ats[a] === this.ats[b] && this.seqs[a] < this.seqs[b]);
  }

  private swap(a: number, b: number): void {
    [this.ats[a], this.ats[b]] = [this.ats[b], this.ats[a]];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b], this.seqs[a]];
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
  }
}
