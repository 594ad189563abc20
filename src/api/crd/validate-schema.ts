// ValidateCustomResourceDefinitionOpenAPISchema (apiextensions validation.go)
// minus CEL compilation: the JSON-schema features CRDs do not support, the
// Kubernetes extensions' own rules (x-kubernetes-list-type and friends), and
// where defaults may not appear. Runs on every node of the schema, structural
// or not.
import type { FieldError } from '../errors.js';
import { forbidden, invalid, isObj, notSupported, required } from '../validation/field.js';
import { goStringSlice } from '../validation/gofmt.js';
import { child, entries, index, isSet, key, list, strings, subSchema, typeOf, type Schema } from './structural-util.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const RULE_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

interface Ctx {
  allowDefaults: boolean;
  /** Appended to "must not be set" when defaults are forbidden here. */
  noDefaultsReason: string;
  /** Inside the TypeMeta/ObjectMeta of the resource or of an embedded resource. */
  insideMeta: boolean;
}

export function openAPISchemaErrors(s: Schema, path: string): FieldError[] {
  return walk(s, path, { allowDefaults: true, noDefaultsReason: '', insideMeta: false }, true);
}

const noDefaults = (ctx: Ctx, reason: string): Ctx => ({ ...ctx, allowDefaults: false, noDefaultsReason: reason });

