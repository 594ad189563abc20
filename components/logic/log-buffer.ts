// The bounded log buffer of the logs view: keeps the newest `max` lines (k9s
// keeps 5,000 by default) in a ring, so a chatty pod never grows memory.
import type { LogLine } from '../../src/client/types.js';

export const DEFAULT_LOG_LINES = 5000;

export class LogBuffer {
  private ring: LogLine[] = [];
  private start = 0;
  /** Lines dropped off the front since the last clear. */
  dropped = 0;
  /** Bumped on every change, for cheap re-render checks. */
  version = 0;

  constructor(readonly max = DEFAULT_LOG_LINES) {
    if (max < 1) throw new Error(`log buffer size must be at least 1, got ${max}`);
  }

  push(line: LogLine): void {
    if (this.ring.length < this.max) this.ring.push(line);
    else {
      this.ring[this.start] = line;
      this.start = (this.start + 1) % this.max;
      this.dropped++;
    }
    this.version++;
  }

  get length(): number {
    return this.ring.length;
  }

  /** Lines oldest first. */
  lines(): LogLine[] {
    return this.start === 0 ? this.ring.slice() : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }

  clear(): void {
    this.ring = [];
    this.start = 0;
    this.dropped = 0;
    this.version++;
  }
}
