// A CustomResourceDefinition read as the KindInfo the registry serves: names
// from status.acceptedNames (what the naming check accepted), versions with
// their schema, printer columns and subresources. Pure; tolerant of a
// malformed CRD (validation refused those already).
import type { CustomScale, CustomVersion, KindInfo, PrinterColumn } from '../kinds.js';
import type { KubeObject } from '../meta.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

/** The CRD's names as it asks for them (spec.names), with Kubernetes' defaults. */
export function requestedNames(crd: KubeObject): { plural: string; singular: string; kind: string; listKind: string; shortNames: string[]; categories: string[] } {
  const n = obj(obj(crd.spec).names);
  const kind = str(n.kind);
  return {
    plural: str(n.plural),
    singular: str(n.singular) || kind.toLowerCase(),
    kind,
    listKind: str(n.listKind) || `${kind}List`,
    shortNames: strs(n.shortNames),
    categories: strs(n.categories),
  };
}

function printerColumns(v: Obj): PrinterColumn[] {
  return arr(v.additionalPrinterColumns).map((c) => {
    const o = obj(c);
    return {
      name: str(o.name),
      type: str(o.type),
      jsonPath: str(o.jsonPath),
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
      ...(typeof o.priority === 'number' ? { priority: o.priority } : {}),
      ...(typeof o.format === 'string' ? { format: o.format } : {}),
    };
  });
}

function scaleOf(sub: Obj): CustomScale | undefined {
  if (!sub.scale || typeof sub.scale !== 'object') return undefined;
  const s = obj(sub.scale);
  return {
    specReplicasPath: str(s.specReplicasPath),
    statusReplicasPath: str(s.statusReplicasPath),
    ...(typeof s.labelSelectorPath === 'string' ? { labelSelectorPath: s.labelSelectorPath } : {}),
  };
}

export function versionsOf(crd: KubeObject): CustomVersion[] {
  return arr(obj(crd.spec).versions).map((raw) => {
    const v = obj(raw);
    const sub = obj(v.subresources);
    const schema = obj(v.schema).openAPIV3Schema;
    return {
      name: str(v.name),
      served: v.served === true,
      storage: v.storage === true,
      ...(schema && typeof schema === 'object' ? { schema: schema as Obj } : {}),
      printerColumns: printerColumns(v),
      status: sub.status !== undefined && sub.status !== null,
      ...(scaleOf(sub) ? { scale: scaleOf(sub) } : {}),
      ...(v.deprecated === true ? { deprecated: true } : {}),
      ...(typeof v.deprecationWarning === 'string' ? { deprecationWarning: v.deprecationWarning } : {}),
    };
  });
}

/** The kind a CRD defines, as served once its names are accepted. */
export function kindFromCrd(crd: KubeObject): KindInfo {
  const spec = obj(crd.spec);
  const accepted = obj(obj(crd.status).acceptedNames);
  const want = requestedNames(crd);
  const names = {
    plural: str(accepted.plural) || want.plural,
    singular: str(accepted.singular) || want.singular,
    kind: str(accepted.kind) || want.kind,
    listKind: str(accepted.listKind) || want.listKind,
    shortNames: accepted.shortNames !== undefined ? strs(accepted.shortNames) : want.shortNames,
    categories: accepted.categories !== undefined ? strs(accepted.categories) : want.categories,
  };
  const versions = versionsOf(crd);
  const storage = versions.find((v) => v.storage) ?? versions[0];
  const served = versions.filter((v) => v.served && v !== storage).map((v) => v.name);
  const subresources: string[] = [];
  if (storage?.status) subresources.push('status');
  if (storage?.scale) subresources.push('scale');
  return {
    kind: names.kind,
    group: str(spec.group),
    version: storage?.name ?? '',
    plural: names.plural,
    singular: names.singular,
    shortNames: names.shortNames,
    namespaced: spec.scope !== 'Cluster',
    categories: names.categories,
    subresources,
    // Custom resources apply after the built-in workloads' config, before Events and Leases.
    applyOrder: 50,
    alsoServed: served,
    listKind: names.listKind,
    custom: { crd: crd.metadata.name ?? '', versions },
  };
}

/** The version of a custom kind a request names; subresources differ per version. */
export function customVersionOf(info: KindInfo, version: string): CustomVersion | undefined {
  return info.custom?.versions.find((v) => v.name === version);
}
