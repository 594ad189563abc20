// The shape of a known-field schema: an object node maps each field name to
// either `true` (a scalar, or a map with free keys such as labels — not
// descended into) or a nested node. A node applies to every element when the
// value is a list, so `containers` is described once per container.

export interface Node {
  [field: string]: Node | true;
}

/** `f('a b c', {d: {...}})` → `{a: true, b: true, c: true, d: {...}}` */
export function f(leaves: string, nested: Record<string, Node | true> = {}): Node {
  const n: Node = {};
  for (const k of leaves.split(/\s+/).filter(Boolean)) n[k] = true;
  return Object.assign(n, nested);
}
