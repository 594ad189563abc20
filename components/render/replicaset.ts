// replicasets: NAME DESIRED CURRENT READY AGE.
import type { ReplicaSet } from '../../src/api/types/index.js';
import { AGE, ageOf, n, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const replicaSetRenderer: Renderer = {
  kind: 'ReplicaSet',
  columns: [NAME, { name: 'DESIRED', priority: 0, align: 'right' }, { name: 'CURRENT', priority: 1, align: 'right' }, { name: 'READY', priority: 0, align: 'right' }, AGE],
  row(obj, now) {
    const rs = obj as ReplicaSet;
    return [name(obj), n(rs.spec?.replicas ?? 1), n(rs.status?.replicas ?? 0), n(rs.status?.readyReplicas ?? 0), ageOf(obj, now)];
  },
  color(obj) {
    const rs = obj as ReplicaSet;
    if (obj.metadata.deletionTimestamp) return 'gone';
    if ((rs.spec?.replicas ?? 1) === 0) return 'done';
    return (rs.status?.readyReplicas ?? 0) < (rs.spec?.replicas ?? 1) ? 'warn' : 'ok';
  },
};
