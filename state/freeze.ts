// Stored objects are shared by reference with every reader and watcher, so
// they are frozen once on write instead of being copied on every read.

/** Freezes a plain JSON value and everything it contains; returns it. */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  // Plain loops, not Object.values(): no array per object (a start freezes every stored object).
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
  else for (const k in v as Record<string, unknown>) deepFreeze((v as Record<string, unknown>)[k]);
  return v;
}

/**
 * Structural equality of two plain JSON values, ignoring key order (a patch
 * may reorder keys without changing anything). Used to decide whether an
 * update changed anything that bumps metadata.generation.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** Everything but metadata and status: the part whose change bumps generation. */
export function specPartEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = (o: Record<string, unknown>) => {
    const { metadata: _m, status: _s, ...rest } = o;
    void _m;
    void _s;
    return rest;
  };
  return jsonEqual(strip(a), strip(b));
}
