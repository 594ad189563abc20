// The shape of a known-field schema. An object node maps each field name to a
// leaf or a nested node:
// - a leaf is the field's Go type as Kubernetes' decoder names it in errors
//   ('string', 'int32', 'bool', '[]string', 'map[string]string',
//   'intstr.IntOrString', 'resource.Quantity', 'v1.ResourceList', 'v1.Protocol'
//   …, see ./types.ts), or `true` for a free-form value that is not checked
//   (status, runtime.RawExtension, legacy volume sources);
// - a nested node carries its Go struct type (`GO`, e.g. 'v1.Container') and
//   which of its fields hold a list of nested nodes (`LISTS`).
// The unknown-field walk applies a node to every element when the value is a
// list, so `containers` is described once per container.

/** The node's Go struct type as the decoder prints it, e.g. `v1.Container`. */
export const GO = Symbol('go struct type');
/** Fields of the node whose value is a list of the nested node (`[]v1.Container`). */
export const LISTS = Symbol('list fields');

export type Leaf = true | string;

export interface Node {
  [field: string]: Node | Leaf;
  [GO]?: string;
  [LISTS]?: ReadonlySet<string>;
}

/**
 * `f('v1.ContainerPort', 'name containerPort:int32 protocol:v1.Protocol', {'items[]': keyToPath})`.
 * Leaves: `name` is a string, `name:T` has Go type T, `name:*` is free-form.
 * Nested: a key ending in `[]` holds a list of that node.
 */
export function f(go: string, leaves: string, nested: Record<string, Node | Leaf> = {}): Node {
  const n: Node = {};
  const lists = new Set<string>();
  for (const tok of leaves.split(/\s+/).filter(Boolean)) {
    const i = tok.indexOf(':');
    if (i < 0) n[tok] = 'string';
    else n[tok.slice(0, i)] = tok.slice(i + 1) === '*' ? true : tok.slice(i + 1);
  }
  for (const [k, v] of Object.entries(nested)) {
    if (k.endsWith('[]')) {
      lists.add(k.slice(0, -2));
      n[k.slice(0, -2)] = v;
    } else n[k] = v;
  }
  n[GO] = go;
  n[LISTS] = lists;
  return n;
}

/** A copy of `node` under another Go type name (EphemeralContainer shares Container's fields). */
export function renamed(node: Node, go: string, extra: Record<string, Leaf> = {}): Node {
  return { ...node, ...extra, [GO]: go, [LISTS]: node[LISTS] };
}
