// pod-template-hash for the Deployment controller: src/api/hash.ts computes
// controller.ComputeHash; this file decides WHAT is hashed and compared — the
// template normalized the way Kubernetes' Go structs make equal templates
// equal: defaulted as a pod would be, nulls and empty objects/arrays dropped
// (kubectl rollout undo sends `creationTimestamp: null` and `resources: {}`),
// and without the pod-template-hash label — so a rollback finds the existing
// ReplicaSet instead of creating a twin.
import type { PodTemplateSpec } from '../api/types/pod.js';
import { applyDefaults } from '../api/defaults.js';
import { canonicalJson, podTemplateHash as computeHash } from '../api/hash.js';
import type { KubeObject } from '../api/meta.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Drops nulls, undefined, and empty objects/arrays (Go's zero values print the same as absent). */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const a = v.map(prune).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/**
 * The template as the hash and template equality see it: defaulted as a pod
 * would be, empty values dropped, and without the pod-template-hash label.
 */
export function normalizeTemplate(t: PodTemplateSpec | undefined): unknown {
  const tpl = JSON.parse(JSON.stringify(t ?? {})) as PodTemplateSpec;
  const asPod = { apiVersion: 'v1', kind: 'Pod', metadata: tpl.metadata ?? {}, spec: tpl.spec ?? {} } as KubeObject;
  let defaulted: KubeObject = asPod;
  try {
    defaulted = applyDefaults(asPod);
  } catch {
    // A template that cannot be defaulted is compared as written.
  }
  const meta = { ...(defaulted.metadata ?? {}) };
  delete meta.creationTimestamp;
  if (meta.labels) {
    const labels = { ...meta.labels };
    delete labels[POD_TEMPLATE_HASH];
    meta.labels = labels;
  }
  return prune({ metadata: meta, spec: defaulted.spec }) ?? {};
}

/**
 * Canonical JSON of the normalized template: equal exactly when EqualIgnoreHash holds. Store objects are frozen and
 * shared, so the result is cached per template object: a Deployment compares
 * its template with each of its ReplicaSets' on every sync.
 */
const canonicalCache = new WeakMap<object, string>();
export function templateFingerprint(t: PodTemplateSpec | undefined): string {
  if (!t || typeof t !== 'object') return canonicalJson(normalizeTemplate(t));
  const frozen = Object.isFrozen(t);
  const hit = frozen ? canonicalCache.get(t) : undefined;
  if (hit !== undefined) return hit;
  const s = canonicalJson(normalizeTemplate(t));
  if (frozen) canonicalCache.set(t, s);
  return s;
}

/** apps/v1 EqualIgnoreHash: the templates are the same but for pod-template-hash. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return templateFingerprint(a) === templateFingerprint(b);
}

/** controller.ComputeHash(template, collisionCount). */
export function podTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  return computeHash(normalizeTemplate(template), collisionCount);
}
