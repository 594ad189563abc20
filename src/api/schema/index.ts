// Strict field validation (kubectl --validate=strict / fieldValidation=Strict):
// lists the dotted paths of fields the kind's schema does not know, e.g.
// `spec.replicaz` or `spec.template.spec.containers[0].imagez`, in the order
// they appear in the object. Maps with free keys (labels, data, limits …) are
// leaves of the schema and never flagged.
import type { KubeObject } from '../meta.js';
import { KIND_SCHEMAS } from './kinds.js';
import type { Node } from './tree.js';

export type { Node } from './tree.js';
export { KIND_SCHEMAS } from './kinds.js';

function walk(value: unknown, node: Node, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, node, `${path}[${i}]`, out));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    const child = node[k];
    const p = path ? `${path}.${k}` : k;
    if (child === undefined) out.push(p);
    else if (child !== true) walk(v, child, p, out);
  }
}

/** Unknown field paths of `obj` (empty for kinds without a schema). */
export function findUnknownFields(obj: KubeObject): string[] {
  const schema = KIND_SCHEMAS[obj.kind];
  if (!schema) return [];
  const out: string[] = [];
  walk(obj, schema, '', out);
  return out;
}
