// The object store: every Kubernetes object kubeterm holds, indexed
// kind → namespace → name, with one global resourceVersion counter and a watch
// that replays from a bounded log. Reads are synchronous and return frozen
// objects without copying; writes change memory, notify watchers, then resolve
// once persistence says the change is on disk (group commit, see persistence.ts).
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound, staleConflict } from '../src/api/errors.js';
import type { KubeObject, ObjectMeta } from '../src/api/meta.js';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  ObjectStore,
  UpdateOptions,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from '../src/api/store-types.js';
import { checkPreconditions, isFinished, planDelete, rfc3339 } from './deletion.js';
import { deepFreeze, jsonEqual, specPartEqual } from './freeze.js';
import { byNsName, keyOfInput, scopeNs, setNs } from './keys.js';
import { storeCopy } from './plain-copy.js';
import type { Persistence, StoreChange, StoreSnapshot } from './types.js';
import { WatchHub, type EventRecord, type HandlerErrorSink } from './watch-hub.js';

export interface MemoryStoreConfig {
  /** Milliseconds since the epoch (creationTimestamp, deletionTimestamp). */
  now?: () => number;
  newUid?: () => string;
  /** How many events the watch replay log keeps. Default 10000. */
  logSize?: number;
  persistence?: Persistence;
  /** Objects and rv counter to start from (a loaded state file). */
  initial?: StoreSnapshot;
  /**
   * The initial objects belong to this store (freshly parsed from the files,
   * shared with no one): they are frozen in place instead of copied, which
   * halves the work of a start with many objects.
   */
  initialOwned?: boolean;
  /** Where a watch handler's exception goes (default: console.error). It never fails the write. */
  onHandlerError?: HandlerErrorSink;
}

type Index = Map<string, Map<string, Map<string, KubeObject>>>;

export class MemoryStore implements ObjectStore {
  private readonly now: () => number;
  private readonly newUid: () => string;
  private readonly persistence?: Persistence;
  private readonly index: Index = new Map();
  /** Sorted object arrays per kind and per kind+namespace, rebuilt lazily after a change to that kind. */
  private readonly sorted = new Map<string, KubeObject[]>();
  private rv: number;
  private readonly hub: WatchHub;
  private readonly snapshotFn = (): StoreSnapshot => this.snapshot();

  constructor(config: MemoryStoreConfig = {}) {
    this.now = config.now ?? Date.now;
    this.newUid = config.newUid ?? randomUUID;
    this.persistence = config.persistence;
    let rv = Number(config.initial?.resourceVersion ?? 0) || 0;
    for (const o of config.initial?.objects ?? []) {
      const obj = deepFreeze(config.initialOwned ? o : (JSON.parse(JSON.stringify(o)) as KubeObject));
      this.put(obj.kind, scopeNs(obj.kind, obj.metadata.namespace), obj.metadata.name ?? '', obj);
      rv = Math.max(rv, Number(obj.metadata.resourceVersion) || 0);
    }
    this.rv = rv;
    this.hub = new WatchHub(config.logSize ?? 10000, rv, config.onHandlerError);
  }

