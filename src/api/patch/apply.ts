// Client-side apply as kubectl does it. (Filled in by the patch work.)
import type { KubeObject } from '../meta.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * live undefined: returns `manifest` with the last-applied annotation set.
 * Otherwise: the three-way merge of last-applied (from live's annotation), live and manifest,
 * with the annotation updated.
 */
export function clientSideApply(live: KubeObject | undefined, manifest: KubeObject): KubeObject {
  void live;
  return manifest;
}
