// The store's private copy of an object it is asked to write. It must equal
// JSON.parse(JSON.stringify(v)) — undefined fields dropped, NaN/Infinity as
// null — and share nothing mutable with the caller, but a JSON round trip
// serialises and re-parses every field on every write. Instead the copy is
// built directly, and any part of the input that is already deeply frozen
// plain JSON (a piece of a stored version, e.g. the spec a status write
// carries over) is shared as is: it can never change, so sharing it is
// indistinguishable from copying it, and costs neither allocation nor GC.
// Anything that is not plain JSON (a Date, a class instance, toJSON, a cycle)
// falls back to the JSON round trip, so the result is always what it was.

const NOT_PLAIN = Symbol('not plain JSON');
const MAX_DEPTH = 200;

/**
 * A fresh, mutable copy of `v` as JSON would make it; its root and its
 * `metadata` are always new objects (the store fills in server fields there),
 * deeper frozen plain-JSON parts are shared.
 */
export function storeCopy<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    try {
      return copyObject(v as Record<string, unknown>, 0, true) as T;
    } catch (e) {
      if (e !== NOT_PLAIN) throw e;
    }
  }
  return JSON.parse(JSON.stringify(v)) as T;
}

function copyValue(x: unknown, depth: number): unknown {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      // As JSON writes them: non-finite numbers become null, -0 becomes 0.
      return Number.isFinite(x) ? (x === 0 ? 0 : x) : null;
    case 'object':
      if (x === null) return null;
      if (depth > MAX_DEPTH) throw NOT_PLAIN;
      if (Object.isFrozen(x) && isFrozenPlain(x, depth)) return x;
      return Array.isArray(x) ? copyArray(x, depth) : copyObject(x as Record<string, unknown>, depth, false);
    default:
      throw NOT_PLAIN; // bigint, or a caller's oddity: JSON decides
  }
}

function copyArray(a: unknown[], depth: number): unknown[] {
  if (Object.getPrototypeOf(a) !== Array.prototype) throw NOT_PLAIN;
  const out = new Array<unknown>(a.length);
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    // JSON writes undefined, functions and symbols in arrays (and holes) as null.
    out[i] = e === undefined || typeof e === 'function' || typeof e === 'symbol' ? null : copyValue(e, depth + 1);
  }
  return out;
}

function copyObject(o: Record<string, unknown>, depth: number, root: boolean): Record<string, unknown> {
  const proto = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || typeof o.toJSON === 'function') throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    if (k === '__proto__') throw NOT_PLAIN; // an own "__proto__" key cannot be recreated by assignment
    const val = o[k];
    // JSON drops undefined, function and symbol fields.
    if (val === undefined || typeof val === 'function' || typeof val === 'symbol') continue;
    if (root && k === 'metadata' && val !== null && typeof val === 'object' && !Array.isArray(val)) {
      out[k] = copyObject(val as Record<string, unknown>, depth + 1, false); // always fresh: the store writes into it
    } else {
      out[k] = copyValue(val, depth + 1);
    }
  }
  return out;
}

/**
 * True when x and everything in it is frozen and exactly as JSON would
 * produce it, so it can be shared instead of copied.
 */
function isFrozenPlain(x: object, depth: number): boolean {
  if (depth > MAX_DEPTH || !Object.isFrozen(x)) return false;
  if (Array.isArray(x)) {
    if (Object.getPrototypeOf(x) !== Array.prototype) return false;
    for (let i = 0; i < x.length; i++) if (!isPlainValue(x[i], depth)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  const o = x as Record<string, unknown>;
  if (typeof o.toJSON === 'function') return false;
  for (const k of Object.keys(o)) {
    if (k === '__proto__') return false;
    if (!isPlainValue(o[k], depth)) return false;
  }
  // A null-prototype object would come back from JSON with Object.prototype.
  return proto === Object.prototype;
}

function isPlainValue(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      return v === null || isFrozenPlain(v, depth + 1);
    default:
      return false; // undefined, functions, symbols: JSON would drop or change them
  }
}
