// One client watch against a Kubernetes API server, with the informer
// semantics ClusterClient promises (the same as the embedded WatchSession):
//  - no resourceVersion: list first, send ADDED for every object, then watch
//    from the list's resourceVersion;
//  - with a resourceVersion: watch from there;
//  - 410 Expired (an ERROR event or an HTTP 410): report it, re-list, send
//    only the differences from what this watch already sent, and resume;
//  - a lost connection: report it, reconnect from the last version seen with
//    exponential backoff (1 s doubling to 30 s), re-listing if that version
//    has expired meanwhile;
//  - the server closing the stream normally (timeoutSeconds): reconnect at once;
//  - 403 Forbidden (the list, the watch request or an ERROR event): report it
//    with the server's message and end: RBAC will not change its answer on a
//    timer, so the session does not retry (k9s opens no informer the user may
//    not list); the caller starts a new watch when the user asks again.
// The stream itself is `@kubernetes/client-node`'s Watch.
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Query } from './kube-http.js';
import { emitRelistDiff, objectKey } from './relist-diff.js';

/** The part of `@kubernetes/client-node`'s Watch this needs (tests may pass a fake). */
export interface WatchStream {
  watch(path: string, query: Query, callback: (phase: string, obj: any) => void, done: (err: any) => void): Promise<AbortController>;
}

export interface KubeWatchOptions {
  stream: WatchStream;
  /** The collection path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Lists the collection with the same path and selectors. */
  list: () => Promise<{ items: KubeObject[]; resourceVersion: string }>;
  clock: Clock;
  onEvent: (ev: WatchEvent) => void;
  onError?: (err: Error) => void;
  /** Maps a connection failure to a readable error (names the server and context). */
  describe?: (e: unknown) => Error;
  /** Backoff bounds; defaults 1 s and 30 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Asked of the server so that a silently dead connection is replaced; default 5 to 10 minutes like client-go. */
  timeoutSeconds?: number;
}

/** A 403: the server's StatusError, or the Watch's HTTP error (statusCode). */
function isForbidden(e: unknown): boolean {
  const x = e as { code?: unknown; statusCode?: unknown } | undefined;
  return x?.code === 403 || x?.statusCode === 403;
}

const keyOf = objectKey;

export class KubeWatchSession {
  /** What the caller has been told exists, so a re-list sends only the difference. */
  private readonly known = new Map<string, KubeObject>();
  private rv = '';
  private controller?: AbortController;
  private timer?: Timer;
  private stopped = false;
  /** Bumped per connection, so callbacks of a replaced connection are ignored. */
  private generation = 0;
  private backoffMs: number;

  constructor(private readonly o: KubeWatchOptions) {
    this.backoffMs = o.minBackoffMs ?? 1000;
  }

  start(): void {
    queueMicrotask(() => {
      if (this.stopped) return;
      if (this.o.resourceVersion) {
        this.rv = this.o.resourceVersion;
        void this.connect();
      } else void this.relist();
    });
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.timer?.cancel();
    this.controller?.abort();
    this.controller = undefined;
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.controller?.abort();
    let list;
    try {
      list = await this.o.list();
    } catch (e) {
      if (gen !== this.generation || this.stopped) return;
      this.fail(e);
      if (isForbidden(e)) this.stop();
      else this.retryLater(() => this.relist());
      return;
    }
    if (gen !== this.generation || this.stopped) return;
    emitRelistDiff(this.known, list.items, (ev) => this.emit(ev));
    this.rv = list.resourceVersion;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.generation;
    let expired = false;
    let errored = false;
    let forbidden = false;
    let got = false;
    let finished = false;
    /** When the server accepted the watch (HTTP 200), on the session's clock. */
    let connectedAt: number | undefined;
    const query: Query = {
      resourceVersion: this.rv,
      allowWatchBookmarks: true,
      labelSelector: this.o.labelSelector || undefined,
      fieldSelector: this.o.fieldSelector || undefined,
      timeoutSeconds: this.o.timeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
    };
    const onEvent = (phase: string, obj: any) => {
      if (gen !== this.generation || this.stopped) return;
      if (phase === 'ERROR') {
        if (obj?.code === 410) expired = true;
        else {
          errored = true;
          forbidden = obj?.code === 403;
          this.fail(new StatusError(obj?.code ?? 500, obj?.reason ?? 'InternalError', obj?.message ?? 'watch error'));
        }
        this.controller?.abort();
        return;
      }
      if (!got) {
        // The watch works: the next failure starts its backoff from the bottom again.
        got = true;
        this.backoffMs = this.o.minBackoffMs ?? 1000;
      }
      const rv = obj?.metadata?.resourceVersion;
      if (rv) this.rv = rv;
      if (phase === 'BOOKMARK') return;
      if (phase !== 'ADDED' && phase !== 'MODIFIED' && phase !== 'DELETED') return;
      // The server already turns "started/stopped matching the selector" into ADDED/DELETED; the
      // previous state is attached when this watch has seen it (not when it started from a version).
      const prev = phase === 'ADDED' ? undefined : this.known.get(keyOf(obj));
      this.emit(prev ? { type: phase, object: obj, oldObject: prev } : { type: phase, object: obj });
    };
    const onDone = (err: any) => {
      finished = true;
      if (gen !== this.generation || this.stopped) return;
      this.controller = undefined;
      if (expired || err?.statusCode === 410 || err?.code === 410) {
        this.fail(new StatusError(410, 'Expired', `too old resource version: ${this.rv}`));
        void this.relist();
      } else if (forbidden) {
        this.stop();
      } else if (errored) {
        this.retryLater(() => this.connect());
      } else if (err && err.name !== 'AbortError') {
        this.fail(err);
        if (isForbidden(err)) this.stop();
        else this.retryLater(() => this.connect());
      } else if (got || (connectedAt !== undefined && this.o.clock.now() - connectedAt >= (this.o.minBackoffMs ?? 1000))) {
        // The server ended a watch that worked (timeoutSeconds): carry on at once from where it stopped.
        this.backoffMs = this.o.minBackoffMs ?? 1000;
        void this.connect();
      } else {
        // Closed without a single event: do not spin against a server that hangs up at once.
        this.retryLater(() => this.connect());
      }
    };
    try {
      const controller = await this.o.stream.watch(this.o.path, query, onEvent, onDone);
      if (gen !== this.generation || this.stopped) controller.abort();
      else if (!finished) {
        this.controller = controller;
        connectedAt = this.o.clock.now();
      }
    } catch (e) {
      onDone(e);
    }
  }

  private retryLater(fn: () => Promise<void>): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.maxBackoffMs ?? 30_000);
    this.timer?.cancel();
    this.timer = this.o.clock.setTimeout(() => {
      if (!this.stopped) void fn();
    }, delay);
  }

  private emit(ev: WatchEvent): void {
    if (this.stopped) return;
    if (ev.type === 'DELETED') this.known.delete(keyOf(ev.object));
    else this.known.set(keyOf(ev.object), ev.object);
    try {
      this.o.onEvent(ev);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    let err: Error;
    if (e instanceof StatusError) err = e;
    else if ((e as { statusCode?: number })?.statusCode) {
      const code = (e as { statusCode: number }).statusCode;
      err = new StatusError(code, code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'NotFound' : 'InternalError', `watch ${this.o.path}: ${(e as Error).message}`);
    } else err = this.o.describe ? this.o.describe(e) : e instanceof Error ? e : new Error(String(e));
    try {
      this.o.onError?.(err);
    } catch {
      // a throwing error handler must not stop the watch
    }
  }
}
