// Telling the UI (onChange listeners) that the sync's status changed: at once
// after a pass or a heal, at most every LIVE_NOTIFY_MS for watch events, which
// come in floods (controllers writing status).
import type { Clock, Timer } from '../util/clock.js';

const LIVE_NOTIFY_MS = 50;

export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();
  private timer?: Timer;

  constructor(
    private readonly clock: Clock,
    private readonly stopped: () => boolean,
  ) {}

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Tells listeners within LIVE_NOTIFY_MS, once for everything that happens meanwhile. */
  notifySoon(): void {
    if (this.timer || this.stopped()) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.notify();
    }, LIVE_NOTIFY_MS);
  }

  notify(): void {
    this.timer?.cancel();
    this.timer = undefined;
    for (const cb of [...this.listeners]) {
      try {
        cb();
      } catch {
        // a listener's failure must not stop the sync
      }
    }
  }
}
