// persistentvolumeclaims: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE.
import type { PersistentVolumeClaim } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const MODE_SHORT: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

export function pvcStatus(p: PersistentVolumeClaim): string {
  return p.metadata.deletionTimestamp ? 'Terminating' : p.status?.phase ?? 'Pending';
}

export const pvcRenderer: Renderer = {
  kind: 'PersistentVolumeClaim',
  columns: [
    NAME,
    { name: 'STATUS', priority: 0, status: true },
    { name: 'VOLUME', priority: 2 },
    { name: 'CAPACITY', priority: 1 },
    { name: 'ACCESS MODES', priority: 2 },
    { name: 'STORAGECLASS', priority: 3 },
    { name: 'VOLUMEATTRIBUTESCLASS', priority: 5 },
    AGE,
  ],
  row(obj, now) {
    const p = obj as PersistentVolumeClaim;
    const bound = p.status?.phase === 'Bound';
    return [
      name(obj),
      pvcStatus(p),
      p.spec?.volumeName ?? '',
      bound ? String(p.status?.capacity?.storage ?? '') : '',
      bound ? (p.status?.accessModes ?? []).map((m) => MODE_SHORT[m] ?? m).join(',') : '',
      p.spec?.storageClassName ?? '<unset>',
      p.spec?.volumeAttributesClassName ?? '<unset>',
      ageOf(obj, now),
    ];
  },
  color(obj) {
    const s = pvcStatus(obj as PersistentVolumeClaim);
    return s === 'Bound' ? 'ok' : s === 'Lost' ? 'error' : s === 'Terminating' ? 'gone' : 'warn';
  },
};
