// The desired state of a folder: every object its sources define, marked with
// the sync's ownership label and annotations, keyed by kind/namespace/name.
// Kinds (scope, apply order) come from a KindCatalog: the cluster's resources
// plus the folder's own CRDs.
import type { KindInfo } from '../api/kinds.js';
import { clone, type KubeObject } from '../api/meta.js';
import type { FolderCrd, KindCatalog } from './kinds.js';
import type { LoadedObject, ManifestError } from './loader.js';
import { hookOf, waveOf, type HookSpec } from './sync-options.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, SOURCE_ANNOTATION, SYNC_ANNOTATION } from './labels.js';

export interface Desired {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  file: string;
  /** The manifest as sent to apply: the file's object plus the sync's marks. */
  obj: KubeObject;
  loaded: LoadedObject;
  /** Changes whenever what would be applied changes (including the source file). */
  hash: string;
  order: number;
  /** Set when the folder defines this object's kind with a CRD: applied only once that CRD is Established. */
  crd?: FolderCrd;
  /** Sync wave (sync-options.ts): applied after every lower wave is healthy. */
  wave: number;
  /** Set for an Argo CD / Helm hook: run by hooks.ts in its phases, never applied, pruned or healed as a normal object. */
  hook?: HookSpec;
  /** A hook's metadata.generateName (its `name` then is the generateName too). */
  generateName?: string;
}

export const objectKey = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

/**
 * Splits a file's objects into those whose kind resolves (served, or defined
 * by a CRD in the folder) and per-object errors in kubectl's words for the rest.
 */
export function resolveKinds(
  objects: readonly LoadedObject[],
  file: string,
  kinds: KindCatalog,
): { resolved: { loaded: LoadedObject; info: KindInfo; crd?: FolderCrd }[]; errors: ManifestError[] } {
  const resolved: { loaded: LoadedObject; info: KindInfo; crd?: FolderCrd }[] = [];
  const errors: ManifestError[] = [];
  for (const loaded of objects) {
    const r = kinds.resolve(loaded.obj.kind, loaded.obj.apiVersion);
    if (r.ok) resolved.push({ loaded, info: r.info, ...(r.crd ? { crd: r.crd } : {}) });
    else errors.push({ file, doc: loaded.doc, line: loaded.line, object: `${loaded.obj.kind}/${loaded.obj.metadata?.name ?? ''}`, message: r.message });
  }
  return { resolved, errors };
}

/** Marks one loaded object, of a resolved kind, for applying from `file`. */
export function toDesired(loaded: LoadedObject, file: string, syncName: string, defaultNamespace: string, info: KindInfo, crd?: FolderCrd): Desired {
  const obj = clone(loaded.obj);
  const namespace = info.namespaced ? obj.metadata.namespace || defaultNamespace : '';
  if (info.namespaced) obj.metadata.namespace = namespace;
  else delete obj.metadata.namespace;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [SYNC_ANNOTATION]: syncName, [SOURCE_ANNOTATION]: file };
  const hook = hookOf(obj.metadata.annotations);
  const generateName = !obj.metadata.name && hook ? obj.metadata.generateName : undefined;
  const name = obj.metadata.name || generateName!;
  return {
    key: objectKey(obj.kind, namespace, name),
    kind: obj.kind,
    namespace,
    name,
    file,
    obj,
    loaded,
    hash: JSON.stringify(obj),
    order: info.applyOrder,
    ...(crd ? { crd } : {}),
    wave: waveOf(obj.metadata.annotations),
    ...(hook ? { hook } : {}),
    ...(generateName ? { generateName } : {}),
  };
}

/** `Deployment "web" in namespace "shop"` / `Namespace "shop"` */
export function describeObject(d: { kind: string; namespace: string; name: string }): string {
  return d.namespace ? `${d.kind} "${d.name}" in namespace "${d.namespace}"` : `${d.kind} "${d.name}"`;
}

/** `b.yaml (document 2, line 7)` */
function definedAt(d: Desired): string {
  return `${d.file} (document ${d.loaded.doc}, line ${d.loaded.line})`;
}

/**
 * Merges per-source desired lists into one map. An object defined more than
 * once (in two files, or twice in one file) is a conflict: no definition wins,
 * none is applied, and every definition gets an error naming the others.
 * `conflicts` holds the definitions of each such object, by key: what is live
 * stays as it is (never pruned) until only one definition is left.
 */
export function mergeDesired(perSource: { file: string; objects: Desired[] }[]): {
  desired: Map<string, Desired>;
  duplicates: Map<string, ManifestError[]>;
  conflicts: Map<string, Desired[]>;
} {
  const all = new Map<string, Desired[]>();
  for (const src of [...perSource].sort((a, b) => a.file.localeCompare(b.file))) {
    for (const d of src.objects) {
      const list = all.get(d.key);
      if (list) list.push(d);
      else all.set(d.key, [d]);
    }
  }
  const desired = new Map<string, Desired>();
  const duplicates = new Map<string, ManifestError[]>();
  const conflicts = new Map<string, Desired[]>();
  for (const [key, defs] of all) {
    if (defs.length === 1) {
      desired.set(key, defs[0]);
      continue;
    }
    conflicts.set(key, defs);
    for (const d of defs) {
      const others = defs.filter((o) => o !== d).map(definedAt);
      const errs = duplicates.get(d.file) ?? [];
      errs.push({
        file: d.file,
        doc: d.loaded.doc,
        line: d.loaded.line,
        object: `${d.kind}/${d.name}`,
        message:
          `conflict: ${describeObject(d)} is defined in ${definedAt(d)} and also in ${others.join(' and ')}; ` +
          'neither definition is applied until only one file defines it',
      });
      duplicates.set(d.file, errs);
    }
  }
  return { desired, duplicates, conflicts };
}

/** Keys of workloads an HPA from the folder scales: their replicas belong to the HPA. */
export function hpaTargets(desired: Iterable<Desired>): Set<string> {
  const out = new Set<string>();
  for (const d of desired) {
    if (d.kind !== 'HorizontalPodAutoscaler') continue;
    const ref = d.obj.spec?.scaleTargetRef;
    if (ref?.kind && ref?.name) out.add(objectKey(ref.kind, d.namespace, ref.name));
  }
  return out;
}
