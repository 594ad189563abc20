// JSON type checking against the schema's Go types, as Kubernetes' decoder
// (sigs.k8s.io/json, a fork of encoding/json) refuses a wrong type before the
// object is ever defaulted or validated. The message is the decoder's:
//   json: cannot unmarshal bool into Go struct field Container.spec.containers.command of type string
// naming the innermost struct, the JSON field path (no list indices, no map
// keys) and the Go type. As in encoding/json, such an error is remembered and
// decoding goes on, so the FIRST one in document order is reported; but types
// with their own UnmarshalJSON (IntOrString, Quantity, Time) stop decoding at
// once with their own message, which then wins over an earlier type error.
// null is accepted everywhere (Go leaves the field at its zero value; an
// in-memory undefined is treated alike, JSON drops it), and so
// are fields the schema does not know (strict field validation reports them).
import { QUANTITY_FORMAT_ERROR } from '../quantity.js';
import { GO, LISTS, type Node } from './tree.js';

/** A decode error: `abort` for errors from a type's own UnmarshalJSON. */
interface DecodeError {
  message: string;
  abort: boolean;
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63],
};

/** Go type names of the string kinds that are not named `v1.Something`. */
const STRINGS = new Set(['string', 'types.UID']);
const TIMES = new Set(['v1.Time', 'v1.MicroTime']);

/** What the decoder calls a JSON value when it refuses it: `bool`, `number`, `string`, `array`, `object`. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // 'number' | 'string' | 'object'
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Decoder {
  first: DecodeError | undefined;

  /** Records a struct field's type error; decoding goes on, the first one is reported. */
  private fail(struct: string, path: string[], value: string, type: string): void {
    this.first ??= { message: `json: cannot unmarshal ${value} into Go struct field ${struct}.${path.join('.')} of type ${type}`, abort: false };
  }

  /** An error from a type's own UnmarshalJSON: decoding stops here. */
  private abort(message: string): never {
    throw Object.assign(new Error(message), { decodeAbort: true });
  }

  object(value: Record<string, unknown>, node: Node, struct: string, path: string[]): void {
    const lists = node[LISTS];
    for (const [k, v] of Object.entries(value)) {
      const child = Object.prototype.hasOwnProperty.call(node, k) ? node[k] : undefined;
      if (child === undefined || child === true || v == null) continue;
      const p = [...path, k];
      if (typeof child === 'string') this.leaf(v, child, struct, p);
      else if (lists?.has(k)) this.nestedList(v, child, struct, p);
      else this.nested(v, child, struct, p);
    }
  }

  private nested(v: unknown, node: Node, struct: string, path: string[]): void {
    const go = node[GO] ?? 'struct';
    if (!isObject(v)) return this.fail(struct, path, jsonKind(v), go);
    this.object(v, node, go.slice(go.indexOf('.') + 1), path);
  }

  private nestedList(v: unknown, node: Node, struct: string, path: string[]): void {
    if (!Array.isArray(v)) return this.fail(struct, path, jsonKind(v), `[]${node[GO] ?? 'struct'}`);
    for (const item of v) if (item != null) this.nested(item, node, struct, path);
  }

  /** A value whose Go type is `type` (a leaf of the schema). */
  private leaf(v: unknown, type: string, struct: string, path: string[]): void {
    if (v == null) return; // undefined is what JSON drops or writes as null
    if (type === 'v1.ResourceList') type = 'map[string]resource.Quantity';
    if (type.startsWith('map[string]')) {
      if (!isObject(v)) return this.fail(struct, path, jsonKind(v), type);
      const elem = type.slice('map[string]'.length);
      for (const item of Object.values(v)) this.leaf(item, elem, struct, path);
      return;
    }
    if (type === '[]uint8') {
      // []byte is a base64 string; a JSON array of numbers decodes too.
      if (typeof v !== 'string' && !Array.isArray(v)) this.fail(struct, path, jsonKind(v), type);
      return;
    }
    if (type.startsWith('[]')) {
      if (!Array.isArray(v)) return this.fail(struct, path, jsonKind(v), type);
      for (const item of v) this.leaf(item, type.slice(2), struct, path);
      return;
    }
    if (type === 'intstr.IntOrString') {
      // IntOrString.UnmarshalJSON: a string, else encoding/json into an int32.
      if (typeof v === 'string') return;
      const bad = intError(v, 'int32');
      if (bad) this.abort(`json: cannot unmarshal ${bad} into Go value of type int32`);
      return;
    }
    if (type === 'resource.Quantity') {
      // Quantity.UnmarshalJSON parses the raw JSON text: only numbers and strings can match.
      if (typeof v !== 'string' && typeof v !== 'number') this.abort(QUANTITY_FORMAT_ERROR);
      return;
    }
    if (TIMES.has(type)) {
      // metav1.Time.UnmarshalJSON decodes a string first (RFC 3339 is checked after).
      if (typeof v !== 'string') this.abort(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
      return;
    }
    if (type === 'bool') {
      if (typeof v !== 'boolean') this.fail(struct, path, jsonKind(v), type);
      return;
    }
    if (type === 'float64') {
      if (typeof v !== 'number') this.fail(struct, path, jsonKind(v), type);
      return;
    }
    if (INT_RANGE[type]) {
      const bad = intError(v, type);
      if (bad) this.fail(struct, path, bad, type);
      return;
    }
    if (STRINGS.has(type) || /^v\d\w*\.\w+$/.test(type)) {
      if (typeof v !== 'string') this.fail(struct, path, jsonKind(v), type);
    }
    // Any other type name is not checked (free-form).
  }
}

/** Why `v` does not decode into a Go integer: `string`, `bool`, `number 1.5` (the literal); undefined if it does. */
function intError(v: unknown, type: string): string | undefined {
  if (typeof v !== 'number') return jsonKind(v);
  const [lo, hi] = INT_RANGE[type]!;
  if (!Number.isInteger(v) || v < lo || v > hi || (type === 'int64' && v === hi)) return `number ${String(v)}`;
  return undefined;
}

/**
 * The decoder's error for the first value of `obj` whose JSON type does not
 * fit its field's Go type, or undefined when every known field decodes.
 */
export function findTypeError(obj: unknown, schema: Node): string | undefined {
  if (!isObject(obj)) return undefined;
  const d = new Decoder();
  const go = schema[GO] ?? '';
  try {
    d.object(obj, schema, go.slice(go.indexOf('.') + 1), []);
  } catch (e) {
    if ((e as { decodeAbort?: boolean }).decodeAbort) return (e as Error).message;
    throw e;
  }
  return d.first?.message;
}