function walk(s: Schema, path: string, ctx: Ctx, isRoot: boolean): FieldError[] {
  const errs = unsupported(s, path, ctx);
  if (s.uniqueItems === true) {
    errs.push(forbidden(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  // properties are for structs, additionalProperties for maps: both at once contradicts pruning.
  if (isSet(s, 'additionalProperties')) {
    const ap = s.additionalProperties;
    if (isSet(s, 'properties') && (ap === false || isObj(ap))) {
      errs.push(forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    // Pruning a default inside labels/annotations would be ambiguous.
    const sub = ctx.insideMeta ? noDefaults(ctx, 'inside additionalProperties applying to object metadata') : ctx;
    if (isObj(ap)) errs.push(...walk(ap, child(path, 'additionalProperties'), sub, false));
  }
  for (const [k, p] of entries(s, 'properties')) {
    let sub = ctx;
    if ((isRoot || s['x-kubernetes-embedded-resource'] === true) && META_FIELDS.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (isRoot) sub = noDefaults(sub, `in top-level ${k}`);
    }
    errs.push(...walk(p, key(child(path, 'properties'), k), sub, false));
  }
  const not = subSchema(s, 'not');
  if (not) errs.push(...walk(not, child(path, 'not'), ctx, false));
  for (const k of ['allOf', 'oneOf', 'anyOf']) for (const [i, x] of list(s, k)) errs.push(...walk(x, index(child(path, k), i), ctx, false));
  for (const [k, d] of entries(s, 'definitions')) errs.push(...walk(d, key(child(path, 'definitions'), k), ctx, false));
  const items = subSchema(s, 'items');
  if (items) errs.push(...walk(items, child(path, 'items'), ctx, false));
  if (Array.isArray(s.items)) s.items.forEach((x, i) => isObj(x) && errs.push(...walk(x, index(child(path, 'items'), i), ctx, false)));
  for (const [k, d] of entries(s, 'dependencies')) errs.push(...walk(d, key(child(path, 'dependencies'), k), ctx, false));

  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  errs.push(...mapAndListTypes(s, path), ...mapListKeysMapSet(s, path), ...celRuleShapes(s, path));
  return errs;
}

/** specStandardValidatorV3.validate: JSON-schema features CRDs do not support. */
function unsupported(s: Schema, path: string, ctx: Ctx): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeOf(s);
  if (type && !OPENAPI_TYPES.includes(type)) errs.push(notSupported(child(path, 'type'), type, OPENAPI_TYPES));
  if (isSet(s, 'default') && !ctx.allowDefaults) {
    errs.push(forbidden(child(path, 'default'), `must not be set${ctx.noDefaultsReason ? ' ' + ctx.noDefaultsReason : ''}`));
  }
  if (isSet(s, 'id')) errs.push(forbidden(child(path, 'id'), 'id is not supported'));
  if (isSet(s, 'additionalItems')) errs.push(forbidden(child(path, 'additionalItems'), 'additionalItems is not supported'));
  if (isSet(s, 'patternProperties')) errs.push(forbidden(child(path, 'patternProperties'), 'patternProperties is not supported'));
  if (isSet(s, 'definitions')) errs.push(forbidden(child(path, 'definitions'), 'definitions is not supported'));
  if (isSet(s, 'dependencies')) errs.push(forbidden(child(path, 'dependencies'), 'dependencies is not supported'));
  if (isSet(s, '$ref')) errs.push(forbidden(child(path, '$ref'), '$ref is not supported'));
  if (type === 'null') errs.push(forbidden(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) errs.push(forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true) {
    errs.push(forbidden(child(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  return errs;
}

/** x-kubernetes-map-type, x-kubernetes-list-type and x-kubernetes-list-map-keys. */
function mapAndListTypes(s: Schema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeOf(s);
  const typePath = child(path, 'type');
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const keys = strings(s['x-kubernetes-list-map-keys']);
  const items = subSchema(s, 'items');

  if (typeof mapType === 'string' && type !== 'object') {
    const d = 'must be object if x-kubernetes-map-type is specified';
    errs.push(type ? invalid(typePath, type, d) : required(typePath, d));
  }
  if (typeof mapType === 'string' && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  if (typeof listType === 'string' && type !== 'array') {
    const d = 'must be array if x-kubernetes-list-type is specified';
    errs.push(type ? invalid(typePath, type, d) : required(typePath, d));
  } else if (listType === 'set' && items) {
    // Set members are compared whole, so they must be atomic themselves.
    const it = typeOf(items);
    const itemListType = items['x-kubernetes-list-type'];
    const itemMapType = items['x-kubernetes-map-type'];
    const d = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    if (it === 'array' && typeof itemListType === 'string' && itemListType !== 'atomic') {
      errs.push(invalid(child(child(path, 'items'), 'x-kubernetes-list-type'), itemListType, d));
    }
    if (it === 'object' && itemMapType !== 'atomic') {
      // Kubernetes reports the items' list type here (a slip in validation.go); we keep its output.
      errs.push(invalid(child(child(path, 'items'), 'x-kubernetes-map-type'), typeof itemListType === 'string' ? itemListType : null, d));
    }
  }
  if (typeof listType === 'string' && !['atomic', 'set', 'map'].includes(listType)) {
    errs.push(notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (keys.length > 0) {
    const d = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (typeof listType !== 'string') errs.push(required(child(path, 'x-kubernetes-list-type'), d));
    else if (listType !== 'map') errs.push(invalid(child(path, 'x-kubernetes-list-type'), listType, d));
  }
  if (listType === 'map') {
    const keysPath = child(path, 'x-kubernetes-list-map-keys');
    const keysText = goStringSlice(keys);
    if (keys.length === 0) errs.push(required(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
    if (!isSet(s, 'items')) errs.push(required(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    if (Array.isArray(s.items)) errs.push(invalid(child(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && typeOf(items) !== 'object') {
      errs.push(invalid(child(child(path, 'items'), 'type'), typeOf(items), "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (items && typeOf(items) === 'object') {
      const props = new Map(entries(items, 'properties'));
      const seen = new Set<string>();
      for (const k of keys) {
        const p = props.get(k);
        if (!p) errs.push(invalid(keysPath, keys, 'entries must all be names of item properties', keysText));
        else if (typeOf(p) === 'array' || typeOf(p) === 'object') {
          // The value Kubernetes prints is the items' type, not the key's.
          const at = child(key(child(child(path, 'items'), 'properties'), k), 'type');
          errs.push(invalid(at, typeOf(items), "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (seen.has(k)) errs.push(invalid(keysPath, keys, 'must not contain duplicate entries', keysText));
        seen.add(k);
      }
    }
  }
  return errs;
}

/** validateMapListKeysMapSet: set/map items and map keys must be present and non-null to identify an entry. */
function mapListKeysMapSet(s: Schema, path: string): FieldError[] {
  const items = subSchema(s, 'items');
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const errs: FieldError[] = [];
  const itemsPath = child(path, 'items');
  if (items.nullable === true) errs.push(forbidden(child(itemsPath, 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType === 'map') {
    const req = new Set(strings(items.required));
    const props = new Map(entries(items, 'properties'));
    for (const k of strings(s['x-kubernetes-list-map-keys'])) {
      const p = props.get(k);
      if (!p) continue;
      const at = key(child(itemsPath, 'properties'), k);
      if (!req.has(k) && !isSet(p, 'default')) {
        errs.push(required(child(at, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      }
      if (p.nullable === true) errs.push(forbidden(child(at, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return errs;
}

const hasNewlines = (s: string) => /[\n\r]/.test(s);

/** The x-kubernetes-validations checks that need no CEL compiler. */
function celRuleShapes(s: Schema, path: string): FieldError[] {
  const rules = s['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return [];
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    const p = index(child(path, 'x-kubernetes-validations'), i);
    const rule = typeof r.rule === 'string' ? r.rule : '';
    const message = typeof r.message === 'string' ? r.message : '';
    const messageExpression = typeof r.messageExpression === 'string' ? r.messageExpression : '';
    const fieldPath = typeof r.fieldPath === 'string' ? r.fieldPath : '';
    if (!rule.trim()) errs.push(required(child(p, 'rule'), 'rule is not specified'));
    else if (message.length > 0 && !message.trim()) errs.push(invalid(child(p, 'message'), message, 'message must be non-empty if specified'));
    else if (hasNewlines(message.trim())) errs.push(invalid(child(p, 'message'), message, 'message must not contain line breaks'));
    else if (hasNewlines(rule.trim()) && !message.trim()) {
      errs.push(required(child(p, 'message'), 'message must be specified if rule contains line breaks'));
    }
    if (messageExpression.length > 0 && !messageExpression.trim()) {
      errs.push(required(child(p, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (typeof r.reason === 'string' && !RULE_REASONS.includes(r.reason)) errs.push(notSupported(child(p, 'reason'), r.reason, RULE_REASONS));
    if (fieldPath.length > 0 && !fieldPath.trim()) errs.push(invalid(child(p, 'fieldPath'), fieldPath, 'fieldPath must be non-empty if specified'));
    if (hasNewlines(fieldPath)) errs.push(invalid(child(p, 'fieldPath'), fieldPath, 'fieldPath must not contain line breaks'));
  });
  return errs;
}
