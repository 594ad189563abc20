// CustomResourceDefinition objects for tests: the apiextensions.k8s.io/v1
// envelope (named `plural.group`, Namespaced unless told) and its served
// versions, so a fixture spells out only what makes it different. Keys come
// in the order the fixtures always wrote them (the fuzz tests walk them).
import type { KubeObject } from '../../src/api/meta.js';

type Obj = Record<string, unknown>;

export interface CrdParts {
  group: string;
  names: Obj & { plural: string; kind: string };
  versions: Obj[];
  scope?: string;
  /** Beside metadata.name (labels …). */
  metadata?: Obj;
  /** Beside group, scope, names and versions (conversion, preserveUnknownFields …). */
  spec?: Obj;
}

export function crdObject(o: CrdParts): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.names.plural}.${o.group}`, ...o.metadata },
    spec: { group: o.group, scope: o.scope ?? 'Namespaced', names: o.names, versions: o.versions, ...o.spec },
  };
}

/** A served version, the storage version unless `storage` is false; `rest` is its schema, subresources, columns … */
export function crdVersion(name: string, rest: Obj = {}, storage = true): Obj {
  return { name, served: true, storage, ...rest };
}

/** The printer columns every cert-manager Certificate starts with: Ready (its Ready condition) and Secret. */
export function certificateColumns(): Obj[] {
  return [
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
  ];
}
