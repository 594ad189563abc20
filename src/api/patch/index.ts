// The patch formats the API accepts, by content type, and one entry point
// that applies any of them to an object:
//   merge      application/merge-patch+json       RFC 7386
//   json       application/json-patch+json        RFC 6902
//   strategic  application/strategic-merge-patch+json  Kubernetes merge keys and directives
//   apply      application/apply-patch+yaml       server-side apply (see applyConfiguration)
import { parse as parseYaml } from 'yaml';
import { applyJsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { strategicMergePatch } from './strategic.js';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export { applyJsonPatch, JsonPatchError, parsePointer, type JsonPatchOperation } from './json-patch.js';
export { createMergePatch, mergePatch } from './merge-patch.js';
export { createThreeWayMergePatch, createTwoWayMergePatch, strategicMergePatch } from './strategic.js';
export { hasStrategicSchema, kindPatchType, patchMetaAt, type FieldMeta } from './schema.js';

/** Patches arrive as parsed JSON or as the request body text; apply configurations may be YAML. */
function decode(patch: unknown, type: PatchType): unknown {
  if (typeof patch !== 'string') return patch;
  try {
    return type === 'apply' ? parseYaml(patch) : JSON.parse(patch);
  } catch (e) {
    throw new Error(type === 'apply' ? `error decoding YAML: ${(e as Error).message}` : 'invalid JSON document', { cause: e });
  }
}

/**
 * Server-side apply, simplified: the apply configuration is a (partial or
 * full) object and is merged into the live object like a strategic merge
 * patch, so the applied fields win and lists with merge keys merge by key.
 * Field ownership (managedFields) and conflict detection between managers
 * are not implemented yet — that is a later issue; every apply acts as if
 * `--force-conflicts` were given, and fields an earlier apply set but this
 * one omits are not removed.
 */
export function applyConfiguration(target: unknown, config: unknown, kind: string): unknown {
  return strategicMergePatch(target, config, kind);
}

/** Applies `patch` of `type` to `target` (a private copy) and returns the result. `kind` selects strategic-merge keys. */
export function applyPatch(target: unknown, type: PatchType, patch: unknown, kind: string): unknown {
  const p = decode(patch, type);
  switch (type) {
    case 'merge':
      return mergePatch(target, p);
    case 'json':
      return applyJsonPatch(target, p);
    case 'strategic':
      return strategicMergePatch(target, p, kind);
    case 'apply':
      return applyConfiguration(target, p, kind);
    default:
      throw new Error(`unsupported patch type: ${String(type)}`);
  }
}
