// What changed between two lists of one watch's objects, so a table can apply
// the few changes of a frame instead of looking at all 10,000 objects again.
// The watch cache records, for each list it hands out, the list before it and
// the objects added and removed since (a changed object is the old version
// removed and the new one added: objects are immutable). Lists are keyed by
// identity in a WeakMap: a list nobody holds any more takes its delta with it.
import type { KubeObject } from '../../src/api/meta.js';

export interface ListDelta {
  /** The list this one follows. */
  from: readonly KubeObject[];
  /** In this list, not in `from`. */
  added: readonly KubeObject[];
  /** In `from`, not in this list. */
  removed: readonly KubeObject[];
}

const deltas = new WeakMap<readonly KubeObject[], ListDelta>();

/**
 * Records how `list` follows `delta.from`. The list before forgets its own
 * delta: a delta holds its `from` list, so keeping every step would keep every
 * list ever handed out alive (10,000 pods a frame). Readers apply one step,
 * from the list they last saw to the newest; anything older is read in full.
 */
export function recordDelta(list: readonly KubeObject[], delta: ListDelta): void {
  deltas.delete(delta.from);
  deltas.set(list, delta);
}

/** How `list` differs from the list before it, when whoever made it recorded that. */
export function deltaOf(list: readonly KubeObject[]): ListDelta | undefined {
  return deltas.get(list);
}
