// Shared helpers for the CRD schema checks: field paths printed the way
// apimachinery's field.Path prints them, and "is this keyword set" in the
// sense of Go's zero values — the Kubernetes checks compare Go structs, where
// false, "" and empty lists mean "not set" but a pointer (maximum: 0,
// additionalProperties: false, default: false) is set.
import { isObj } from '../validation/field.js';

export type Schema = Record<string, unknown>;

export const child = (path: string, name: string): string => `${path}.${name}`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
export const index = (path: string, i: number): string => `${path}[${i}]`;

/** Keywords that are pointers (or interfaces) in JSONSchemaProps: present means set, whatever the value. */
const POINTER_KEYWORDS = new Set([
  'default',
  'additionalProperties',
  'additionalItems',
  'items',
  'not',
  '$ref',
  'dependencies',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'multipleOf',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
]);

export function isSet(s: Schema, k: string): boolean {
  const v = s[k];
  if (v === undefined || v === null) return false;
  if (POINTER_KEYWORDS.has(k)) return true;
  if (v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

export function typeOf(s: Schema): string {
  return typeof s.type === 'string' ? s.type : '';
}

/** The schema-valued entries of a map keyword (properties, definitions, …); malformed entries are skipped (shape checks report them). */
export function entries(s: Schema, k: string): [string, Schema][] {
  const m = s[k];
  if (!isObj(m)) return [];
  return Object.entries(m).filter((e): e is [string, Schema] => isObj(e[1]));
}

/** The schemas of a list keyword (allOf, anyOf, oneOf), keeping their indexes. */
export function list(s: Schema, k: string): [number, Schema][] {
  const l = s[k];
  if (!Array.isArray(l)) return [];
  return l.map((x, i) => [i, x] as [number, unknown]).filter((e): e is [number, Schema] => isObj(e[1]));
}

export function subSchema(s: Schema, k: string): Schema | undefined {
  const v = s[k];
  return isObj(v) ? v : undefined;
}

export function hasProperty(s: Schema, name: string): boolean {
  return isObj(s.properties) && isObj(s.properties[name]);
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Sorts by the rendered message, as ValidateStructural does (Go's byte order, not the locale's). */
export function sortByMessage<T>(items: T[], text: (t: T) => string): T[] {
  return items
    .map((t) => [text(t), t] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((e) => e[1]);
}
