// One watch per kind for the whole UI (the header, the table, describe's
// events and the events pane share them), kept in memory by key. Incoming
// events only mark the cache dirty; listeners hear about it at most once per
// frame (default 100 ms, i.e. ≤10 redraws a second), however fast events come.
//
// Watches are of all namespaces. When the server refuses that with 403 (a
// kubeconfig limited to some namespaces, as RBAC Roles grant), a view of one
// namespace watches just that namespace instead; a view the user may not list
// at all carries the server's reason (`forbidden(...)`) instead of objects. A
// refused watch is not retried by itself (the client ends it, as k9s opens no
// informer it may not have): `retryForbidden` starts it again when the user
// comes back to the view or switches namespace.
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import type { ClusterClient, Subscription } from '../../src/client/types.js';
import type { Clock, Timer } from '../../src/util/clock.js';
import { recordDelta } from './list-delta.js';

interface Entry {
  kind: string;
  /** '' for all namespaces. */
  namespace: string;
  objects: Map<string, KubeObject>;
  items?: KubeObject[];
  /** The last items array handed out, and what each key held in it before the changes since (tables apply just those). */
  handed?: KubeObject[];
  journal?: Map<string, KubeObject | undefined>;
  sub?: Subscription;
  /** A lost connection, until events flow again. */
  error?: string;
  /** The server refused to list or watch (403): its message. The watch has ended. */
  forbidden?: string;
  synced: boolean;
}

/** What a table view shows: the objects, or why it may not. */
export interface Listing {
  items: KubeObject[];
  /** The server's 403 message when the user may not list the kind (in that namespace). */
  forbidden?: string;
}

const EMPTY: KubeObject[] = [];

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

function entryKey(kind: string, namespace: string): string {
  return namespace ? `${kind}@${namespace}` : kind;
}

/** A 403 from any client: a StatusError (code) or an HTTP error (statusCode). */
export function isForbidden(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  return e?.code === 403 || e?.statusCode === 403;
}

export class WatchCache {
  private entries = new Map<string, Entry>();
  private listeners = new Set<() => void>();
  private timer?: Timer;
  private closed = false;
  /** Bumped once per flushed frame; React reads it through useSyncExternalStore. */
  version = 0;

  constructor(
    private readonly client: ClusterClient,
    private readonly clock: Clock,
    private readonly frameMs = 100,
  ) {}

  /** Starts watching a kind (all namespaces, or one) if not yet watched. Safe to call on every render. */
  ensure(kind: string, namespace = ''): void {
    const key = entryKey(kind, namespace);
    if (this.closed || this.entries.has(key)) return;
    const entry: Entry = { kind, namespace, objects: new Map(), synced: false };
    this.entries.set(key, entry);
    const sub = this.client.watch(
      kind,
      namespace ? { namespace } : {},
      (ev) => this.onEvent(entry, ev),
      (err) => this.onError(entry, err),
    );
    // A client may refuse at once, inside watch(): end that watch here too.
    if (entry.forbidden || this.entries.get(key) !== entry) sub.stop();
    else entry.sub = sub;
  }

  private onEvent(entry: Entry, ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK' || entry.forbidden) return;
    const k = keyOf(ev.object);
    if (entry.handed) {
      entry.journal ??= new Map();
      if (!entry.journal.has(k)) entry.journal.set(k, entry.objects.get(k));
      // Nobody has read this kind for a while (churning Events while their pane is hidden): a
      // journal longer than the list itself would only keep deleted objects alive. The next
      // reader reads the list in full instead.
      if (entry.journal.size > entry.objects.size + 64) {
        entry.handed = undefined;
        entry.journal = undefined;
      }
    }
    if (ev.type === 'DELETED') entry.objects.delete(k);
    else entry.objects.set(k, ev.object);
    entry.items = undefined;
    entry.error = undefined; // events flow again: the connection is back
    entry.synced = true;
    this.markDirty();
  }

