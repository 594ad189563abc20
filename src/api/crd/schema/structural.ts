// The structural-schema algorithms kube-apiserver applies to custom resources
// besides value validation (apiextensions-apiserver pkg/apiserver/schema):
// pruning of unknown fields (pruning/algorithm.go) with the metadata coercion
// of objectmeta/coerce.go, dropping of non-nullable nulls
// (defaulting/prunenulls.go), defaulting (defaulting/algorithm.go), the
// embedded-resource TypeMeta/ObjectMeta checks (objectmeta/validation.go) and
// list-type set/map uniqueness (listtype/validation.go).
import type { FieldError } from '../../errors.js';
import { isDNS1035Label } from '../../names.js';
import { validateObjectMeta } from '../../validation/meta.js';
import { fieldValueText, goSharpV } from './gofmt.js';
import { additionalNode, isJsonObject, propertyNode, type SNode } from './node.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

// ---------------------------------------------------------------- pruning

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * pruning.PruneWithOptions: deletes fields the schema does not specify (an
 * absent schema prunes everything below it), keeps apiVersion/kind/metadata of
 * the root and of embedded resources untouched, and stops at
 * x-kubernetes-preserve-unknown-fields (only descending into known fields).
 */
export function pruneUnknown(x: unknown, s: SNode | undefined, path: string, out: string[], root: boolean): void {
  const embedded = root || (s?.embedded ?? false);
  if (s?.preserveUnknown) {
    skipPrune(x, s, path, out, embedded);
    return;
  }
  if (Array.isArray(x)) {
    x.forEach((v, i) => pruneUnknown(v, s?.items, `${path}[${i}]`, out, false));
    return;
  }
  if (!isJsonObject(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      out.push(child(path, k));
      delete x[k];
    }
    return;
  }
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const p = propertyNode(s, k);
    if (p) pruneUnknown(x[k], p, child(path, k), out, false);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== false) pruneUnknown(x[k], additionalNode(s), child(path, k), out, false);
    else {
      out.push(child(path, k));
      delete x[k];
    }
  }
}

function skipPrune(x: unknown, s: SNode, path: string, out: string[], embedded: boolean): void {
  if (Array.isArray(x)) {
    if (s.items) x.forEach((v, i) => skipPruneOrPrune(v, s.items, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const p = propertyNode(s, k);
    if (p) pruneUnknown(x[k], p, child(path, k), out, false);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== false) pruneUnknown(x[k], additionalNode(s), child(path, k), out, false);
  }
}

// skipPrune recurses into items with skipPrune itself (items inherit nothing but their own schema)
function skipPruneOrPrune(x: unknown, s: SNode | undefined, path: string, out: string[]): void {
  if (!s) return;
  skipPrune(x, s, path, out, s.embedded);
}

/** metav1.ObjectMeta's JSON fields: anything else in metadata is dropped by the round-trip through ObjectMeta. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);
const OWNER_REFERENCE_FIELDS = new Set(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);

/** The metadata round-trip through metav1.ObjectMeta: unknown metadata fields are dropped and reported. */
export function coerceMetadata(obj: Record<string, unknown>, path: string, out: string[]): void {
  const meta = obj.metadata;
  if (!isJsonObject(meta)) return;
  const base = child(path, 'metadata');
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      out.push(`${base}.${k}`);
      delete meta[k];
    }
  }
  if (Array.isArray(meta.ownerReferences)) {
    meta.ownerReferences.forEach((ref, i) => {
      if (!isJsonObject(ref)) return;
      for (const k of Object.keys(ref)) {
        if (!OWNER_REFERENCE_FIELDS.has(k)) {
          out.push(`${base}.ownerReferences[${i}].${k}`);
          delete ref[k];
        }
      }
    });
  }
}

