// Strict field validation (kubectl --validate=strict / fieldValidation=Strict):
// lists the dotted paths of fields the kind's schema does not know, e.g.
// `spec.replicaz` or `spec.template.spec.containers[0].imagez`, in the order
// they appear in the object. Maps with free keys (labels, data, limits …) are
// leaves of the schema and never flagged. Also the decode-time type check
// (./types.ts): a field whose JSON type its Go type cannot take.
import type { KubeObject } from '../meta.js';
import { KIND_SCHEMAS } from './kinds.js';
import type { Node } from './tree.js';
import { findTypeError } from './types.js';
import { objectMeta } from './core.js';
import { f } from './tree.js';

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
    else if (typeof child === 'object') walk(v, child, p, out);
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

/**
 * The decoder's error for the first field of `obj` with a JSON type its Go
 * type cannot take (e.g. `json: cannot unmarshal bool into Go struct field
 * Container.spec.containers.command of type string`); undefined when all fit
 * or the kind has no schema.
 */
export function findFieldTypeError(obj: KubeObject): string | undefined {
  const schema = KIND_SCHEMAS[obj.kind];
  return schema ? findTypeError(obj, schema) : undefined;
}

/** Any object's type meta and metadata: what the decoder checks of a custom resource before its schema does the rest. */
const UNSTRUCTURED: Node = f('unstructured.Unstructured', 'apiVersion:* kind:*', { metadata: objectMeta });

/** The decoder's error for a wrongly typed metadata field of a custom resource (`labels: "x"`), as for built-ins. */
export function findMetadataTypeError(obj: KubeObject): string | undefined {
  return findTypeError({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata } as KubeObject, UNSTRUCTURED);
}
