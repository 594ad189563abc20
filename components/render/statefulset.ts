// statefulsets: NAME READY AGE.
import type { StatefulSet } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const statefulSetRenderer: Renderer = {
  kind: 'StatefulSet',
  columns: [NAME, { name: 'READY', priority: 0 }, AGE],
  row(obj, now) {
    const s = obj as StatefulSet;
    return [name(obj), `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`, ageOf(obj, now)];
  },
  color(obj) {
    const s = obj as StatefulSet;
    if (obj.metadata.deletionTimestamp) return 'gone';
    return (s.status?.readyReplicas ?? 0) < (s.spec?.replicas ?? 1) ? 'warn' : 'ok';
  },
};
