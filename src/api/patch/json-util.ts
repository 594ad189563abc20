// Small helpers over plain JSON values shared by the patch formats: type
// names, deep equality, Go-style `%v` formatting for error messages (so they
// read like the apiserver's), and Go's encoding/json output (sorted keys,
// HTML-escaped) which kubectl writes into the last-applied annotation.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JMap = { [k: string]: Json };

export type JsonKind = 'null' | 'bool' | 'number' | 'string' | 'array' | 'object';

export function jsonKind(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

export const isMap = (v: unknown): v is JMap => jsonKind(v) === 'object';

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ka = jsonKind(a);
  if (ka !== jsonKind(b)) return false;
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  }
  if (ka === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    return kx.length === ky.length && kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && deepEqual(x[k], y[k]));
  }
  return false;
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Go's reflect type name of a decoded JSON value, for "expected a X, but received a Y". */
export function goTypeName(v: unknown): string {
  switch (jsonKind(v)) {
    case 'null':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'string':
      return 'string';
    case 'array':
      return '[]interface {}';
    default:
      return 'map[string]interface {}';
  }
}

/** fmt.Sprintf("%v") of a decoded JSON value: `map[a:1 b:[x y]]`. */
export function goFormat(v: unknown): string {
  switch (jsonKind(v)) {
    case 'null':
      return '<nil>';
    case 'array':
      return `[${(v as unknown[]).map(goFormat).join(' ')}]`;
    case 'object': {
      const o = v as Record<string, unknown>;
      return `map[${Object.keys(o)
        .sort()
        .map((k) => `${k}:${goFormat(o[k])}`)
        .join(' ')}]`;
    }
    default:
      return String(v);
  }
}

/** `%v` of a scalar for the string comparisons strategic merge uses to sort. */
export const scalarString = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * encoding/json Marshal of a decoded value: map keys sorted, `<`, `>`, `&`
 * escaped as \u003c…, undefined members dropped. No trailing newline.
 */
export function goJson(v: unknown): string {
  switch (jsonKind(v)) {
    case 'null':
      return 'null';
    case 'bool':
    case 'number':
      return JSON.stringify(v);
    case 'string':
      return goString(v as string);
    case 'array':
      return `[${(v as unknown[]).map((x) => (x === undefined ? 'null' : goJson(x))).join(',')}]`;
    default: {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${goString(k)}:${goJson(o[k])}`).join(',')}}`;
    }
  }
}

/** Own-property test: `'__proto__' in {}` is true, so `in` cannot tell whether a JSON object has a member. */
export const hasOwn = (m: object, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

/**
 * `o[k] = v` that keeps a member named `__proto__` a member. Plain assignment
 * would set the object's prototype instead and silently lose the key (a
 * ConfigMap key may legally be `__proto__`).
 */
export function setKey(o: object, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else (o as Record<string, unknown>)[k] = v;
}
