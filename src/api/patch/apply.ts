// Client-side apply as `kubectl apply` does it (staging/src/k8s.io/kubectl
// pkg/cmd/apply, pkg/util/apply): the manifest, serialised without the
// annotation, becomes the new `kubectl.kubernetes.io/last-applied-configuration`;
// the object is patched with the three-way strategic merge patch of
// (original = previous last-applied, modified = manifest + new annotation,
// current = live). So a field dropped from the manifest is deleted, a field set
// in the manifest wins, and a field only the server or a controller set
// (status, defaults, replicas under an HPA) is left alone.
import type { KubeObject } from '../meta.js';
import { deepClone, goJson, isMap, type JMap } from './json-util.js';
import { createThreeWayMergePatch, strategicMergePatch } from './strategic.js';

export { createThreeWayMergePatch, createTwoWayMergePatch } from './strategic.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * GetModifiedConfiguration: the manifest without the last-applied annotation,
 * encoded as kubectl's JSON encoder writes it (sorted keys, trailing newline).
 * Like kubectl, an object without annotations gets `"annotations":{}`.
 */
export function lastAppliedConfiguration(manifest: KubeObject): string {
  return goJson(withoutLastApplied(manifest)) + '\n';
}

function withoutLastApplied(manifest: KubeObject): JMap {
  const m = deepClone(manifest) as unknown as JMap;
  const meta = (isMap(m.metadata) ? m.metadata : {}) as JMap;
  const annots = (isMap(meta.annotations) ? meta.annotations : {}) as JMap;
  delete annots[LAST_APPLIED];
  meta.annotations = annots;
  m.metadata = meta;
  return m;
}

/** The manifest with its new last-applied annotation: kubectl's `modified` document. */
function modifiedConfiguration(manifest: KubeObject): { modified: JMap; annotation: string } {
  const annotation = lastAppliedConfiguration(manifest);
  const modified = withoutLastApplied(manifest);
  (modified.metadata as JMap).annotations = { ...((modified.metadata as JMap).annotations as JMap), [LAST_APPLIED]: annotation };
  return { modified, annotation };
}

/** The previous last-applied configuration of a live object, or {} (no annotation, or not JSON). */
export function originalConfiguration(live: KubeObject): JMap {
  const raw = live.metadata?.annotations?.[LAST_APPLIED];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw);
    // kubectl would fail on an unreadable annotation; kubeterm treats it as absent so apply still converges.
    return isMap(v) ? v : {};
  } catch {
    return {};
  }
}

/** The strategic patch `kubectl apply` would send for this manifest against `live`. */
export function applyPatchFor(live: KubeObject, manifest: KubeObject): JMap {
  const { modified } = modifiedConfiguration(manifest);
  return createThreeWayMergePatch(originalConfiguration(live), modified, live, manifest.kind || live.kind);
}

/**
 * live undefined: returns `manifest` with the last-applied annotation set.
 * Otherwise: the three-way merge of last-applied (from live's annotation), live and manifest,
 * with the annotation updated.
 */
export function clientSideApply(live: KubeObject | undefined, manifest: KubeObject): KubeObject {
  if (!live) {
    const { modified } = modifiedConfiguration(manifest);
    return modified as unknown as KubeObject;
  }
  const patch = applyPatchFor(live, manifest);
  return strategicMergePatch(live, patch, manifest.kind || live.kind) as unknown as KubeObject;
}
