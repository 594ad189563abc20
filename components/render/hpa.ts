// horizontalpodautoscalers: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE.
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

function targetText(spec: MetricSpec, cur: MetricStatus | undefined): string {
  if (spec.type === 'Resource' && spec.resource) {
    const t = spec.resource.target;
    const c = cur?.resource?.current;
    if (t.type === 'Utilization') return `${spec.resource.name}: ${c?.averageUtilization != null ? `${c.averageUtilization}%` : '<unknown>'}/${t.averageUtilization}%`;
    return `${spec.resource.name}: ${c?.averageValue ?? '<unknown>'}/${t.averageValue ?? t.value}`;
  }
  return `<${spec.type.toLowerCase()}>`;
}

/** TARGETS as kubectl ≥1.30 prints them: `cpu: 45%/80%`. */
export function hpaTargets(h: HorizontalPodAutoscaler): string {
  const specs = h.spec?.metrics ?? [];
  if (!specs.length) return '<none>';
  const texts = specs.map((s, i) => targetText(s, h.status?.currentMetrics?.[i]));
  return texts.length > 2 ? `${texts.slice(0, 2).join(', ')} + ${texts.length - 2} more...` : texts.join(', ');
}

export const hpaRenderer: Renderer = {
  kind: 'HorizontalPodAutoscaler',
  columns: [
    NAME,
    { name: 'REFERENCE', priority: 1 },
    { name: 'TARGETS', priority: 0 },
    { name: 'MINPODS', priority: 2, align: 'right' },
    { name: 'MAXPODS', priority: 2, align: 'right' },
    { name: 'REPLICAS', priority: 0, align: 'right' },
    AGE,
  ],
  row(obj, now) {
    const h = obj as HorizontalPodAutoscaler;
    return [
      name(obj),
      `${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`,
      hpaTargets(h),
      String(h.spec?.minReplicas ?? 1),
      String(h.spec?.maxReplicas ?? ''),
      String(h.status?.currentReplicas ?? 0),
      ageOf(obj, now),
    ];
  },
  color: (obj) => ((obj as HorizontalPodAutoscaler).status?.conditions?.some((c) => c.type === 'ScalingActive' && c.status === 'False') ? 'warn' : 'plain'),
};
