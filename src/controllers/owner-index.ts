// Objects of one kind grouped by the uid of their controller (client-go's
// "controller uid" indexer), plus the orphans (no controller) per namespace.
// Controllers reconcile once per child event; listing every Pod of the
// namespace on each reconcile made a 10,000-pod scale-up cost O(pods²). With
// the index a ReplicaSet reads only its own pods.
//
// The index follows the store through a watch from resourceVersion "0": the
// store delivers events synchronously inside the write, so by the time a
// write has returned (and whenever a reconcile runs) the index agrees with
// the store. It starts on first use, so a reconcile called directly (tests)
// sees the same objects as one run by a started controller.
//
// The ReplicaSet, Job, DaemonSet and StatefulSet controllers all index Pods:
// sharedOwnerIndex gives them one index per Api and kind (one watch, one set
// of maps) that lives while any of them uses it.
import type { Api } from '../api/api.js';
import { controllerRef, type KubeObject } from '../api/meta.js';
import type { WatchHandle } from '../api/store-types.js';

export class OwnerIndex {
  private handle?: WatchHandle;
  /** Bucket ('u' + controller uid, or 'n' + namespace for orphans) → name → object. */
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  /** namespace/name → the bucket it sits in, to move it when its controller changes. */
  private readonly bucketOf = new Map<string, string>();

  constructor(
    private readonly api: Api,
    private readonly kind: string,
  ) {}

  /** Objects in `namespace` whose controller has this uid, sorted by name (the store's list order). */
  owned(uid: string | undefined, namespace: string): KubeObject[] {
    if (!uid) return [];
    return this.items(`u${uid}`, namespace);
  }

  /** Objects in `namespace` with no controller, sorted by name. */
  orphans(namespace: string): KubeObject[] {
    return this.items(`n${namespace}`, namespace);
  }

  stop(): void {
    this.handle?.stop();
    this.handle = undefined;
    this.buckets.clear();
    this.bucketOf.clear();
  }

  private items(bucket: string, namespace: string): KubeObject[] {
    this.ensureStarted();
    const m = this.buckets.get(bucket);
    if (!m) return [];
    const out: KubeObject[] = [];
    for (const o of m.values()) if ((o.metadata.namespace ?? '') === namespace) out.push(o);
    return out.sort((a, b) => cmp(a.metadata.name ?? '', b.metadata.name ?? ''));
  }

  private ensureStarted(): void {
    if (this.handle) return;
    // rv "0": every current object arrives first as ADDED, synchronously, inside watch().
    this.handle = this.api.watch(this.kind, { resourceVersion: '0' }, (ev) => {
      if (ev.type === 'BOOKMARK') return;
      const key = `${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name ?? ''}`;
      this.remove(key);
      if (ev.type !== 'DELETED') this.add(key, ev.object);
    });
  }

  private add(key: string, obj: KubeObject): void {
    const uid = controllerRef(obj)?.uid;
    const bucket = uid ? `u${uid}` : `n${obj.metadata.namespace ?? ''}`;
    let m = this.buckets.get(bucket);
    if (!m) this.buckets.set(bucket, (m = new Map()));
    m.set(key, obj);
    this.bucketOf.set(key, bucket);
  }

  private remove(key: string): void {
    const bucket = this.bucketOf.get(key);
    if (bucket === undefined) return;
    this.bucketOf.delete(key);
    const m = this.buckets.get(bucket);
    m?.delete(key);
    if (m && m.size === 0) this.buckets.delete(bucket);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a controller holds: the shared index's reads, and stop() to let go of it. */
export interface OwnerIndexHandle {
  owned(uid: string | undefined, namespace: string): KubeObject[];
  orphans(namespace: string): KubeObject[];
  stop(): void;
}

const shared = new WeakMap<Api, Map<string, { index: OwnerIndex; users: number }>>();

/** One OwnerIndex per Api and kind for every controller that asks; stopped when the last user lets go. */
export function sharedOwnerIndex(api: Api, kind: string): OwnerIndexHandle {
  let held = false;
  const acquire = (): OwnerIndex => {
    let byKind = shared.get(api);
    if (!byKind) shared.set(api, (byKind = new Map()));
    let entry = byKind.get(kind);
    if (!entry) byKind.set(kind, (entry = { index: new OwnerIndex(api, kind), users: 0 }));
    if (!held) {
      held = true;
      entry.users++;
    }
    return entry.index;
  };
  return {
    owned: (uid, namespace) => acquire().owned(uid, namespace),
    orphans: (namespace) => acquire().orphans(namespace),
    stop() {
      if (!held) return;
      held = false;
      const byKind = shared.get(api);
      const entry = byKind?.get(kind);
      if (!byKind || !entry || --entry.users > 0) return;
      entry.index.stop();
      byKind.delete(kind);
    },
  };
}
