// Validation of apiextensions.k8s.io/v1 CustomResourceDefinitions, after
// apiextensions-apiserver's validation.go (ValidateCustomResourceDefinition and
// ValidateCustomResourceDefinitionUpdate), in its words and field paths.
//
// Not done here, and why:
// - CEL (x-kubernetes-validations) is not compiled and its cost not estimated;
//   only the rule/message/reason/fieldPath shape checks run.
// - Defaults in the schema are not validated against the schema or checked for
//   being pruned (structuraldefaulting.ValidateDefaults).
// - selectableFields are not checked (they need CEL field-path resolution).
// - Webhook conversion is refused outright (see validate-crd-conversion.ts).
// The callers own what the registry strategy does around validation: on
// create, status is reset to {storedVersions: [storage version]}; on update,
// status is kept from the stored object and the new storage version appended.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { dedupeErrors, invalid, isObj, notSupported, required } from '../validation/field.js';
import { goStringSlice } from '../validation/gofmt.js';
import { validateObjectMeta } from '../validation/meta.js';
import { isNonStructural } from './structural.js';
import { validateConversion } from './validate-crd-conversion.js';
import { goVersions } from './validate-crd-gofmt.js';
import { validateNames } from './validate-crd-names.js';
import { anyDefaults, hasSchema, validateVersion } from './validate-crd-version.js';

type Obj = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const objOr = (v: unknown): Obj => (isObj(v) ? v : {});

/** Field errors for a CRD on create (old undefined) or update, in Kubernetes' words and field paths. */
export function validateCrd(crd: KubeObject, old?: KubeObject): FieldError[] {
  try {
    return dedupeErrors(old ? validateUpdate(crd, old) : validateCreate(crd));
  } catch (e) {
    // Malformed input must be refused with a message, never crash the API.
    return [{ type: 'Invalid', field: '', value: 'CustomResourceDefinition', detail: `object could not be validated: ${(e as Error).message}` }];
  }
}

function validateCreate(crd: KubeObject): FieldError[] {
  const spec = objOr(crd.spec);
  const names = objOr(spec.names);
  const requiredName = `${text(names.plural)}.${text(spec.group)}`;
  // The object name is where the API lives (plural.group); nothing else is accepted.
  const nameFn = (name: string, prefix: boolean) => [
    ...nameIsDNSSubdomain(name, prefix),
    ...(name !== requiredName ? ['must be spec.names.plural+"."+spec.group'] : []),
  ];
  return [
    ...validateObjectMeta(crd, false, nameFn),
    ...validateSpec(crd.spec, undefined),
    ...validateStatus(crd),
    ...validateStoredVersions(crd),
    ...validateApiApproval(crd, undefined),
    ...validatePreserveUnknownFields(crd, undefined),
  ];
}

function validateUpdate(crd: KubeObject, old: KubeObject): FieldError[] {
  return [
    // A stored object keeps the name it was created with; the door checks name changes.
    ...validateObjectMeta(crd, false, () => []),
    ...validateSpec(crd.spec, old),
    ...immutableOnUpdate(objOr(crd.spec), objOr(old.spec), isEstablished(old)),
    ...validateStatus(crd),
    ...validateStoredVersions(crd),
    ...validateApiApproval(crd, old),
    ...validatePreserveUnknownFields(crd, old),
  ];
}

