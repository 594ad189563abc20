// Patch types the API accepts. (Filled in by the patch work.)
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Applies `patch` of `type` to `target` (a private copy) and returns the result. `kind` selects strategic-merge keys. */
export function applyPatch(target: unknown, type: PatchType, patch: unknown, kind: string): unknown {
  void target;
  void type;
  void patch;
  void kind;
  throw new Error('not implemented');
}
