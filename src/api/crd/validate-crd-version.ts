// One entry of spec.versions (validateCustomResourceDefinitionVersion): its
// deprecation warning, schema, subresources and printer columns, reported under
// spec.versions[i]. Kubernetes merges identical per-version schemas into the
// internal top-level spec.validation before validating, so it may print
// `spec.validation.openAPIV3Schema…`; v1 users only ever see per-version
// fields, so we always report the path they wrote.
import type { FieldError } from '../errors.js';
import { invalid, isObj, required } from '../validation/field.js';
import { schemaErrors } from './structural.js';
import { celRuleErrors } from './schema/index.js';
import { isSet, typeOf, type Schema } from './structural-util.js';

export interface VersionOpts {
  /** False only when ratcheting an update of a CRD whose stored schema was already non-structural. */
  structural: boolean;
}

export function validateVersion(v: Record<string, unknown>, path: string, opts: VersionOpts): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...deprecationWarning(v, `${path}.deprecationWarning`));
  const subresources = v.subresources;
  const statusEnabled = isObj(subresources) && subresources.status !== undefined && subresources.status !== null;
  if (isObj(v.schema)) {
    const schema = v.schema.openAPIV3Schema;
    const schemaPath = `${path}.schema.openAPIV3Schema`;
    if (statusEnabled && isObj(schema)) errs.push(...statusRootErrors(schema, schemaPath));
    if (schema !== undefined && schema !== null) {
      const structural = schemaErrors(schema, schemaPath, opts);
      errs.push(...structural);
      // CEL rules are compiled only against a schema that is otherwise sound, as the CRD strategy does.
      if (!structural.length && isObj(schema)) errs.push(...celRuleErrors(schema, schemaPath));
    }
  } else if (v.schema !== undefined && v.schema !== null) {
    errs.push(invalid(`${path}.schema`, v.schema, 'must be an object'));
  }
  errs.push(...validateSubresources(subresources, `${path}.subresources`));
  errs.push(...validateColumns(v.additionalPrinterColumns, `${path}.additionalPrinterColumns`));
  return errs;
}

