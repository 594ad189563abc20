// deployments: NAME READY UP-TO-DATE AVAILABLE AGE.
import type { Deployment } from '../../src/api/types/index.js';
import { AGE, ageOf, n, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export function deploymentHealth(d: Deployment): 'ok' | 'warn' | 'error' {
  const want = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  if (st.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) return 'error';
  if (st.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True')) return 'error';
  if ((st.readyReplicas ?? 0) < want || (st.updatedReplicas ?? 0) < want || (st.availableReplicas ?? 0) < want) return 'warn';
  return 'ok';
}

export const deploymentRenderer: Renderer = {
  kind: 'Deployment',
  columns: [NAME, { name: 'READY', priority: 0 }, { name: 'UP-TO-DATE', priority: 2, align: 'right' }, { name: 'AVAILABLE', priority: 1, align: 'right' }, AGE],
  row(obj, now) {
    const d = obj as Deployment;
    const st = d.status ?? {};
    return [name(obj), `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`, n(st.updatedReplicas ?? 0), n(st.availableReplicas ?? 0), ageOf(obj, now)];
  },
  color: (obj) => (obj.metadata.deletionTimestamp ? 'gone' : deploymentHealth(obj as Deployment)),
};
