// The relist step both watch sessions share (the embedded one over the store,
// the kube one over HTTP): after a fresh list, tell the caller what changed
// since the objects it already knows, as ADDED / MODIFIED / DELETED events.
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';

/** `namespace/name`: how a session keys the objects it has told its caller about. */
export const objectKey = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * Emits ADDED for listed objects not known, MODIFIED (with the old object) for
 * those whose resourceVersion moved, then DELETED for known objects no longer
 * listed. `emit` may update `known` as it goes; the deletions walk a copy.
 */
export function emitRelistDiff(known: ReadonlyMap<string, KubeObject>, items: readonly KubeObject[], emit: (ev: WatchEvent) => void): void {
  const seen = new Set<string>();
  for (const obj of items) {
    const k = objectKey(obj);
    seen.add(k);
    const prev = known.get(k);
    if (!prev) emit({ type: 'ADDED', object: obj });
    else if (prev.metadata.resourceVersion !== obj.metadata.resourceVersion) emit({ type: 'MODIFIED', object: obj, oldObject: prev });
  }
  for (const [k, prev] of [...known]) if (!seen.has(k)) emit({ type: 'DELETED', object: prev });
}
