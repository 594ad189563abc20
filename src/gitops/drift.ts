// Drift: an object owned by the folder that was changed from elsewhere (the
// UI's scale, kubectl edit, another tool).
//
// THE RULE. Only fields the manifest sets can drift. The live object is
// compared with the manifest as the sync applied it (its own labels and
// annotations included), field by field, for the fields present in the
// manifest — taking each field's value as the API stored it right after the
// apply (`baselineOf`), so the API's normalisation (`0.5` CPU stored as `500m`,
// `env: []` or `null` dropped) is never drift; every field the manifest omits belongs to someone else — defaults
// filled in by the API, status written by controllers, `spec.replicas` of a
// Deployment whose manifest leaves replicas to a HorizontalPodAutoscaler —
// and is never drift. Maps are compared key by key for the manifest's keys;
// lists must have the manifest's length and each element is compared the same
// way (so a defaulted `imagePullPolicy` inside a container is not drift, but
// an extra container is). `status` is never compared.
//
// Switches: FolderSync `selfHeal: false` reports drift and leaves it; the
// annotation `kubeterm.io/self-heal: "false"` does the same for one object;
// `hpaOwnsReplicas` (default true) also leaves `spec.replicas` alone for a
// workload that an HPA from the same folder targets, even if the manifest sets
// replicas (the HPA, not the folder, owns that number — as Argo CD users
// configure with ignoreDifferences).
import type { KubeObject } from '../api/meta.js';

export interface DriftedField {
  path: string;
  want: unknown;
  got: unknown;
}

export interface DriftOptions {
  /** Dotted paths never compared (e.g. `spec.replicas` under an HPA). */
  ignore?: string[];
  /** Stop after this many differences. Default 5. */
  limit?: number;
}

/** Differences in the fields `desired` sets; empty when the live object is in sync. */
export function findDrift(desired: KubeObject, live: KubeObject, opts: DriftOptions = {}): DriftedField[] {
  const out: DriftedField[] = [];
  const limit = opts.limit ?? 5;
  const ignore = new Set(opts.ignore ?? []);
  const walk = (want: unknown, got: unknown, path: string): void => {
    if (out.length >= limit || ignore.has(path)) return;
    if (want === null || typeof want !== 'object') {
      if (!scalarEqual(want, got)) out.push({ path, want, got });
      return;
    }
    if (Array.isArray(want)) {
      if (!Array.isArray(got) || got.length !== want.length) {
        out.push({ path, want, got });
        return;
      }
      want.forEach((w, i) => walk(w, got[i], `${path}[${i}]`));
      return;
    }
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push({ path, want, got });
      return;
    }
    for (const [k, w] of Object.entries(want as Record<string, unknown>)) {
      walk(w, (got as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    }
  };
  for (const [k, v] of Object.entries(desired)) {
    if (k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      const m = v as KubeObject['metadata'];
      if (m.labels) walk(m.labels, live.metadata.labels ?? {}, 'metadata.labels');
      if (m.annotations) walk(m.annotations, live.metadata.annotations ?? {}, 'metadata.annotations');
      continue;
    }
    walk(v, live[k], k);
  }
  return out;
}

// YAML and the API may disagree on 1 vs "1" for int-or-string fields; neither is drift.
function scalarEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) return String(a) === String(b);
  return false;
}

/** `spec.replicas: 3 in the folder, 5 in the cluster` */
export function describeDrift(d: DriftedField[]): string {
  return d.map((f) => `${f.path}: ${show(f.want)} in the folder, ${show(f.got)} in the cluster`).join('; ');
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * The manifest's shape filled with the values the API stored when it was
 * applied: what drift is measured against. Only the manifest's fields (and of
 * metadata, only labels and annotations) are kept.
 */
export function baselineOf(manifest: KubeObject, stored: KubeObject): KubeObject {
  const project = (want: unknown, got: unknown): unknown => {
    if (want === null || typeof want !== 'object') return got;
    if (Array.isArray(want)) {
      if (!Array.isArray(got)) return got;
      return got.length === want.length ? want.map((w, i) => project(w, got[i])) : got;
    }
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return got;
    const out: Record<string, unknown> = {};
    for (const [k, w] of Object.entries(want as Record<string, unknown>)) out[k] = project(w, (got as Record<string, unknown>)[k]);
    return out;
  };
  const out: KubeObject = { apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: {} };
  if (manifest.metadata.labels) out.metadata.labels = project(manifest.metadata.labels, stored.metadata.labels ?? {}) as Record<string, string>;
  if (manifest.metadata.annotations) out.metadata.annotations = project(manifest.metadata.annotations, stored.metadata.annotations ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(manifest)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || k === 'status') continue;
    out[k] = project(v, stored[k]);
  }
  return out;
}
