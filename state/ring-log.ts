// A fixed-size ring of the most recent watch events, so a watcher that
// reconnects with the resourceVersion it last saw gets exactly what it missed
// (or 410 Expired when that is no longer known).
//
// resourceVersions are one global counter and every mutation emits exactly one
// event, so the retained events are contiguous: the log holds every event with
// rv in (startRv, startRv + size].

export class RingLog<T> {
  private readonly buf: (T | undefined)[];
  private head = 0; // index of the oldest entry
  private count = 0;

  /** @param startRv every event with rv <= startRv is unknown to this log. */
  constructor(
    readonly capacity: number,
    private startRv: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`logSize must be a positive integer, got ${capacity}`);
    this.buf = new Array<T | undefined>(capacity);
  }

  /** The newest rv this log cannot replay: a watch from below it is Expired. */
  get oldestKnownRv(): number {
    return this.startRv;
  }

  get size(): number {
    return this.count;
  }

  /** Appends the event carrying rv startRv + size + 1. */
  push(entry: T): void {
    if (this.count < this.capacity) {
      this.buf[(this.head + this.count) % this.capacity] = entry;
      this.count++;
      return;
    }
    this.buf[this.head] = entry; // overwrite the oldest
    this.head = (this.head + 1) % this.capacity;
    this.startRv++;
  }

  /** Entries with rv > rv, oldest first. Caller checks rv >= oldestKnownRv. */
  *since(rv: number): Generator<T> {
    const skip = Math.max(0, rv - this.startRv);
    for (let i = skip; i < this.count; i++) yield this.buf[(this.head + i) % this.capacity] as T;
  }
}
