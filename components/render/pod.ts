// pods: NAME READY STATUS RESTARTS AGE IP NODE, as `kubectl get pods -o wide` begins;
// with metrics, k9s's CPU MEM %CPU/R %CPU/L %MEM/R %MEM/L after RESTARTS.
import type { Pod } from '../../src/api/types/index.js';
import { podSummary, restartsText, statusTone } from '../logic/pod-status.js';
import { AGE, ageOf, NAME, name, none } from './common.js';
import { podMx, POD_METRIC_COLUMNS, withMetricColumns } from './metrics.js';
import type { Renderer } from './types.js';

export const podRenderer: Renderer = {
  kind: 'Pod',
  columns: [
    NAME,
    { name: 'READY', priority: 0, sortBy: (o) => { const s = podSummary(o); return s.total ? s.ready / s.total : 0; } },
    { name: 'STATUS', priority: 0, status: true },
    { name: 'RESTARTS', priority: 2, align: 'right', sortBy: (o) => podSummary(o).restarts },
    AGE,
    { name: 'IP', priority: 3 },
    { name: 'NODE', priority: 4 },
  ],
  row(obj, now) {
    const s = podSummary(obj);
    const pod = obj as Pod;
    return [name(obj), `${s.ready}/${s.total}`, s.status, restartsText(s, now), ageOf(obj, now), none(pod.status?.podIP), none(pod.spec?.nodeName)];
  },
  color: (obj) => statusTone(podSummary(obj).status),
  withMetrics: (sample) => withMetricColumns(podRenderer, 'RESTARTS', POD_METRIC_COLUMNS, (o) => podMx(o, sample)),
};
