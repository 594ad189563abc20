// The checks one version's openAPIV3Schema gets when a CRD is written, in the
// order apiextensions-apiserver reports them: nullable at the root, the
// structural-schema invariants (sorted by message), then the per-node
// OpenAPI checks. Defaults are not checked against their schema and CEL rules
// are not compiled here (see the report in validate-crd.ts's header).
import type { FieldError } from '../errors.js';
import { forbidden } from '../validation/field.js';
import { validateStructural } from './structural-invariants.js';
import { shapeErrors } from './structural-shape.js';
import { child, entries, isSet, list, subSchema, type Schema } from './structural-util.js';
import { openAPISchemaErrors } from './validate-schema.js';

/** Structural schema errors for one version's openAPIV3Schema, reported under `fieldPath`. */
export function structuralErrors(schema: unknown, fieldPath: string): FieldError[] {
  return schemaErrors(schema, fieldPath, { structural: true });
}

/**
 * As structuralErrors; `structural: false` skips the structural invariants —
 * Kubernetes' ratchet for a CRD stored before they were required (preserveUnknownFields
 * true and an old non-structural schema).
 */
export function schemaErrors(schema: unknown, fieldPath: string, opts: { structural: boolean }): FieldError[] {
  try {
    const shape = shapeErrors(schema, fieldPath);
    if (shape.length > 0) return shape;
    const s = schema as Schema;
    const errs: FieldError[] = [];
    if (s.nullable === true) errs.push(forbidden(child(fieldPath, 'nullable'), 'nullable cannot be true at the root'));
    // NewStructural refuses these outright; the OpenAPI checks below name them, so nothing else is said.
    if (opts.structural && !hasUnsupported(s)) errs.push(...validateStructural(s, fieldPath));
    errs.push(...openAPISchemaErrors(s, fieldPath));
    return errs;
  } catch (e) {
    // Pathological input (e.g. a cyclic object) must not take the API down.
    return [{ type: 'Invalid', field: fieldPath, value: '', detail: `schema could not be validated: ${(e as Error).message}` }];
  }
}

/** Whether `schema` breaks a structural invariant (used to ratchet updates of old CRDs). */
export function isNonStructural(schema: unknown): boolean {
  if (shapeErrors(schema, '').length > 0) return true;
  const s = schema as Schema;
  return hasUnsupported(s) || validateStructural(s, '').length > 0;
}

/** JSON-schema features NewStructural cannot represent, anywhere it looks. */
function hasUnsupported(s: Schema): boolean {
  for (const k of ['id', 'additionalItems', 'patternProperties', 'definitions', 'dependencies', '$ref']) if (isSet(s, k)) return true;
  if (Array.isArray(s.items) && s.items.length > 0) return true;
  const children: Schema[] = [
    ...entries(s, 'properties').map((e) => e[1]),
    ...['allOf', 'anyOf', 'oneOf'].flatMap((k) => list(s, k).map((e) => e[1])),
  ];
  for (const k of ['items', 'additionalProperties', 'not']) {
    const c = subSchema(s, k);
    if (c) children.push(c);
  }
  return children.some(hasUnsupported);
}
