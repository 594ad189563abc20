// customresourcedefinitions, as k9s shows them: NAME GROUP KIND VERSIONS SCOPE
// ALIASES AGE (ALIASES is the first to go on a narrow terminal). The row is red
// while the CRD's names are not accepted or it is not Established, grey while
// it is being deleted.
import type { KubeObject } from '../../src/api/meta.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';
import type { StatusTone } from '../logic/pod-status.js';

interface CrdShape {
  spec?: {
    group?: string;
    scope?: string;
    names?: { kind?: string; shortNames?: string[] };
    versions?: { name?: string; served?: boolean; storage?: boolean }[];
  };
  status?: { conditions?: { type?: string; status?: string }[] };
}

function versions(crd: CrdShape): string {
  return (crd.spec?.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => v.name ?? '')
    .join(',');
}

function condition(crd: CrdShape, type: string): string | undefined {
  return crd.status?.conditions?.find((c) => c.type === type)?.status;
}

export function crdTone(obj: KubeObject): StatusTone {
  if (obj.metadata.deletionTimestamp) return 'gone';
  const crd = obj as CrdShape;
  if (condition(crd, 'NamesAccepted') === 'False' || condition(crd, 'Established') === 'False') return 'error';
  if (condition(crd, 'Established') !== 'True') return 'warn';
  return 'plain';
}

export const crdRenderer: Renderer = {
  kind: 'CustomResourceDefinition',
  columns: [
    NAME,
    { name: 'GROUP', priority: 1 },
    { name: 'KIND', priority: 0 },
    { name: 'VERSIONS', priority: 1 },
    { name: 'SCOPE', priority: 2 },
    { name: 'ALIASES', priority: 3 },
    AGE,
  ],
  row(obj, now) {
    const crd = obj as CrdShape;
    return [
      name(obj),
      crd.spec?.group ?? '',
      crd.spec?.names?.kind ?? '',
      versions(crd),
      crd.spec?.scope ?? '',
      (crd.spec?.names?.shortNames ?? []).join(','),
      ageOf(obj, now),
    ];
  },
  color: crdTone,
};
