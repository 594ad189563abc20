// Kubernetes defaulting for every served kind. (Filled in by the API-machinery work.)
import type { KubeObject } from './meta.js';

/** Returns the object with Kubernetes' defaults applied. May mutate and return its argument (callers pass a private copy). */
export function applyDefaults(obj: KubeObject): KubeObject {
  return obj;
}
