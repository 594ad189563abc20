// One watch per kind for the whole UI (the header, the table, describe's
// events and the events pane share them), kept in memory by key. Incoming
// events only mark the cache dirty; listeners hear about it at most once per
// frame (default 100 ms, i.e. ≤10 redraws a second), however fast events come.
import type { KubeObject } from '../src/api/meta.js';
import type { WatchEvent } from '../src/api/store-types.js';
import type { ClusterClient, Subscription } from '../src/client/types.js';
import type { Clock, Timer } from '../src/util/clock.js';

interface Entry {
  objects: Map<string, KubeObject>;
  items?: KubeObject[];
  sub?: Subscription;
  error?: string;
  synced: boolean;
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
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

  /** Starts watching a kind (all namespaces) if not yet watched. Safe to call on every render. */
  ensure(kind: string): void {
    if (this.closed || this.entries.has(kind)) return;
    const entry: Entry = { objects: new Map(), synced: false };
    this.entries.set(kind, entry);
    entry.sub = this.client.watch(
      kind,
      {},
      (ev) => this.onEvent(entry, ev),
      (err) => {
        entry.error = err.message;
        this.markDirty();
      },
    );
  }

  private onEvent(entry: Entry, ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    const k = keyOf(ev.object);
    if (ev.type === 'DELETED') entry.objects.delete(k);
    else entry.objects.set(k, ev.object);
    entry.items = undefined;
    entry.error = undefined; // events flow again: the connection is back
    entry.synced = true;
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

  /** The objects of a kind (all namespaces), a stable array between changes. */
  items(kind: string): KubeObject[] {
    this.ensure(kind);
    const e = this.entries.get(kind);
    if (!e) return [];
    if (!e.items) e.items = [...e.objects.values()];
    return e.items;
  }

  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    this.ensure(kind);
    return this.entries.get(kind)?.objects.get(`${namespace}/${name}`);
  }

  /** Lost connections, by kind, until events flow again. */
  errors(): { kind: string; message: string }[] {
    const out: { kind: string; message: string }[] = [];
    for (const [kind, e] of this.entries) if (e.error) out.push({ kind, message: e.error });
    return out;
  }

  /** Stops watching (and forgets) every kind `keep` refuses: a kind the server no longer serves. */
  retain(keep: (kind: string) => boolean): void {
    let dropped = false;
    for (const [kind, e] of this.entries) {
      if (keep(kind)) continue;
      e.sub?.stop();
      this.entries.delete(kind);
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
