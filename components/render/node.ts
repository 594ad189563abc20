// nodes: NAME STATUS ROLES AGE VERSION; STATUS gains ",SchedulingDisabled" when cordoned.
// With metrics, k9s's CPU MEM %CPU %MEM CPU/A MEM/A follow.
import type { KubeObject } from '../../src/api/meta.js';
import type { Node } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import { nodeMx, NODE_METRIC_COLUMNS, withMetricColumns } from './metrics.js';
import type { Renderer } from './types.js';

export function nodeStatus(obj: KubeObject): string {
  const node = obj as Node;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from node-role.kubernetes.io/<role> labels and the older kubernetes.io/role, as kubectl does. */
export function nodeRoles(obj: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

export const nodeRenderer: Renderer = {
  kind: 'Node',
  columns: [NAME, { name: 'STATUS', priority: 0, status: true }, { name: 'ROLES', priority: 2 }, AGE, { name: 'VERSION', priority: 1 }],
  row(obj, now) {
    return [name(obj), nodeStatus(obj), nodeRoles(obj), ageOf(obj, now), (obj as Node).status?.nodeInfo?.kubeletVersion ?? ''];
  },
  color(obj) {
    const s = nodeStatus(obj);
    if (s.startsWith('Ready')) return s.includes('SchedulingDisabled') ? 'warn' : 'ok';
    return 'error';
  },
  withMetrics: (sample) => withMetricColumns(nodeRenderer, 'VERSION', NODE_METRIC_COLUMNS, (o) => nodeMx(o, sample)),
};
