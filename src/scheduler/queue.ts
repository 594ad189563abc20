// The scheduling queue, after kube-scheduler's: an active heap (higher
// priority first, then older pods — by creation time — first), a backoff area for pods that failed
// recently (1 s doubling to 10 s, so a burst of cluster events never becomes
// a hot loop), and an unschedulable pool that cluster events (a node added or
// changed, a pod deleted) move back to active — plus a slow periodic flush of
// pods that have waited there longer than podMaxInUnschedulableMs.
//
// As kube-scheduler with SchedulerPopFromBackoffQ (on by default since
// Kubernetes 1.33): when the active heap is empty, the pod whose backoff
// ends first is popped at once — a pod an event made schedulable again is not
// kept waiting by its backoff while the scheduler has nothing else to do.
// Pods backing off after an error (a failed bind) are not popped early.
import type { Clock, Timer } from '../util/clock.js';

export interface QueuedPod {
  uid: string;
  priority: number;
  /** The pod's creation time, else when it entered the queue (ordering among equal priorities). */
  addedAt: number;
  seq: number;
  attempts: number;
  lastAttemptAt: number;
  /** When the pod entered the unschedulable pool. */
  unschedulableSince?: number;
}

export interface QueueOptions {
  clock: Clock;
  initialBackoffMs: number;
  maxBackoffMs: number;
  onActive: () => void;
}

function before(a: QueuedPod, b: QueuedPod): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.addedAt !== b.addedAt) return a.addedAt < b.addedAt;
  return a.seq < b.seq;
}

interface BackoffEntry {
  qp: QueuedPod;
  timer: Timer;
  /** After an error (not a rejection): waits out its backoff, never popped early. */
  error: boolean;
  expiresAt: number;
}

/** Earlier expiry first, then higher priority, then older. */
function expiresBefore(a: BackoffEntry, b: BackoffEntry): boolean {
  if (a.expiresAt !== b.expiresAt) return a.expiresAt < b.expiresAt;
  return before(a.qp, b.qp);
}

export class SchedulingQueue {
  private heap: QueuedPod[] = [];
  private readonly inActive = new Set<string>();
  private readonly backoff = new Map<string, BackoffEntry>();
  /** Non-error backoff entries by expiry (stale ones are skipped on pop). */
  private backoffHeap: BackoffEntry[] = [];
  private poppableBackoff = 0;
  readonly unschedulable = new Map<string, QueuedPod>();
  private seq = 0;

  constructor(private readonly opts: QueueOptions) {}

  get activeSize(): number {
    return this.heap.length;
  }

  /** Pods pop() can return now: the active heap plus pods backing off after a rejection. */
  get readySize(): number {
    return this.heap.length + this.poppableBackoff;
  }

  has(uid: string): boolean {
    return this.inActive.has(uid) || this.backoff.has(uid) || this.unschedulable.has(uid);
  }

  newEntry(uid: string, priority: number, createdAt?: number): QueuedPod {
    const at = createdAt !== undefined && Number.isFinite(createdAt) ? createdAt : this.opts.clock.now();
    return { uid, priority, addedAt: at, seq: this.seq++, attempts: 0, lastAttemptAt: 0 };
  }

  /** Adds straight to active (a new pod, or one whose spec changed). */
  addActive(qp: QueuedPod): void {
    this.remove(qp.uid);
    qp.unschedulableSince = undefined;
    this.inActive.add(qp.uid);
    this.push(qp);
    this.opts.onActive();
  }

  pop(): QueuedPod | undefined {
    while (this.heap.length) {
      const top = this.heap[0];
      const last = this.heap.pop()!;
      if (this.heap.length) {
        this.heap[0] = last;
        this.down(0);
      }
      if (this.inActive.delete(top.uid)) return top;
    }
    return this.popBackoff();
  }

