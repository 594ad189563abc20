// Watches one kind and turns every event into work-queue keys. Unlike
// client-go's informer it keeps no cache of its own: the store is already an
// in-memory, consistent cache, so reconcile reads fresh state from it. The
// watch starts at resourceVersion "0", so every existing object is delivered
// first as ADDED (the initial list), then every change.
import type { Api } from '../api/api.js';
import { controllerRef, nsName, type KubeObject } from '../api/meta.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';

/** Maps one event to the keys to reconcile. */
export type KeyMapper = (ev: WatchEvent) => Iterable<string>;

export interface InformerOptions {
  api: Api;
  kind: string;
  /** Only this namespace ('' or undefined: all). */
  namespace?: string;
  toKeys: KeyMapper;
  enqueue: (key: string) => void;
}

export class Informer {
  private handle?: WatchHandle;

  constructor(private readonly opts: InformerOptions) {}

  start(): void {
    if (this.handle) return;
    const { api, kind, namespace, toKeys, enqueue } = this.opts;
    this.handle = api.watch(kind, { namespace: namespace || undefined, resourceVersion: '0' }, (ev) => {
      if (ev.type === 'BOOKMARK') return;
      for (const key of toKeys(ev)) enqueue(key);
    });
  }

  stop(): void {
    this.handle?.stop();
    this.handle = undefined;
  }
}

/** The object's own key (`namespace/name`). */
export const selfKey: KeyMapper = (ev) => [nsName(ev.object)];

/**
 * Child → owner: the key of the controlling owner of `ownerKind`, for the new
 * and (when the controllerRef changed) the old object, as client-go handlers do.
 */
export function ownerKeys(ownerKind: string): KeyMapper {
  return (ev) => {
    const keys = new Set<string>();
    for (const o of [ev.object, ev.oldObject]) {
      const k = o && controllerOwnerKey(o, ownerKind);
      if (k) keys.add(k);
    }
    return keys;
  };
}

/** `namespace/name` of obj's controller when it is of `ownerKind`. */
export function controllerOwnerKey(obj: KubeObject, ownerKind: string): string | undefined {
  const ref = controllerRef(obj);
  if (!ref || ref.kind !== ownerKind) return undefined;
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${ref.name}` : ref.name;
}