function deprecationWarning(v: Record<string, unknown>, path: string): FieldError[] {
  const w = v.deprecationWarning;
  if (w === undefined || w === null) return [];
  if (typeof w !== 'string') return [invalid(path, w, 'must be a string')];
  if (v.deprecated !== true) return [invalid(path, w, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (Buffer.byteLength(w, 'utf8') > 256) errs.push(invalid(path, w, 'must be <= 256 characters long'));
  if (w.length === 0) errs.push(invalid(path, w, 'must not be an empty string'));
  // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. Go reports the byte offset.
  let offset = 0;
  for (const ch of w) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      errs.push(invalid(path, w, `must only contain printable UTF-8 characters; non-printable character found at index ${offset}`));
      break;
    }
    offset += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

/** JSONSchemaProps fields in Go declaration order, and those allowed at the root when status is a subresource. */
const ROOT_FIELDS: [string, string][] = [
  ['id', 'ID'],
  ['$schema', 'Schema'],
  ['$ref', 'Ref'],
  ['description', 'Description'],
  ['type', 'Type'],
  ['format', 'Format'],
  ['title', 'Title'],
  ['default', 'Default'],
  ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'],
  ['minimum', 'Minimum'],
  ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'],
  ['minLength', 'MinLength'],
  ['pattern', 'Pattern'],
  ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'],
  ['uniqueItems', 'UniqueItems'],
  ['multipleOf', 'MultipleOf'],
  ['enum', 'Enum'],
  ['maxProperties', 'MaxProperties'],
  ['minProperties', 'MinProperties'],
  ['required', 'Required'],
  ['items', 'Items'],
  ['allOf', 'AllOf'],
  ['oneOf', 'OneOf'],
  ['anyOf', 'AnyOf'],
  ['not', 'Not'],
  ['properties', 'Properties'],
  ['additionalProperties', 'AdditionalProperties'],
  ['patternProperties', 'PatternProperties'],
  ['dependencies', 'Dependencies'],
  ['additionalItems', 'AdditionalItems'],
  ['definitions', 'Definitions'],
  ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'],
  ['nullable', 'Nullable'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'],
  ['x-kubernetes-embedded-resource', 'XEmbeddedResource'],
  ['x-kubernetes-int-or-string', 'XIntOrString'],
  ['x-kubernetes-list-map-keys', 'XListMapKeys'],
  ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'],
  ['x-kubernetes-validations', 'XValidations'],
];
const ALLOWED_AT_ROOT = [
  'Description',
  'Type',
  'Format',
  'Title',
  'Maximum',
  'ExclusiveMaximum',
  'Minimum',
  'ExclusiveMinimum',
  'MaxLength',
  'MinLength',
  'Pattern',
  'MaxItems',
  'MinItems',
  'UniqueItems',
  'MultipleOf',
  'Required',
  'Items',
  'Properties',
  'ExternalDocs',
  'Example',
  'XPreserveUnknownFields',
  'XValidations',
];

/**
 * With a status subresource the status schema is cut out as properties[status];
 * root keywords that could constrain status from outside would be lost, so
 * only these may appear at the root. Go prints the whole schema struct as the
 * value; we print its type name only.
 */
function statusRootErrors(s: Schema, path: string): FieldError[] {
  for (const [k, goName] of ROOT_FIELDS) {
    const set = isSet(s, k) || (k === 'x-kubernetes-preserve-unknown-fields' && s[k] === false);
    if (!set) continue;
    if (goName === 'Type') {
      if (typeOf(s) !== 'object') {
        return [invalid(`${path}.type`, typeOf(s), 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      }
      continue;
    }
    if (!ALLOWED_AT_ROOT.includes(goName)) {
      const detail = `only [${ALLOWED_AT_ROOT.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`;
      return [invalid(path, s, detail, 'apiextensions.JSONSchemaProps{…}')];
    }
  }
  return [];
}

function validateSubresources(sub: unknown, path: string): FieldError[] {
  if (sub === undefined || sub === null) return [];
  if (!isObj(sub)) return [invalid(path, sub, 'must be an object')];
  const errs: FieldError[] = [];
  // status and scale are switches with settings; anything but an object would not decode.
  if (sub.status !== undefined && sub.status !== null && !isObj(sub.status)) errs.push(invalid(`${path}.status`, sub.status, 'must be an object'));
  const scale = sub.scale;
  if (scale === undefined || scale === null) return errs;
  if (!isObj(scale)) return [...errs, invalid(`${path}.scale`, scale, 'must be an object')];

  for (const [field, prefix, under] of [
    ['specReplicasPath', '.spec.', '.spec'],
    ['statusReplicasPath', '.status.', '.status'],
  ]) {
    const p = `${path}.scale.${field}`;
    const v = scale[field];
    if (v !== undefined && v !== null && typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
    else if (!v) errs.push(required(p));
    else {
      const bad = simpleJSONPathErrors(v, p);
      if (bad.length > 0) errs.push(...bad);
      else if (!v.startsWith(prefix)) errs.push(invalid(p, v, `should be a json path under ${under}`));
    }
  }
  const sel = scale.labelSelectorPath;
  const selPath = `${path}.scale.labelSelectorPath`;
  if (sel !== undefined && sel !== null && typeof sel !== 'string') errs.push(invalid(selPath, sel, 'must be a string'));
  else if (typeof sel === 'string' && sel) {
    const bad = simpleJSONPathErrors(sel, selPath);
    if (bad.length > 0) errs.push(...bad);
    else if (!sel.startsWith('.spec.') && !sel.startsWith('.status.')) errs.push(invalid(selPath, sel, 'should be a json path under either .spec or .status'));
  }
  return errs;
}

export function simpleJSONPathErrors(s: string, path: string): FieldError[] {
  if (s.length === 0) return [invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

/** ValidateCustomResourceColumnDefinition. The path says JSONPath, as the internal Go field is named. */
function validateColumns(cols: unknown, path: string): FieldError[] {
  if (cols === undefined || cols === null) return [];
  if (!Array.isArray(cols)) return [invalid(path, cols, 'must be a list')];
  const errs: FieldError[] = [];
  cols.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(c)) {
      errs.push(invalid(p, c ?? null, 'must be an object'));
      return;
    }
    for (const k of ['name', 'type', 'format', 'jsonPath', 'description']) {
      if (c[k] !== undefined && c[k] !== null && typeof c[k] !== 'string') errs.push(invalid(`${p}.${k}`, c[k], 'must be a string'));
    }
    if (c.priority !== undefined && c.priority !== null && !Number.isInteger(c.priority)) errs.push(invalid(`${p}.priority`, c.priority, 'must be an integer'));
    const name = typeof c.name === 'string' ? c.name : '';
    const type = typeof c.type === 'string' ? c.type : '';
    const format = typeof c.format === 'string' ? c.format : '';
    const jsonPath = typeof c.jsonPath === 'string' ? c.jsonPath : '';
    if (!name) errs.push(required(`${p}.name`));
    const oneOf = `must be one of ${COLUMN_TYPES.join(',')}`;
    if (!type) errs.push(required(`${p}.type`, oneOf));
    else if (!COLUMN_TYPES.includes(type)) errs.push(invalid(`${p}.type`, type, oneOf));
    if (format && !COLUMN_FORMATS.includes(format)) errs.push(invalid(`${p}.format`, format, `must be one of ${COLUMN_FORMATS.join(',')}`));
    if (!jsonPath) errs.push(required(`${p}.JSONPath`));
    else errs.push(...simpleJSONPathErrors(jsonPath, `${p}.JSONPath`));
  });
  return errs;
}

/** Whether a version declares a schema (v1 requires one per version). */
export function hasSchema(v: unknown): boolean {
  return isObj(v) && isObj(v.schema) && v.schema.openAPIV3Schema !== undefined && v.schema.openAPIV3Schema !== null;
}

/** Whether any schema in the versions sets a default (they need preserveUnknownFields false). */
export function anyDefaults(versions: unknown[]): boolean {
  const has = (s: unknown): boolean => {
    if (!isObj(s)) return Array.isArray(s) && s.some(has);
    if (isSet(s, 'default')) return true;
    return ['items', 'not', 'additionalProperties', 'allOf', 'anyOf', 'oneOf'].some((k) => has(s[k])) || ['properties', 'patternProperties', 'definitions'].some((k) => isObj(s[k]) && Object.values(s[k]).some(has));
  };
  return versions.some((v) => isObj(v) && isObj(v.schema) && has(v.schema.openAPIV3Schema));
}