  private onError(entry: Entry, err: Error): void {
    if (isForbidden(err)) {
      // Not a lost connection: the answer stands until the user asks again (retryForbidden).
      entry.forbidden = err.message || 'forbidden';
      entry.error = undefined;
      entry.objects.clear();
      entry.items = undefined;
      entry.handed = undefined;
      entry.journal = undefined;
      entry.sub?.stop();
      entry.sub = undefined;
    } else entry.error = err.message;
    this.markDirty();
  }

  private markDirty(): void {
    if (this.timer || this.closed) return;
    this.timer = this.clock.setTimeout(() => this.flush(), this.frameMs);
  }

  /** Notifies listeners now (the frame timer calls this; tests may too). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.version++;
    for (const l of [...this.listeners]) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private itemsOf(e: Entry | undefined): KubeObject[] {
    if (!e) return EMPTY;
    if (!e.items) {
      e.items = [...e.objects.values()];
      if (e.handed) {
        const added: KubeObject[] = [];
        const removed: KubeObject[] = [];
        for (const [k, before] of e.journal ?? []) {
          const after = e.objects.get(k);
          if (before === after) continue;
          if (before) removed.push(before);
          if (after) added.push(after);
        }
        recordDelta(e.items, { from: e.handed, added, removed });
      }
      e.handed = e.items;
      e.journal = undefined;
    }
    return e.items;
  }

  /** The objects of a kind (all namespaces), a stable array between changes. */
  items(kind: string): KubeObject[] {
    this.ensure(kind);
    return this.itemsOf(this.entries.get(kind));
  }

  /**
   * What a table of a kind in a namespace ('' = all, and for cluster-scoped
   * kinds) shows: the all-namespaces watch's objects; when that one is
   * forbidden, those of a watch of just this namespace; or the refusal.
   */
  listing(kind: string, namespace: string): Listing {
    this.ensure(kind);
    const all = this.entries.get(kind);
    if (!all) return { items: EMPTY };
    if (!all.forbidden || !namespace) return all.forbidden ? { items: EMPTY, forbidden: all.forbidden } : { items: this.itemsOf(all) };
    this.ensure(kind, namespace);
    const one = this.entries.get(entryKey(kind, namespace));
    return one?.forbidden ? { items: EMPTY, forbidden: one.forbidden } : { items: this.itemsOf(one) };
  }

  /** The server's refusal of the watch a table of this kind and namespace uses, if any. */
  forbidden(kind: string, namespace: string): string | undefined {
    const all = this.entries.get(kind);
    if (!all?.forbidden || !namespace) return all?.forbidden;
    return this.entries.get(entryKey(kind, namespace))?.forbidden;
  }

  /**
   * Asks the server again, for a view of this kind and namespace that was
   * refused: the refused watch is dropped, and starts anew on the next read.
   */
  retryForbidden(kind: string, namespace: string): void {
    const all = this.entries.get(kind);
    const key = all?.forbidden && namespace ? entryKey(kind, namespace) : kind;
    const e = this.entries.get(key);
    if (!e?.forbidden) return;
    this.entries.delete(key);
    this.markDirty();
  }

  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    this.ensure(kind);
    const k = `${namespace}/${name}`;
    return this.entries.get(kind)?.objects.get(k) ?? this.entries.get(entryKey(kind, namespace))?.objects.get(k);
  }

  /** Lost connections, by kind, until events flow again (refusals are not: the views say those). */
  errors(): { kind: string; message: string }[] {
    const out: { kind: string; message: string }[] = [];
    const seen = new Set<string>();
    for (const e of this.entries.values()) {
      if (!e.error || seen.has(e.kind)) continue;
      seen.add(e.kind);
      out.push({ kind: e.kind, message: e.error });
    }
    return out;
  }

  /** Stops watching (and forgets) every kind `keep` refuses: a kind the server no longer serves. */
  retain(keep: (kind: string) => boolean): void {
    let dropped = false;
    for (const [key, e] of this.entries) {
      if (keep(e.kind)) continue;
      e.sub?.stop();
      this.entries.delete(key);
      dropped = true;
    }
    if (dropped) this.markDirty();
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    for (const e of this.entries.values()) e.sub?.stop();
    this.entries.clear();
    this.listeners.clear();
  }
}
