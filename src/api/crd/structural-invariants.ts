// ValidateStructural (apiextensions pkg/apiserver/schema/validation.go): every
// level has a type, arrays have items, the extensions are consistent, and the
// root's metadata may only constrain name and generateName. A structural
// schema is what pruning, defaulting and CEL rely on, so v1 CRDs require it.
import type { FieldError } from '../errors.js';
import { formatFieldError } from '../errors.js';
import { forbidden, invalid, required } from '../validation/field.js';
import { completenessErrors, valueValidationErrors } from './structural-nested.js';
import { child, entries, isSet, key, list, subSchema, typeOf, sortByMessage, type Schema } from './structural-util.js';

type Level = 'root' | 'item' | 'field';

const EMPTY_TYPE: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

/** Structural invariants plus completeness, sorted by message as Kubernetes sorts them. */
export function validateStructural(s: Schema, path: string): FieldError[] {
  const errs = [...invariants(s, 'root', path), ...completenessErrors(s, path)];
  return sortByMessage(errs, formatFieldError);
}

function invariants(s: Schema, lvl: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeOf(s);
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;

  if (type === 'array' && !isSet(s, 'items')) errs.push(required(child(path, 'items'), 'must be specified'));
  const items = subSchema(s, 'items');
  if (items) errs.push(...invariants(items, 'item', child(path, 'items')));
  for (const [k, p] of entries(s, 'properties')) errs.push(...invariants(p, 'field', key(child(path, 'properties'), k)));
  if (isSet(s, 'additionalProperties')) {
    if (lvl === 'root') errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    const ap = subSchema(s, 'additionalProperties');
    if (ap) errs.push(...invariants(ap, 'field', child(path, 'additionalProperties')));
  }

  if (intOrString && preserve) {
    errs.push(invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (intOrString && embedded) {
    errs.push(invalid(child(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }

  errs.push(...valueValidationErrors(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), path));

  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errs.push(type ? invalid(child(path, 'type'), type, detail) : required(child(path, 'type'), detail));
  } else if (!type && !intOrString && !preserve) {
    errs.push(required(child(path, 'type'), EMPTY_TYPE[lvl]));
  }
  if (embedded && isSet(s, 'additionalProperties')) {
    errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type && type !== 'object') errs.push(invalid(child(path, 'type'), type, 'must be object at the root'));

  // kind, apiVersion and metadata of a resource (the root, or an embedded one) have fixed types.
  const checkMetadata = lvl === 'root' || embedded;
  const props = new Map(entries(s, 'properties'));
  for (const [name, want] of [
    ['kind', 'string'],
    ['apiVersion', 'string'],
  ]) {
    const p = props.get(name);
    if (p && checkMetadata && typeOf(p) !== want) errs.push(invalid(child(key(child(path, 'properties'), name), 'type'), typeOf(p), `must be ${want}`));
  }
  const metadata = props.get('metadata');
  if (metadata) errs.push(...metadataInvariants(metadata, checkMetadata, lvl, key(child(path, 'properties'), 'metadata')));

  if (embedded && !preserve && !isSet(s, 'properties')) {
    errs.push(
      required(child(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'),
    );
  }
  return errs;
}

/** Keywords the structural form of a schema keeps (Generic, ValueValidation, Extensions); others (example, externalDocs) are dropped. */
const STRUCTURAL_KEYWORDS = [
  'description',
  'title',
  'nullable',
  'additionalProperties',
  'items',
  'format',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];

/**
 * The API server owns ObjectMeta: a CRD may say metadata is an object and may
 * constrain name and generateName, nothing else (type and default are checked
 * elsewhere; the name/generateName sub-schemas themselves are free).
 */
function metadataInvariants(m: Schema, checkMetadata: boolean, lvl: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && typeOf(m) !== 'object') errs.push(invalid(child(path, 'type'), typeOf(m), 'must be object'));
  if (lvl !== 'root') return errs;
  const names = entries(m, 'properties').map(([k]) => k);
  const onlyNames = names.every((k) => k === 'name' || k === 'generateName');
  const other = STRUCTURAL_KEYWORDS.some((k) => isSet(m, k)) || (names.length > 0 && !onlyNames);
  if (other) errs.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  return errs;
}

/** `{type: integer}` exactly — a nested value validation with nothing but that type. */
function onlyType(s: Schema, type: string): boolean {
  return typeOf(s) === type && Object.keys(s).every((k) => k === 'type' || !isSet(s, k));
}

/** anyOf: [{type: integer}, {type: string}] — the IntOrString exception to "no types in value validations". */
function isIntOrStringAnyOf(s: Schema): boolean {
  const any = Array.isArray(s.anyOf) ? s.anyOf : [];
  const l = list(s, 'anyOf');
  return any.length === 2 && l.length === 2 && onlyType(l[0][1], 'integer') && onlyType(l[1][1], 'string');
}

/** allOf: [{anyOf: [{type: integer}, {type: string}]}, …] — the other IntOrString exception. */
function isIntOrStringAllOf(s: Schema): boolean {
  const first = list(s, 'allOf')[0];
  return first !== undefined && first[0] === 0 && isIntOrStringAnyOf(first[1]);
}
