// One compiled node of a CRD's structural schema: the JSONSchemaProps keywords
// read once into typed fields (and patterns compiled), so the walkers never
// re-inspect the raw schema per request.
import { supportedFormat } from './formats.js';
import { goRegExp } from './regex.js';

export interface RuleSpec {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface SNode {
  raw: Record<string, unknown>;
  /** JSONSchemaProps.Type ('' when absent or int-or-string). */
  type: string;
  /** The types the value validator checks: [type], or ['integer','string'] for x-kubernetes-int-or-string. */
  types: string[];
  intOrString: boolean;
  nullable: boolean;
  /** Format after StripUnsupportedFormatsPostProcess. */
  format: string;
  hasDefault: boolean;
  default: unknown;
  enum?: unknown[];
  maximum?: number;
  exclusiveMaximum: boolean;
  minimum?: number;
  exclusiveMinimum: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  patternRe?: RegExp | Error;
  maxItems?: number;
  minItems?: number;
  uniqueItems: boolean;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  properties?: Map<string, SNode>;
  /** additionalProperties: a schema, or a bare boolean. */
  additionalProperties?: SNode | boolean;
  patternProperties?: Array<{ pattern: string; re: RegExp | Error; node: SNode }>;
  items?: SNode;
  itemsTuple?: SNode[];
  additionalItems?: SNode | boolean;
  allOf?: SNode[];
  anyOf?: SNode[];
  oneOf?: SNode[];
  not?: SNode;
  dependencies?: Array<{ key: string; props?: string[]; node?: SNode }>;
  preserveUnknown: boolean;
  embedded: boolean;
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
  rules: RuleSpec[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function compileNode(raw: Record<string, unknown>): SNode {
  const intOrString = raw['x-kubernetes-int-or-string'] === true;
  const type = typeof raw.type === 'string' ? raw.type : '';
  const types = intOrString ? ['integer', 'string'] : type ? [type] : [];
  const n: SNode = {
    raw,
    type: intOrString ? '' : type,
    types,
    intOrString,
    nullable: raw.nullable === true,
    format: typeof raw.format === 'string' ? supportedFormat(raw.format, types.length === 1 ? types[0] : '') : '',
    hasDefault: raw.default !== undefined,
    default: raw.default,
    exclusiveMaximum: raw.exclusiveMaximum === true,
    exclusiveMinimum: raw.exclusiveMinimum === true,
    uniqueItems: raw.uniqueItems === true,
    preserveUnknown: raw['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: raw['x-kubernetes-embedded-resource'] === true,
    rules: [],
  };
  if (Array.isArray(raw.enum)) n.enum = raw.enum;
  n.maximum = num(raw.maximum);
  n.minimum = num(raw.minimum);
  n.multipleOf = num(raw.multipleOf);
  n.maxLength = num(raw.maxLength);
  n.minLength = num(raw.minLength);
  n.maxItems = num(raw.maxItems);
  n.minItems = num(raw.minItems);
  n.maxProperties = num(raw.maxProperties);
  n.minProperties = num(raw.minProperties);
  if (typeof raw.pattern === 'string' && raw.pattern !== '') {
    n.pattern = raw.pattern;
    n.patternRe = goRegExp(raw.pattern);
  }
  if (Array.isArray(raw.required)) n.required = raw.required.filter((r): r is string => typeof r === 'string');
  if (isObj(raw.properties)) {
    n.properties = new Map();
    for (const [k, v] of Object.entries(raw.properties)) if (isObj(v)) n.properties.set(k, compileNode(v));
  }
  if (isObj(raw.additionalProperties)) n.additionalProperties = compileNode(raw.additionalProperties);
  else if (typeof raw.additionalProperties === 'boolean') n.additionalProperties = raw.additionalProperties;
  if (isObj(raw.patternProperties)) {
    n.patternProperties = Object.entries(raw.patternProperties)
      .filter((e): e is [string, Record<string, unknown>] => isObj(e[1]))
      .map(([pattern, v]) => ({ pattern, re: goRegExp(pattern), node: compileNode(v) }));
  }
  if (isObj(raw.items)) n.items = compileNode(raw.items);
  else if (Array.isArray(raw.items)) n.itemsTuple = raw.items.filter(isObj).map(compileNode);
  if (isObj(raw.additionalItems)) n.additionalItems = compileNode(raw.additionalItems);
  else if (typeof raw.additionalItems === 'boolean') n.additionalItems = raw.additionalItems;
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = raw[k];
    if (Array.isArray(list) && list.length) n[k] = list.filter(isObj).map(compileNode);
  }
  if (isObj(raw.not)) n.not = compileNode(raw.not);
  if (isObj(raw.dependencies)) {
    n.dependencies = Object.entries(raw.dependencies).map(([key, dep]) =>
      Array.isArray(dep) ? { key, props: dep.map(String) } : { key, node: isObj(dep) ? compileNode(dep) : undefined },
    );
  }
  if (typeof raw['x-kubernetes-list-type'] === 'string') n.listType = raw['x-kubernetes-list-type'];
  if (Array.isArray(raw['x-kubernetes-list-map-keys'])) n.listMapKeys = (raw['x-kubernetes-list-map-keys'] as unknown[]).map(String);
  if (typeof raw['x-kubernetes-map-type'] === 'string') n.mapType = raw['x-kubernetes-map-type'];
  if (Array.isArray(raw['x-kubernetes-validations'])) {
    n.rules = (raw['x-kubernetes-validations'] as unknown[]).filter(isObj).map((r) => ({
      rule: typeof r.rule === 'string' ? r.rule : '',
      ...(typeof r.message === 'string' ? { message: r.message } : {}),
      ...(typeof r.messageExpression === 'string' ? { messageExpression: r.messageExpression } : {}),
      ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
      ...(typeof r.fieldPath === 'string' ? { fieldPath: r.fieldPath } : {}),
      ...(typeof r.optionalOldSelf === 'boolean' ? { optionalOldSelf: r.optionalOldSelf } : {}),
    }));
  }
  return n;
}

/** Structural child lookups (the schema "spine" pruning, defaulting and CEL walk). */
export function propertyNode(n: SNode | undefined, key: string): SNode | undefined {
  return n?.properties?.get(key);
}

export function additionalNode(n: SNode | undefined): SNode | undefined {
  return n && typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
}

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return isObj(v);
}

/** reflect.DeepEqual over decoded JSON. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!Object.prototype.hasOwnProperty.call(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  return true;
}

/**
 * The old element an item of a new list correlates with, as CRD validation
 * ratcheting does it: map-lists by their keys, sets and atomic lists never,
 * other lists by index.
 */
export function correlateItem(n: SNode, list: unknown[], oldList: unknown, i: number, cache: { map?: Map<string, unknown> }): { old: unknown; found: boolean } {
  if (!Array.isArray(oldList)) return { old: undefined, found: false };
  switch (n.listType) {
    case 'map': {
      const keys = n.listMapKeys ?? [];
      if (!cache.map) {
        cache.map = new Map();
        for (const o of oldList) if (isObj(o)) cache.map.set(mapListKey(o, keys), o);
      }
      const el = list[i];
      if (!isObj(el)) return { old: undefined, found: false };
      const k = mapListKey(el, keys);
      return cache.map.has(k) ? { old: cache.map.get(k), found: true } : { old: undefined, found: false };
    }
    case 'set':
    case 'atomic':
      return { old: undefined, found: false };
    default:
      return i < oldList.length ? { old: oldList[i], found: true } : { old: undefined, found: false };
  }
}

export function mapListKey(o: Record<string, unknown>, keys: string[]): string {
  return JSON.stringify(keys.map((k) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : { unspecified: true })));
}