/** objectmeta.Coerce for embedded resources below the root (the root's metadata is coerced by the caller). */
export function coerceEmbedded(x: unknown, s: SNode | undefined, path: string, out: string[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => coerceEmbedded(v, s.items, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(x)) return;
  if (s.embedded) coerceMetadata(x, path, out);
  for (const k of Object.keys(x)) {
    const p = propertyNode(s, k);
    if (p) coerceEmbedded(x[k], p, child(path, k), out);
    else {
      const a = additionalNode(s);
      if (a) coerceEmbedded(x[k], a, `${path}[${k}]`, out);
    }
  }
}

/** defaulting.PruneNonNullableNullsWithoutDefaults */
export function pruneNulls(x: unknown, s: SNode | undefined): void {
  if (Array.isArray(x)) {
    for (const v of x) pruneNulls(v, s?.items);
    return;
  }
  if (!isJsonObject(x)) return;
  for (const k of Object.keys(x)) {
    const p = s ? (propertyNode(s, k) ?? additionalNode(s)) : undefined;
    if (x[k] === null && p && !p.nullable && !p.hasDefault) delete x[k];
    else pruneNulls(x[k], p);
  }
}

// ---------------------------------------------------------------- defaulting

function copy<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T);
}

const isNonNullableNull = (v: unknown, s: SNode | undefined) => v === null && s !== undefined && !s.nullable;

/** defaulting.Default: defaults missing (or non-nullable null) properties, then recurses into every present value. */
export function applyDefaults(x: unknown, s: SNode | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], s.items) && s.items?.hasDefault) x[i] = copy(s.items.default);
      applyDefaults(x[i], s.items);
    }
    return;
  }
  if (!isJsonObject(x)) return;
  if (s.properties) {
    for (const [k, p] of s.properties) {
      if (!p.hasDefault) continue;
      if (x[k] === undefined || isNonNullableNull(x[k], p)) x[k] = copy(p.default);
    }
  }
  const add = additionalNode(s);
  for (const k of Object.keys(x)) {
    const p = propertyNode(s, k);
    if (p) applyDefaults(x[k], p);
    else if (add) {
      if (isNonNullableNull(x[k], add) && add.hasDefault) x[k] = copy(add.default);
      applyDefaults(x[k], add);
    }
  }
}

// ---------------------------------------------------------------- embedded resources

/** ValidatePathSegmentName, the name check for embedded ObjectMeta. */
function pathSegmentName(name: string, prefix: boolean): string[] {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}

function parseGroupVersion(gv: string): string | undefined {
  if (gv === '' || gv === '/') return undefined;
  const n = gv.split('/').length - 1;
  return n > 1 ? `unexpected GroupVersion string: ${gv}` : undefined;
}

function validateEmbeddedResource(path: string, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const at = (k: string) => child(path, k);
  if (!('apiVersion' in x)) errs.push({ type: 'Required', field: at('apiVersion') });
  if (!('kind' in x)) errs.push({ type: 'Required', field: at('kind') });
  for (const [k, v] of Object.entries(x)) {
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push({ type: 'Invalid', field: at(k), value: v, valueText: fieldValueText(v), detail: 'must be a string' });
      else if (v.length === 0) errs.push({ type: 'Required', field: at(k) });
      else {
        const e = parseGroupVersion(v);
        if (e) errs.push({ type: 'Invalid', field: at(k), value: v, detail: e });
      }
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push({ type: 'Invalid', field: at(k), value: v, valueText: fieldValueText(v), detail: 'must be a string' });
      else if (v.length === 0) errs.push({ type: 'Required', field: at(k) });
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length) errs.push({ type: 'Invalid', field: at(k), value: v, detail: `may have mixed case, but should otherwise match: ${msgs.join(',')}` });
      }
    } else if (k === 'metadata') {
      const typeErr = metadataTypeError(v);
      if (typeErr) {
        errs.push({ type: 'Invalid', field: at(k), value: v, valueText: goSharpV(v), detail: typeErr });
        continue;
      }
      const meta = { ...(v as Record<string, unknown>) };
      if (!meta.name) meta.name = 'fakename';
      const namespaced = typeof meta.namespace === 'string' && meta.namespace.length > 0;
      errs.push(...validateObjectMeta({ metadata: meta } as never, namespaced, pathSegmentName, at('metadata')));
    }
  }
  return errs;
}

