// One client watch over the in-process store, with the semantics a Kubernetes
// informer expects from a watch:
//  - no resourceVersion: list first, send ADDED for every object, then stream;
//  - with a resourceVersion: stream from there (the store replays what was missed);
//  - 410 Expired (the version fell out of the replay log): report it, re-list,
//    send only the differences from what this watch already sent, and resume.
// Selectors are applied here, turning "started/stopped matching" into
// ADDED/DELETED as the API server does for a filtered watch.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';
import { emitRelistDiff, objectKey } from './relist-diff.js';

export interface WatchSessionOptions {
  api: Api;
  kind: string;
  namespace?: string;
  filter?: (o: KubeObject) => boolean;
  resourceVersion?: string;
  onEvent: (ev: WatchEvent) => void;
  onError?: (err: Error) => void;
}

const keyOf = objectKey;

export class WatchSession {
  /** What the caller has been told exists (key → object), so a re-list can send only the difference. */
  private readonly known = new Map<string, KubeObject>();
  private handle?: WatchHandle;
  private stopped = false;

  constructor(private readonly o: WatchSessionOptions) {}

  /** Starts on a microtask, so the caller holds its Subscription before the first event arrives. */
  start(): void {
    queueMicrotask(() => {
      if (this.stopped) return;
      if (this.o.resourceVersion !== undefined && this.o.resourceVersion !== '') this.resume(this.o.resourceVersion);
      else this.relist();
    });
  }

  stop(): void {
    this.stopped = true;
    this.handle?.stop();
    this.handle = undefined;
  }

  /** Watch from `rv`; when it has expired, fall back to a re-list. */
  private resume(rv: string): void {
    try {
      this.subscribe(rv);
    } catch (e) {
      if (!isStatusError(e) || e.code !== 410) {
        this.fail(e);
        return;
      }
      this.fail(e);
      this.relist();
    }
  }

  /**
   * Lists, diffs against what the caller knows, and watches from the list's
   * version. The store is in memory and single-threaded, so nothing can happen
   * between the list and the subscribe.
   */
  private relist(): void {
    if (this.stopped) return;
    this.handle?.stop();
    let list;
    try {
      list = this.o.api.list(this.o.kind, { namespace: this.o.namespace, filter: this.o.filter });
    } catch (e) {
      this.fail(e);
      return;
    }
    emitRelistDiff(this.known, list.items, (ev) => this.emit(ev));
    try {
      this.subscribe(list.resourceVersion);
    } catch (e) {
      // Cannot expire: the version was just read. Anything else is reported.
      this.fail(e);
    }
  }

  private subscribe(rv: string): void {
    if (this.stopped) return;
    const handle = this.o.api.watch(this.o.kind, { namespace: this.o.namespace, resourceVersion: rv }, (ev) => this.onStoreEvent(ev));
    // The store replays missed events inside watch(); a handler that stopped us meanwhile could not reach the handle yet.
    if (this.stopped) handle.stop();
    else this.handle = handle;
  }

  private onStoreEvent(ev: WatchEvent): void {
    if (this.stopped) return;
    const f = this.o.filter;
    if (!f || ev.type === 'BOOKMARK') {
      this.emit(ev);
      return;
    }
    const now = f(ev.object);
    switch (ev.type) {
      case 'ADDED':
        if (now) this.emit(ev);
        return;
      case 'DELETED':
        if (now || this.known.has(keyOf(ev.object))) this.emit(ev);
        return;
      case 'MODIFIED': {
        const before = ev.oldObject ? f(ev.oldObject) : this.known.has(keyOf(ev.object));
        if (now && before) this.emit(ev);
        else if (now) this.emit({ type: 'ADDED', object: ev.object });
        else if (before) this.emit({ type: 'DELETED', object: ev.oldObject ?? ev.object });
        return;
      }
    }
  }

  private emit(ev: WatchEvent): void {
    if (this.stopped) return;
    if (ev.type === 'DELETED') this.known.delete(keyOf(ev.object));
    else if (ev.type !== 'BOOKMARK') this.known.set(keyOf(ev.object), ev.object);
    try {
      this.o.onEvent(ev);
    } catch (e) {
      // A throwing handler must not break the store's commit loop.
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    try {
      this.o.onError?.(err);
    } catch {}
  }
}