function validateSpec(rawSpec: unknown, old: KubeObject | undefined): FieldError[] {
  if (rawSpec !== undefined && rawSpec !== null && !isObj(rawSpec)) return [invalid('spec', rawSpec, 'must be an object')];
  const spec = objOr(rawSpec);
  const errs: FieldError[] = [];

  const group = spec.group;
  if (group !== undefined && group !== null && typeof group !== 'string') errs.push(invalid('spec.group', group, 'must be a string'));
  else if (!group) errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(group).length > 0) errs.push(invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));

  const scope = spec.scope;
  if (scope === undefined || scope === null || scope === '') errs.push(required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));

  const preserve = spec.preserveUnknownFields === true;
  if (spec.preserveUnknownFields !== undefined && spec.preserveUnknownFields !== null && typeof spec.preserveUnknownFields !== 'boolean') {
    errs.push(invalid('spec.preserveUnknownFields', spec.preserveUnknownFields, 'must be a boolean'));
  }
  const rawVersions = spec.versions;
  if (rawVersions !== undefined && rawVersions !== null && !Array.isArray(rawVersions)) errs.push(invalid('spec.versions', rawVersions, 'must be a list'));
  const versions: unknown[] = Array.isArray(rawVersions) ? rawVersions : [];
  const oldVersions: unknown[] = old && Array.isArray(objOr(old.spec).versions) ? (objOr(old.spec).versions as unknown[]) : [];

  // Ratchets: an update may keep what an older API server accepted, never loosen it further.
  const requireSchema = !old || oldVersions.every(hasSchema);
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}].schema.openAPIV3Schema`;
    if (requireSchema && !hasSchema(v)) errs.push(required(p, 'schemas are required'));
    else if (!requireSchema && !preserve && isObj(v) && v.served === true && !hasSchema(v)) errs.push(required(p, 'because otherwise all fields are pruned'));
  });
  if (anyDefaults(versions) && preserve) errs.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  const oldNonStructural = oldVersions.some((v) => hasSchema(v) && isNonStructural(objOr(objOr(v).schema).openAPIV3Schema));
  const structural = !old || !preserve || !oldNonStructural;

  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!isObj(v)) {
      errs.push(invalid(p, v ?? null, 'must be an object'));
      return;
    }
    for (const k of ['served', 'storage', 'deprecated']) {
      if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'boolean') errs.push(invalid(`${p}.${k}`, v[k], 'must be a boolean'));
    }
    if (v.storage === true) storage++;
    const name = text(v.name);
    if (seen.has(name)) unique = false;
    seen.add(name);
    const bad = isDNS1035Label(name);
    if (bad.length > 0) errs.push(invalid(`${p}.name`, v.name ?? '', bad.join(',')));
    errs.push(...validateVersion(v, p, { structural }));
  });
  if (!unique) errs.push(invalid('spec.versions', versions, 'must contain unique version names', goVersions(rawVersions)));
  if (storage !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version', goVersions(rawVersions)));

  // In addition to the basic name rules, the spec must name every form of the resource.
  const names = objOr(spec.names);
  for (const k of ['plural', 'singular', 'kind', 'listKind']) if (!names[k]) errs.push(required(`spec.names.${k}`));
  errs.push(...validateNames(spec.names, 'spec.names'));
  errs.push(...validateConversion(spec.conversion, preserve, 'spec.conversion'));
  return errs;
}

const immutable = (path: string, now: unknown, was: unknown): FieldError[] =>
  JSON.stringify(now ?? '') === JSON.stringify(was ?? '') ? [] : [invalid(path, now ?? '', 'field is immutable')];

/** Group and plural make the URL and so never change; scope and kind shape storage, so they freeze once Established. */
function immutableOnUpdate(spec: Obj, oldSpec: Obj, established: boolean): FieldError[] {
  const names = objOr(spec.names);
  const oldNames = objOr(oldSpec.names);
  return [
    ...(established ? immutable('spec.scope', spec.scope, oldSpec.scope) : []),
    ...(established ? immutable('spec.names.kind', names.kind, oldNames.kind) : []),
    ...immutable('spec.group', spec.group, oldSpec.group),
    ...immutable('spec.names.plural', names.plural, oldNames.plural),
  ];
}

function isEstablished(crd: KubeObject): boolean {
  const conditions = objOr(crd.status).conditions;
  return Array.isArray(conditions) && conditions.some((c) => isObj(c) && c.type === 'Established' && c.status === 'True');
}

function validateStatus(crd: KubeObject): FieldError[] {
  if (crd.status !== undefined && crd.status !== null && !isObj(crd.status)) return [invalid('status', crd.status, 'must be an object')];
  return validateNames(objOr(crd.status).acceptedNames, 'status.acceptedNames');
}

/** Every version ever used for storage must stay listed until a migration drops it from status.storedVersions. */
function validateStoredVersions(crd: KubeObject): FieldError[] {
  const path = 'status.storedVersions';
  const raw = objOr(crd.status).storedVersions;
  if (raw !== undefined && raw !== null && (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string'))) {
    return [invalid(path, raw, 'must be a list of strings')];
  }
  const stored = (raw ?? undefined) as string[] | undefined;
  const shown = goStringSlice(stored);
  if (!stored || stored.length === 0) return [invalid(path, stored ?? null, 'must have at least one stored version', shown)];
  const versions = objOr(crd.spec).versions;
  const listed = (Array.isArray(versions) ? versions : []).filter(isObj);
  const errs: FieldError[] = [];
  const remaining = new Map<string, number>();
  stored.forEach((v, i) => remaining.set(v, i));
  for (const v of listed) {
    const name = text(v.name);
    if (v.storage === true && !remaining.has(name)) errs.push(invalid(path, stored, `must have the storage version ${name}`, shown));
    remaining.delete(name);
  }
  for (const [v, i] of remaining) {
    errs.push(
      invalid(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

const APPROVAL = 'api-approved.kubernetes.io';
const ENHANCEMENT = 'see https://github.com/kubernetes/enhancements/pull/1111';

/** Groups under k8s.io and kubernetes.io belong to the Kubernetes project and need an approval annotation. */
function validateApiApproval(crd: KubeObject, old: KubeObject | undefined): FieldError[] {
  const group = text(objOr(crd.spec).group);
  const isProtected = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!isProtected) return [];
  const state = approvalState(crd);
  // Unchanged state never fails, so controllers that only touch spec keep working.
  if (old && approvalState(old) === state) return [];
  const path = `metadata.annotations[${APPROVAL}]`;
  const value = text(objOr(crd.metadata?.annotations)[APPROVAL]);
  if (state === 'missing') return [required(path, `protected groups must have approval annotation "${APPROVAL}", ${ENHANCEMENT}`)];
  if (state === 'invalid') {
    return [invalid(path, value, `protected groups must have approval annotation "${APPROVAL}" with either a URL or a reason starting with "unapproved", ${ENHANCEMENT}`)];
  }
  return [];
}

function approvalState(crd: KubeObject): 'missing' | 'bypassed' | 'approved' | 'invalid' {
  const a = text(objOr(crd.metadata?.annotations)[APPROVAL]);
  if (!a) return 'missing';
  if (a.startsWith('unapproved')) return 'bypassed';
  try {
    const u = new URL(a);
    if (u.host && u.protocol) return 'approved';
  } catch {}
  return 'invalid';
}

/** preserveUnknownFields: true is the v1beta1 habit; v1 only keeps it on CRDs that already had it. */
function validatePreserveUnknownFields(crd: KubeObject, old: KubeObject | undefined): FieldError[] {
  if (old && objOr(old.spec).preserveUnknownFields === true) return [];
  if (objOr(crd.spec).preserveUnknownFields !== true) return [];
  return [invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
}

