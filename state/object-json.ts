// One JSON text per stored object version. Stored objects are deeply frozen,
// so the text of one can never change: it is computed once, on first use, and
// shared by everyone who needs it — the journal line that makes the version
// durable, every HTTP watcher it is delivered to, and every list and get that
// serves it. Only frozen objects are remembered (a mutable one could change
// under its cached text); the WeakMap lets a version's text go with it.
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