/** The decode error json.Unmarshal into metav1.ObjectMeta would give for a mistyped field. */
function metadataTypeError(v: unknown): string | undefined {
  if (v === null) return undefined;
  if (!isJsonObject(v)) return `json: cannot unmarshal ${jsonKind(v)} into Go value of type v1.ObjectMeta`;
  const strings = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion'];
  for (const k of strings) {
    if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'string') {
      return `json: cannot unmarshal ${jsonKind(v[k])} into Go struct field ObjectMeta.${k} of type string`;
    }
  }
  for (const k of ['labels', 'annotations']) {
    const m = v[k];
    if (m === undefined || m === null) continue;
    if (!isJsonObject(m)) return `json: cannot unmarshal ${jsonKind(m)} into Go struct field ObjectMeta.${k} of type map[string]string`;
    for (const val of Object.values(m)) {
      if (val !== null && typeof val !== 'string') return `json: cannot unmarshal ${jsonKind(val)} into Go struct field ObjectMeta.${k} of type string`;
    }
  }
  if (v.generation !== undefined && v.generation !== null && !(typeof v.generation === 'number' && Number.isInteger(v.generation))) {
    return `json: cannot unmarshal ${jsonKind(v.generation)} into Go struct field ObjectMeta.generation of type int64`;
  }
  return undefined;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && v !== null) return 'object';
  return typeof v;
}

/** objectmeta.Validate with isResourceRoot=false: TypeMeta and ObjectMeta of x-kubernetes-embedded-resource values. */
export function validateEmbedded(x: unknown, s: SNode | undefined, path: string, out: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => validateEmbedded(v, s.items, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(x)) return;
  if (s.embedded) out.push(...validateEmbeddedResource(path, x));
  for (const k of Object.keys(x)) {
    const p = propertyNode(s, k);
    if (p) validateEmbedded(x[k], p, child(path, k), out);
    else {
      const a = additionalNode(s);
      if (a) validateEmbedded(x[k], a, `${path}[${k}]`, out);
    }
  }
}

// ---------------------------------------------------------------- list types

/** listtype.ValidateListSetsAndMaps */
export function validateListTypes(x: unknown, s: SNode | undefined, path: string, out: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    if (s.listType === 'set') {
      for (const i of nonUnique(x)) out.push(duplicate(`${path}[${i}]`, x[i]));
    } else if (s.listType === 'map') validateListMap(x, s, path, out);
    if (s.items) x.forEach((v, i) => validateListTypes(v, s.items, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(x)) return;
  const a = additionalNode(s);
  if (a) for (const k of Object.keys(x)) validateListTypes(x[k], a, `${path}[${k}]`, out);
  if (s.properties) for (const k of Object.keys(x)) if (s.properties.has(k)) validateListTypes(x[k], s.properties.get(k), child(path, k), out);
}

function duplicate(field: string, value: unknown): FieldError {
  return { type: 'Duplicate', field, value, valueText: fieldValueText(value) };
}

const UNSPECIFIED = Symbol('unspecified');

/** Indices of the second appearance of each repeated element (validateListSet). */
function nonUnique(list: unknown[]): number[] {
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    const key = typeof x === 'object' && x !== null ? `c:${JSON.stringify(sortKeys(x))}` : x;
    const times = seen.get(key);
    if (times === undefined) seen.set(key, 1);
    else {
      seen.set(key, times + 1);
      if (times === 1) out.push(i);
    }
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isJsonObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function validateListMap(list: unknown[], s: SNode, path: string, out: FieldError[]): void {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isJsonObject(x)) {
      out.push({ type: 'Invalid', field: `${path}[${i}]`, value: x, valueText: fieldValueText(x), detail: 'must be an object for an array of list-type map' });
      return;
    }
  }
  if (list.length <= 1) return;
  const keyFields = s.listMapKeys ?? [];
  if (keyFields.length === 1) {
    const f = keyFields[0];
    const keys = list.map((x) => (isJsonObject(x) && Object.prototype.hasOwnProperty.call(x, f) ? x[f] : UNSPECIFIED));
    for (const i of nonUnique(keys)) out.push(duplicate(`${path}[${i}]`, keys[i] === UNSPECIFIED ? {} : { [f]: keys[i] }));
    return;
  }
  const keys = list.map((x) => {
    const key: Record<string, unknown> = {};
    if (isJsonObject(x)) for (const f of keyFields) if (Object.prototype.hasOwnProperty.call(x, f)) key[f] = x[f];
    return key;
  });
  for (const i of nonUnique(keys)) out.push(duplicate(`${path}[${i}]`, keys[i]));
}
