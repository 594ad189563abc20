// One JSON text per stored object version. Stored objects are deeply frozen,
// so the text of one can never change: it is computed once, on first use, and
// shared by everyone who needs it — the journal line that makes the version
// durable, every HTTP watcher it is delivered to, every list and get that
// serves it, and the API's read-modify-write (which clones and compares
// against it). Only frozen objects are remembered (a mutable one could change
// under its cached text); the WeakMap lets a version's text go with it.
// It lives in src/api, not state/, because the API layer may not import state/.
const texts = new WeakMap<object, string>();

/** JSON.stringify(obj), computed at most once per frozen object. */
export function objectJson(obj: object): string {
  let s = texts.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    if (Object.isFrozen(obj)) texts.set(obj, s);
  }
  return s;
}

/** The text already computed for obj, if any (never computes nor remembers one). */
export function knownJson(obj: object): string | undefined {
  return texts.get(obj);
}
