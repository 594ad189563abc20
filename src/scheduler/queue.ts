// The scheduling queue, after kube-scheduler's: an active heap (higher
// priority first, then older pods — by creation time — first), a backoff area for pods that failed
// recently (1 s doubling to 10 s, so a burst of cluster events never becomes
// a hot loop), and an unschedulable pool that cluster events (a node added or
// changed, a pod deleted) move back to active — plus a slow periodic flush of
// pods that have waited there longer than podMaxInUnschedulableMs.
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

export class SchedulingQueue {
  private heap: QueuedPod[] = [];
  private readonly inActive = new Set<string>();
  private readonly backoff = new Map<string, { qp: QueuedPod; timer: Timer }>();
  readonly unschedulable = new Map<string, QueuedPod>();
  private seq = 0;

  constructor(private readonly opts: QueueOptions) {}

  get activeSize(): number {
    return this.heap.length;
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

  /** Moves a failed pod to active, through backoff if its backoff has not expired. */
  activateWithBackoff(qp: QueuedPod): void {
    const wait = qp.lastAttemptAt + this.backoffMs(qp) - this.opts.clock.now();
    if (wait <= 0) {
      this.addActive(qp);
      return;
    }
    this.remove(qp.uid);
    const timer = this.opts.clock.setTimeout(() => {
      if (this.backoff.get(qp.uid)?.qp !== qp) return;
      this.backoff.delete(qp.uid);
      this.addActive(qp);
    }, wait);
    this.backoff.set(qp.uid, { qp, timer });
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
    const b = this.backoff.get(uid);
    if (b) {
      b.timer.cancel();
      this.backoff.delete(uid);
    }
    this.unschedulable.delete(uid);
  }

  close(): void {
    for (const b of this.backoff.values()) b.timer.cancel();
    this.backoff.clear();
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
