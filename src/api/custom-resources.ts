// How the Api door treats an object of a custom kind (a kind a CRD defines),
// as apiextensions-apiserver's customresource strategy does: the version the
// client wrote selects the schema; the schema's defaults are applied and
// unknown fields pruned (reported for fieldValidation=Strict); with a status
// subresource, create cannot set status; the object is stored in the CRD's
// storage version (conversion strategy None: only apiVersion changes).
import { badRequest } from './errors.js';
import type { FieldError } from './errors.js';
import { apiVersionOf, parseApiVersion, type CustomVersion, type KindInfo } from './kinds.js';
import type { KubeObject } from './meta.js';
import { compileSchema } from './crd/schema/index.js';

/** The CRD version `apiVersion` names, if that version is served. */
export function servedCustomVersion(info: KindInfo, apiVersion: unknown): CustomVersion | undefined {
  if (!info.custom || typeof apiVersion !== 'string') return undefined;
  const { group, version } = parseApiVersion(apiVersion);
  if (group !== info.group) return undefined;
  // The storage version is always writable from inside (controllers write it back), served or not.
  return info.custom.versions.find((v) => v.name === version && (v.served || v.storage));
}

/** Refuses an apiVersion the CRD does not serve, in kubectl's words. */
export function requireServedVersion(info: KindInfo, apiVersion: unknown): CustomVersion {
  const v = servedCustomVersion(info, apiVersion);
  if (!v) {
    const served = info.custom?.versions.filter((x) => x.served).map((x) => `${info.group}/${x.name}`) ?? [];
    throw badRequest(`no kind "${info.kind}" is registered for version "${String(apiVersion ?? '')}"; ${info.kind} is served as ${served.join(', ')}`);
  }
  return v;
}

export interface PreparedCustom {
  /** Paths of fields the schema does not know; they were pruned. */
  unknownFields: string[];
}

/**
 * Defaults and prunes `obj` (a private copy, in the version `version`) and
 * moves it to the storage version. On create with a status subresource the
 * status is dropped, as Kubernetes does.
 */
export function prepareCustom(info: KindInfo, obj: KubeObject, version: CustomVersion, opts: { create: boolean }): PreparedCustom {
  let unknownFields: string[] = [];
  if (version.schema) {
    const schema = compileSchema(version.schema);
    const o = obj as unknown as Record<string, unknown>;
    unknownFields = schema.prune(o);
    schema.applyDefaults(o);
  }
  if (opts.create && version.status) delete obj.status;
  obj.apiVersion = apiVersionOf(info);
  return { unknownFields };
}

/** Schema and CEL errors of `obj` against the schema of the version it was written in. */
export function validateCustom(version: CustomVersion, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  if (!version.schema) return [];
  const schema = compileSchema(version.schema);
  return schema.validate(obj as unknown as Record<string, unknown>, old as unknown as Record<string, unknown> | undefined);
}
