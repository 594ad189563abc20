// Watch fan-out. Each change becomes one frozen event record, appended to the
// replay log and handed to every matching watcher by reference: a thousand
// watchers cost a thousand function calls, not a thousand copies. Filtered
// watchers see an object that starts or stops matching as ADDED/DELETED (as
// the apiserver's watch cache does); those variants are built at most once
// per event and shared too.
import { badRequest, expired, StatusError } from '../src/api/errors.js';
import type { KubeObject } from '../src/api/meta.js';
import type { WatchEvent, WatchHandle, WatchOptions } from '../src/api/store-types.js';
import { deepFreeze } from './freeze.js';
import { RingLog } from './ring-log.js';

export interface EventRecord {
  rv: number;
  kind: string;
  namespace: string;
  event: WatchEvent;
  /** Lazily built views for filtered watchers (see variants()). */
  added?: WatchEvent;
  deleted?: WatchEvent;
}

interface Watcher {
  kind: string;
  namespace?: string;
  filter?: (obj: KubeObject) => boolean;
  handler: (ev: WatchEvent) => void;
  /** Highest rv delivered (or skipped as already known): guards against duplicates and reordering. */
  lastRv: number;
  stopped: boolean;
}

export type HandlerErrorSink = (err: unknown, ev: WatchEvent) => void;

export class WatchHub {
  private readonly log: RingLog<EventRecord>;
  /** Watchers by kind ('*' for all), then by namespace ('' = every namespace), so dispatch only visits candidates. */
  private readonly byKind = new Map<string, Map<string, Set<Watcher>>>();
  private readonly queue: EventRecord[] = [];
  private dispatching = false;
  /** Synthetic ADDED events for rv=0 watches, shared between watchers. */
  private readonly addedOf = new WeakMap<KubeObject, WatchEvent>();

  constructor(
    logSize: number,
    startRv: number,
    private readonly onHandlerError: HandlerErrorSink = defaultErrorSink,
  ) {
    this.log = new RingLog(logSize, startRv);
  }

  /** Records one change (rv must be the next version) and delivers it to watchers. */
  emit(rv: number, kind: string, namespace: string, event: WatchEvent): void {
    const rec: EventRecord = { rv, kind, namespace, event: Object.freeze(event) };
    this.log.push(rec);
    this.queue.push(rec);
    this.drain();
  }

  /**
   * Registers a watcher. `currentRv` is the store's version now; `snapshot`
   * (rv '0') lists the current objects to announce as ADDED first.
   */
  watch(
    kind: string,
    opts: WatchOptions,
    handler: (ev: WatchEvent) => void,
    currentRv: number,
    snapshot?: readonly KubeObject[],
  ): WatchHandle {
    const from = this.startingPoint(opts.resourceVersion, currentRv);
    const w: Watcher = { kind, namespace: opts.namespace || undefined, filter: opts.filter, handler, lastRv: from, stopped: false };
    let byNs = this.byKind.get(kind);
    if (!byNs) this.byKind.set(kind, (byNs = new Map()));
    let set = byNs.get(w.namespace ?? '');
    if (!set) byNs.set(w.namespace ?? '', (set = new Set()));
    set.add(w);
    const handle: WatchHandle = { stop: () => this.stop(w) };

    // Replay runs under the dispatch guard so a handler that writes during it
    // queues its event behind the replay instead of overtaking it.
    const outer = this.dispatching;
    this.dispatching = true;
    try {
      if (snapshot) {
        for (const obj of snapshot) {
          if (w.stopped) break;
          this.call(w, this.syntheticAdded(obj));
        }
      } else if (from < currentRv) {
        for (const rec of [...this.log.since(from)]) this.deliver(w, rec);
      }
    } finally {
      this.dispatching = outer;
    }
    this.drain();
    return handle;
  }

  watcherCount(): number {
    let n = 0;
    for (const byNs of this.byKind.values()) for (const s of byNs.values()) n += s.size;
    return n;
  }

  private startingPoint(resourceVersion: string | undefined, currentRv: number): number {
    if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') return currentRv;
    if (!/^\d+$/.test(resourceVersion)) throw badRequest(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
    const rv = Number(resourceVersion);
    const oldest = this.log.oldestKnownRv;
    if (rv < oldest) throw expired(`too old resource version: ${rv} (${oldest})`);
    if (rv > currentRv) {
      // The apiserver answers a version from the future this way (retryable).
      throw new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${currentRv}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
    return rv;
  }

  private stop(w: Watcher): void {
    if (w.stopped) return;
    w.stopped = true;
    const byNs = this.byKind.get(w.kind);
    const set = byNs?.get(w.namespace ?? '');
    if (!byNs || !set) return;
    set.delete(w);
    if (set.size === 0) byNs.delete(w.namespace ?? '');
    if (byNs.size === 0) this.byKind.delete(w.kind);
  }

  private drain(): void {
    if (this.dispatching) return; // the outer loop will get to it, in order
    this.dispatching = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const rec = this.queue[i];
        // Sets tolerate deletion during iteration; watchers added meanwhile are skipped by lastRv.
        for (const kind of [rec.kind, '*']) {
          const byNs = this.byKind.get(kind);
          if (!byNs) continue;
          const anyNs = byNs.get('');
          if (anyNs) for (const w of anyNs) this.deliver(w, rec);
          const oneNs = rec.namespace ? byNs.get(rec.namespace) : undefined;
          if (oneNs) for (const w of oneNs) this.deliver(w, rec);
        }
      }
    } finally {
      this.queue.length = 0;
      this.dispatching = false;
    }
  }

  private deliver(w: Watcher, rec: EventRecord): void {
    if (w.stopped || rec.rv <= w.lastRv) return;
    w.lastRv = rec.rv;
    if (w.kind !== '*' && w.kind !== rec.kind) return; // replay walks every kind's events
    if (w.namespace !== undefined && w.namespace !== rec.namespace) return;
    const ev = w.filter ? this.filtered(w.filter, rec) : rec.event;
    if (ev) this.call(w, ev);
  }

  private call(w: Watcher, ev: WatchEvent): void {
    try {
      w.handler(ev);
    } catch (err) {
      // One broken handler must not starve the others nor fail the write.
      this.onHandlerError(err, ev);
    }
  }

  /** What a filtered watcher sees: the event, a shared ADDED/DELETED view, or nothing. */
  private filtered(filter: (o: KubeObject) => boolean, rec: EventRecord): WatchEvent | undefined {
    const ev = rec.event;
    if (ev.type !== 'MODIFIED' || !ev.oldObject) return filter(ev.object) ? ev : undefined;
    const now = filter(ev.object);
    const before = filter(ev.oldObject);
    if (now && before) return ev;
    if (now) return (rec.added ??= Object.freeze({ type: 'ADDED', object: ev.object }));
    if (before) {
      // It left the selection: a DELETED carrying the previous content at the event's version.
      const prev = JSON.parse(JSON.stringify(ev.oldObject)) as KubeObject;
      prev.metadata.resourceVersion = String(rec.rv);
      return (rec.deleted ??= Object.freeze({ type: 'DELETED', object: deepFreeze(prev) }));
    }
    return undefined;
  }

  private syntheticAdded(obj: KubeObject): WatchEvent {
    let ev = this.addedOf.get(obj);
    if (!ev) this.addedOf.set(obj, (ev = Object.freeze({ type: 'ADDED', object: obj })));
    return ev;
  }
}

function defaultErrorSink(err: unknown, ev: WatchEvent): void {
  const o = ev.object.metadata;
  console.error(`kubeterm: watch handler failed on ${ev.type} ${ev.object.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}:`, err);
}
