// persistentvolumes: NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE.
import type { PersistentVolume } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import { MODE_SHORT } from './pvc.js';
import type { Renderer } from './types.js';

export function pvStatus(p: PersistentVolume): string {
  return p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending');
}

export const pvRenderer: Renderer = {
  kind: 'PersistentVolume',
  columns: [
    NAME,
    { name: 'CAPACITY', priority: 1 },
    { name: 'ACCESS MODES', priority: 2 },
    { name: 'RECLAIM POLICY', priority: 2 },
    { name: 'STATUS', priority: 0, status: true },
    { name: 'CLAIM', priority: 1 },
    { name: 'STORAGECLASS', priority: 3 },
    { name: 'VOLUMEATTRIBUTESCLASS', priority: 5 },
    { name: 'REASON', priority: 4 },
    AGE,
  ],
  row(obj, now) {
    const p = obj as PersistentVolume;
    const ref = p.spec?.claimRef;
    return [
      name(obj),
      String(p.spec?.capacity?.storage ?? ''),
      (p.spec?.accessModes ?? []).map((m) => MODE_SHORT[m] ?? m).join(','),
      p.spec?.persistentVolumeReclaimPolicy ?? '',
      pvStatus(p),
      ref ? `${ref.namespace}/${ref.name}` : '',
      p.spec?.storageClassName ?? '',
      (p.spec as { volumeAttributesClassName?: string } | undefined)?.volumeAttributesClassName ?? '<unset>',
      p.status?.reason ?? '',
      ageOf(obj, now),
    ];
  },
  color(obj) {
    const s = pvStatus(obj as PersistentVolume);
    return s === 'Bound' ? 'ok' : s === 'Available' ? 'plain' : s === 'Failed' ? 'error' : s === 'Terminating' ? 'gone' : 'warn';
  },
};
