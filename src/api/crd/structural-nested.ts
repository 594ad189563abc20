// Value validations under anyOf/allOf/oneOf/not, as apiextensions'
// pkg/apiserver/schema sees them: they may only restrict values, never define
// them (no type, default, nullable, extensions …), and every property or items
// they mention must also be defined structurally ("completeness") — otherwise
// pruning and defaulting could not know the shape of the object.
import type { FieldError } from '../errors.js';
import { forbidden, invalid, required } from '../validation/field.js';
import { child, entries, index, isSet, key, list, subSchema, type Schema } from './structural-util.js';

/** Keywords a nested value validation must leave alone, with the word Kubernetes uses for "unset". */
const FORBIDDEN_NESTED: [string, string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  // CEL rules are only evaluated on the structural part of the schema.
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

/** validateValueValidation: the junctors of `s` and its pattern. */
export function valueValidationErrors(s: Schema, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) for (const [i, v] of list(s, 'anyOf')) errs.push(...nestedErrors(v, false, index(child(path, 'anyOf'), i)));
  for (const [i, v] of list(s, 'allOf')) errs.push(...nestedErrors(v, skipFirstAllOfAnyOf && i === 0, index(child(path, 'allOf'), i)));
  for (const [i, v] of list(s, 'oneOf')) errs.push(...nestedErrors(v, false, index(child(path, 'oneOf'), i)));
  const not = subSchema(s, 'not');
  if (not) errs.push(...nestedErrors(not, false, child(path, 'not')));
  if (typeof s.pattern === 'string' && s.pattern) {
    const why = regexpError(s.pattern);
    if (why) errs.push(invalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${why}`));
  }
  return errs;
}

function nestedErrors(v: Schema, skipAnyOf: boolean, path: string): FieldError[] {
  const errs = valueValidationErrors(v, skipAnyOf, false, path);
  const items = subSchema(v, 'items');
  if (items) errs.push(...nestedErrors(items, false, child(path, 'items')));
  for (const [k, p] of entries(v, 'properties')) errs.push(...nestedErrors(p, false, key(child(path, 'properties'), k)));
  for (const [k, detail] of FORBIDDEN_NESTED) if (isSet(v, k)) errs.push(forbidden(child(path, k), detail));
  // Reasoning about metadata in a value validation could restrict it behind the API server's back.
  if (entries(v, 'properties').some(([k]) => k === 'metadata')) {
    errs.push(forbidden(key(child(path, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  }
  return errs;
}

/**
 * Go's RE2 rejects some syntax JavaScript accepts (look-around, back-references);
 * for those we give RE2's words, otherwise JavaScript's own complaint.
 */
function regexpError(pattern: string): string | undefined {
  const perl = /\(\?<?[=!]/.exec(pattern);
  if (perl) return `error parsing regexp: invalid or unsupported Perl syntax: \`${perl[0]}\``;
  const backref = /\\[1-9]/.exec(pattern);
  if (backref) return `error parsing regexp: invalid escape sequence: \`${backref[0]}\``;
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (e) {
    return `error parsing regexp: ${(e as Error).message}`;
  }
}

/** validateStructuralCompleteness: what the root's junctors mention must exist structurally. */
export function completenessErrors(s: Schema, path: string): FieldError[] {
  return valueCompleteness(s, s, path, path);
}

function valueCompleteness(v: Schema, s: Schema, sPath: string, vPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const not = subSchema(v, 'not');
  if (not) errs.push(...nestedCompleteness(not, s, sPath, child(vPath, 'not')));
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    for (const [i, n] of list(v, k)) errs.push(...nestedCompleteness(n, s, sPath, index(child(vPath, k), i)));
  }
  return errs;
}

function nestedCompleteness(v: Schema | undefined, s: Schema | undefined, sPath: string, vPath: string): FieldError[] {
  if (!v) return [];
  if (!s) return [required(sPath, `because it is defined in ${vPath}`)];
  const errs = valueCompleteness(v, s, sPath, vPath);
  errs.push(...nestedCompleteness(subSchema(v, 'items'), subSchema(s, 'items'), child(sPath, 'items'), child(vPath, 'items')));
  const sProps = new Map(entries(s, 'properties'));
  for (const [k, vp] of entries(v, 'properties')) {
    const sp = sProps.get(k);
    const sp2 = key(child(sPath, 'properties'), k);
    const vp2 = key(child(vPath, 'properties'), k);
    if (!sp) errs.push(required(sp2, `because it is defined in ${vp2}`));
    else errs.push(...nestedCompleteness(vp, sp, sp2, vp2));
  }
  return errs;
}
