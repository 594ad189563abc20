// Where an object lives in the store: kind, namespace ('' for cluster-scoped
// kinds, 'default' when a namespaced object names none) and name.
import { badRequest } from '../src/api/errors.js';
import { builtinKindInfo } from '../src/api/kinds.js';
import type { KubeObject, ObjectMeta } from '../src/api/meta.js';

/**
 * Namespaced kinds live in a namespace ('default' when none given); cluster-scoped ones in ''.
 * Custom kinds are taken as given: the Api door, which owns the registry that knows their scope, scopes them.
 */
export function scopeNs(kind: string, namespace: string | undefined): string {
  const info = builtinKindInfo(kind);
  if (!info) return namespace ?? '';
  return info.namespaced ? namespace || 'default' : '';
}

export function keyOfInput(obj: KubeObject): { kind: string; namespace: string; name: string } {
  if (!obj || typeof obj !== 'object' || !obj.metadata) throw badRequest('Object is not a JSON object with metadata');
  if (!obj.kind) throw badRequest("Object 'Kind' is missing");
  const name = obj.metadata.name;
  if (!name) throw badRequest(`${obj.kind}: metadata.name is required`);
  return { kind: obj.kind, namespace: scopeNs(obj.kind, obj.metadata.namespace), name };
}

/** Writes the scoped namespace into metadata (removing it for cluster-scoped kinds). */
export function setNs(m: ObjectMeta, kind: string, namespace: string): void {
  if (namespace) m.namespace = namespace;
  else if (builtinKindInfo(kind) || !m.namespace) delete m.namespace;
}

/** list() order: by namespace, then name. */
export function byNsName(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const a1 = a.metadata.name ?? '';
  const b1 = b.metadata.name ?? '';
  return a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
}