  /** The active heap is empty: the pod whose backoff ends first goes now. */
  private popBackoff(): QueuedPod | undefined {
    while (this.backoffHeap.length) {
      const top = heapPop(this.backoffHeap, expiresBefore)!;
      if (this.backoff.get(top.qp.uid) !== top) continue; // stale
      this.dropBackoff(top.qp.uid);
      top.qp.unschedulableSince = undefined;
      return top.qp;
    }
    return undefined;
  }

  addUnschedulable(qp: QueuedPod): void {
    this.remove(qp.uid);
    qp.unschedulableSince = this.opts.clock.now();
    this.unschedulable.set(qp.uid, qp);
  }

  backoffMs(qp: QueuedPod): number {
    if (qp.attempts <= 0) return 0;
    return Math.min(this.opts.initialBackoffMs * 2 ** (qp.attempts - 1), this.opts.maxBackoffMs);
  }

  /**
   * Moves a pod to active, through backoff if its backoff has not expired.
   * `error`: it failed with an error (not a rejection), so it waits its backoff out.
   */
  activateWithBackoff(qp: QueuedPod, opts: { error?: boolean } = {}): void {
    const now = this.opts.clock.now();
    const wait = qp.lastAttemptAt + this.backoffMs(qp) - now;
    if (wait <= 0) {
      this.addActive(qp);
      return;
    }
    this.remove(qp.uid);
    const timer = this.opts.clock.setTimeout(() => {
      if (this.backoff.get(qp.uid)?.qp !== qp) return;
      this.dropBackoff(qp.uid);
      this.addActive(qp);
    }, wait);
    const entry: BackoffEntry = { qp, timer, error: !!opts.error, expiresAt: now + wait };
    this.backoff.set(qp.uid, entry);
    if (entry.error) return;
    this.poppableBackoff++;
    heapPush(this.backoffHeap, entry, expiresBefore);
    this.opts.onActive();
  }

  /** A cluster event that may make unschedulable pods fit: retry them all (or those `which` picks). */
  moveAllToActive(which?: (uid: string) => boolean): void {
    for (const qp of [...this.unschedulable.values()]) if (!which || which(qp.uid)) this.activateWithBackoff(qp);
  }

  /** The periodic flush: pods unschedulable for longer than maxMs are retried. */
  flushLeftover(maxMs: number): void {
    const now = this.opts.clock.now();
    for (const qp of [...this.unschedulable.values()]) {
      if (now - (qp.unschedulableSince ?? now) >= maxMs) this.activateWithBackoff(qp);
    }
  }

  /** The entry for uid wherever it waits (to move it on a spec change). */
  entry(uid: string): QueuedPod | undefined {
    return this.unschedulable.get(uid) ?? this.backoff.get(uid)?.qp;
  }

  remove(uid: string): void {
    this.inActive.delete(uid); // lazily dropped from the heap on pop
    this.dropBackoff(uid);
    this.unschedulable.delete(uid);
  }

  /** Takes uid out of backoff (its heap entry goes stale). */
  private dropBackoff(uid: string): void {
    const b = this.backoff.get(uid);
    if (!b) return;
    b.timer.cancel();
    this.backoff.delete(uid);
    if (!b.error) this.poppableBackoff--;
    if (this.poppableBackoff === 0) this.backoffHeap = [];
  }

  close(): void {
    for (const b of this.backoff.values()) b.timer.cancel();
    this.backoff.clear();
    this.backoffHeap = [];
    this.poppableBackoff = 0;
    this.unschedulable.clear();
    this.inActive.clear();
    this.heap = [];
  }

  private push(qp: QueuedPod): void {
    this.heap.push(qp);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(this.heap[i], this.heap[p])) break;
      [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

function heapPush<T>(h: T[], x: T, less: (a: T, b: T) => boolean): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i], h[p])) break;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function heapPop<T>(h: T[], less: (a: T, b: T) => boolean): T | undefined {
  if (!h.length) return undefined;
  const top = h[0];
  const last = h.pop()!;
  if (h.length) {
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l], h[m])) m = l;
      if (r < h.length && less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
  return top;
}