  // ---- reads -------------------------------------------------------------

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string, name: string): T | undefined {
    return this.index.get(kind)?.get(scopeNs(kind, namespace))?.get(name) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string, opts: ListOptions = {}): ListResult<T> {
    const all = this.sortedOf(kind, opts.namespace || undefined);
    const items = (opts.filter ? all.filter(opts.filter) : all.slice()) as T[];
    return { items, resourceVersion: String(this.rv) };
  }

  private sortedOf(kind: string, namespace: string | undefined): KubeObject[] {
    const key = namespace === undefined ? kind : `${kind}\0${namespace}`;
    let arr = this.sorted.get(key);
    if (arr) return arr;
    arr = [];
    const kinds = kind === '*' ? [...this.index.values()] : [this.index.get(kind)];
    for (const byNs of kinds) {
      if (!byNs) continue;
      const spaces = namespace === undefined ? [...byNs.values()] : [byNs.get(namespace)];
      for (const byName of spaces) if (byName) for (const o of byName.values()) arr.push(o);
    }
    arr.sort(byNsName);
    if (kind !== '*') this.sorted.set(key, arr);
    return arr;
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  kinds(): string[] {
    return [...this.index.keys()].sort();
  }

  /** Every object and the rv counter: what persistence writes. */
  snapshot(): StoreSnapshot {
    const objects: KubeObject[] = [];
    for (const byNs of this.index.values()) for (const byName of byNs.values()) for (const o of byName.values()) objects.push(o);
    return { resourceVersion: String(this.rv), objects };
  }

  // ---- writes ------------------------------------------------------------

  async create<T extends KubeObject>(input: T): Promise<T> {
    const { kind, namespace, name } = keyOfInput(input);
    if (this.get(kind, namespace, name)) throw alreadyExists(kind, name);
    const obj = copy(input);
    const m = obj.metadata;
    setNs(m, kind, namespace);
    m.uid = this.newUid();
    m.creationTimestamp = rfc3339(this.now());
    m.generation = 1;
    // A new object is never being deleted (as the apiserver's BeforeCreate clears these).
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    m.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.put(kind, namespace, name, obj);
    this.hub.emit(this.rv, kind, namespace, { type: 'ADDED', object: obj });
    await this.durable(kind, namespace, name, obj, m.resourceVersion);
    return obj as T;
  }

  async update<T extends KubeObject>(input: T, opts: UpdateOptions = {}): Promise<T> {
    const { kind, namespace, name } = keyOfInput(input);
    const old = this.get(kind, namespace, name);
    if (!old) throw notFound(kind, name);
    const want = input.metadata.resourceVersion;
    if (opts.checkResourceVersion !== false && want && want !== old.metadata.resourceVersion) throw staleConflict(kind, name);
    if (input.metadata.uid && input.metadata.uid !== old.metadata.uid) {
      throw conflict(kind, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const obj = copy(input);
    const m = obj.metadata;
    const o = old.metadata;
    setNs(m, kind, namespace);
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    // An update can never remove or move a deletion mark, nor drop its grace period.
    if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
    if (m.deletionGracePeriodSeconds === undefined && o.deletionGracePeriodSeconds !== undefined) {
      m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    }
    let generation = o.generation ?? 1;
    if (!specPartEqual(obj, old)) generation++;
    if (m.deletionTimestamp && !o.deletionTimestamp) generation++;
    m.generation = generation;
    m.resourceVersion = o.resourceVersion;
    if (jsonEqual(obj, old)) {
      // Nothing changed: like the apiserver, no new version and no event.
      await this.persistence?.idle();
      return old as T;
    }
    m.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    if (isFinished(m)) {
      // The last finalizer is gone from an object marked for deletion: it goes now.
      this.remove(kind, namespace, name);
      this.hub.emit(this.rv, kind, namespace, { type: 'DELETED', object: obj, oldObject: old });
      await this.durable(kind, namespace, name, null, m.resourceVersion);
    } else {
      this.put(kind, namespace, name, obj);
      this.hub.emit(this.rv, kind, namespace, { type: 'MODIFIED', object: obj, oldObject: old });
      await this.durable(kind, namespace, name, obj, m.resourceVersion);
    }
    return obj as T;
  }

  async delete(kind: string, namespace: string, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    const ns = scopeNs(kind, namespace);
    const old = this.get(kind, ns, name);
    if (!old) throw notFound(kind, name);
    checkPreconditions(kind, name, old, opts.preconditions);
    const plan = planDelete(old, opts, this.now());
    if (plan.action === 'none') {
      // Already marked and nothing to shorten: nothing changes.
      await this.persistence?.idle();
      return old;
    }
    if (plan.action === 'mark') {
      const marked = withMeta(old, plan.meta);
      marked.metadata.resourceVersion = String(++this.rv);
      deepFreeze(marked);
      this.put(kind, ns, name, marked);
      this.hub.emit(this.rv, kind, ns, { type: 'MODIFIED', object: marked, oldObject: old });
      await this.durable(kind, ns, name, marked, marked.metadata.resourceVersion!);
      return marked;
    }
    // Removed: the DELETED event carries the last state with a fresh resourceVersion.
    const gone = withMeta(old, {});
    gone.metadata.resourceVersion = String(++this.rv);
    deepFreeze(gone);
    this.remove(kind, ns, name);
    this.hub.emit(this.rv, kind, ns, { type: 'DELETED', object: gone, oldObject: old });
    await this.durable(kind, ns, name, null, gone.metadata.resourceVersion!);
    return gone;
  }

  // ---- watch -------------------------------------------------------------

  watch(kind: string, opts: WatchOptions, handler: (ev: WatchEvent) => void): WatchHandle {
    const rv = opts.resourceVersion;
    const snapshot = rv === '0' ? this.list(kind, { namespace: opts.namespace, filter: opts.filter }).items : undefined;
    return this.hub.watch(kind, opts, handler, this.rv, snapshot);
  }

  /** Number of live watchers (for diagnostics and tests). */
  watcherCount(): number {
    return this.hub.watcherCount();
  }

  // ---- internals ---------------------------------------------------------

  /**
   * Waits until this mutation (the object's new state, or null when it is gone,
   * at `rv`) is on disk. rv is passed in, not read from the counter: a watch
   * handler may already have made another write.
   */
  private async durable(kind: string, namespace: string, name: string, object: KubeObject | null, rv: string): Promise<void> {
    if (!this.persistence) return;
    const change: StoreChange = { resourceVersion: rv, kind, namespace, name, object };
    await this.persistence.commit(this.snapshotFn, change);
  }

  private put(kind: string, namespace: string, name: string, obj: KubeObject): void {
    let byNs = this.index.get(kind);
    if (!byNs) this.index.set(kind, (byNs = new Map()));
    let byName = byNs.get(namespace);
    if (!byName) byNs.set(namespace, (byName = new Map()));
    byName.set(name, obj);
    this.invalidate(kind, namespace);
  }

  private invalidate(kind: string, namespace: string): void {
    this.sorted.delete(kind);
    this.sorted.delete(`${kind}\0${namespace}`);
  }

  private remove(kind: string, namespace: string, name: string): void {
    const byNs = this.index.get(kind);
    const byName = byNs?.get(namespace);
    if (!byNs || !byName) return;
    byName.delete(name);
    this.invalidate(kind, namespace);
    // Empty maps are dropped so kinds() only names kinds holding objects.
    if (byName.size === 0) byNs.delete(namespace);
    if (byNs.size === 0) this.index.delete(kind);
  }
}

/**
 * A private, mutable copy, equal to a JSON round trip (drops undefined fields
 * exactly as the file would); frozen parts of stored versions are shared, not copied.
 */
function copy<T>(v: T): T {
  return storeCopy(v);
}

function withMeta(obj: KubeObject, meta: Partial<ObjectMeta>): KubeObject {
  const c = copy(obj);
  Object.assign(c.metadata, meta);
  return c;
}

export type { EventRecord };
export { rfc3339 };
