// The JSON shape of an openAPIV3Schema. Kubernetes decodes the schema into Go
// structs first, so a string where a schema belongs never reaches validation
// (the request fails to decode). Our callers hand us raw JSON, so we check the
// shape here and report each misfit as a field error instead of throwing.
import type { FieldError } from '../errors.js';
import { invalid, isObj } from '../validation/field.js';
import { child, index, key, type Schema } from './structural-util.js';

const STRINGS = ['type', 'format', 'title', 'description', 'pattern', 'id', '$schema', '$ref', 'x-kubernetes-list-type', 'x-kubernetes-map-type'];
const BOOLEANS = [
  'nullable',
  'uniqueItems',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
];
const NUMBERS = ['maximum', 'minimum', 'multipleOf'];
const INTEGERS = ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'];
const STRING_LISTS = ['required', 'x-kubernetes-list-map-keys'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];

export function shapeErrors(s: unknown, path: string): FieldError[] {
  if (!isObj(s)) return [invalid(path, s ?? null, 'must be a JSON schema object')];
  const errs: FieldError[] = [];
  const bad = (k: string, what: string) => errs.push(invalid(child(path, k), s[k], `must be ${what}`));
  const present = (k: string) => s[k] !== undefined && s[k] !== null;

  for (const k of STRINGS) if (present(k) && typeof s[k] !== 'string') bad(k, 'a string');
  for (const k of BOOLEANS) if (present(k) && typeof s[k] !== 'boolean') bad(k, 'a boolean');
  for (const k of NUMBERS) if (present(k) && (typeof s[k] !== 'number' || !Number.isFinite(s[k]))) bad(k, 'a number');
  for (const k of INTEGERS) if (present(k) && !Number.isInteger(s[k])) bad(k, 'an integer');
  for (const k of STRING_LISTS) {
    if (present(k) && (!Array.isArray(s[k]) || (s[k] as unknown[]).some((x) => typeof x !== 'string'))) bad(k, 'a list of strings');
  }
  if (present('enum') && !Array.isArray(s.enum)) bad('enum', 'a list');

  for (const k of SCHEMA_LISTS) {
    if (!present(k)) continue;
    if (!Array.isArray(s[k])) bad(k, 'a list of schemas');
    else (s[k] as unknown[]).forEach((x, i) => errs.push(...shapeErrors(x, index(child(path, k), i))));
  }
  for (const k of SCHEMA_MAPS) {
    if (!present(k)) continue;
    if (!isObj(s[k])) bad(k, 'a map of schemas');
    else for (const [name, x] of Object.entries(s[k] as Schema)) errs.push(...shapeErrors(x, key(child(path, k), name)));
  }
  if (present('not')) errs.push(...shapeErrors(s.not, child(path, 'not')));
  if (present('items')) {
    if (Array.isArray(s.items)) s.items.forEach((x, i) => errs.push(...shapeErrors(x, index(child(path, 'items'), i))));
    else errs.push(...shapeErrors(s.items, child(path, 'items')));
  }
  for (const k of ['additionalProperties', 'additionalItems']) {
    if (!present(k) || typeof s[k] === 'boolean') continue;
    if (isObj(s[k])) errs.push(...shapeErrors(s[k], child(path, k)));
    else bad(k, 'a schema or a boolean');
  }
  if (present('dependencies')) {
    if (!isObj(s.dependencies)) bad('dependencies', 'a map');
    else
      for (const [name, d] of Object.entries(s.dependencies)) {
        if (isObj(d)) errs.push(...shapeErrors(d, key(child(path, 'dependencies'), name)));
        else if (!Array.isArray(d)) errs.push(invalid(key(child(path, 'dependencies'), name), d, 'must be a schema or a list of strings'));
      }
  }
  if (present('x-kubernetes-validations')) {
    const rules = s['x-kubernetes-validations'];
    if (!Array.isArray(rules)) bad('x-kubernetes-validations', 'a list of rules');
    else
      rules.forEach((r, i) => {
        const p = index(child(path, 'x-kubernetes-validations'), i);
        if (!isObj(r)) errs.push(invalid(p, r ?? null, 'must be an object'));
        else
          for (const f of ['rule', 'message', 'messageExpression', 'reason', 'fieldPath']) {
            if (r[f] !== undefined && r[f] !== null && typeof r[f] !== 'string') errs.push(invalid(child(p, f), r[f], 'must be a string'));
          }
      });
  }
  return errs;
}
