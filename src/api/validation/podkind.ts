// The Pod kind itself: its spec plus the update rule that keeps a running Pod's spec fixed.
import type { KubeObject } from '../meta.js';
import { forbidden, isObj, type Errs } from './field.js';
import { validatePodSpec } from './pod.js';
import { sortKeys } from './apps.js';

type J = Record<string, unknown>;

export function validatePod(obj: KubeObject): Errs {
  return validatePodSpec(obj.spec, 'spec', { isPod: true });
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Strips what a Pod update may change: images, deadline, tolerations, grace period, the binding and scheduling gates. */
function mutableStripped(spec: unknown, other: unknown): string {
  const s: J = JSON.parse(JSON.stringify(isObj(spec) ? spec : {}));
  const o: J = isObj(other) ? other : {};
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(s[list])) for (const c of s[list] as J[]) if (isObj(c)) delete c.image;
  }
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  delete s.schedulingGates;
  // Binding a pod to a node fills nodeName once.
  if (!s.nodeName && o.nodeName) s.nodeName = o.nodeName;
  return JSON.stringify(sortKeys(s));
}

export function validatePodUpdate(obj: KubeObject, old: KubeObject): Errs {
  if (mutableStripped(obj.spec, old.spec) !== mutableStripped(old.spec, obj.spec)) return [forbidden('spec', POD_UPDATE_FORBIDDEN)];
  return [];
}
