// Table tests for the HPA controller's pure decisions (src/controllers/hpa.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { HorizontalPodAutoscaler, MetricSpec } from '../../src/api/types/autoscaling.js';
import { metricsProposal, replicaBounds, type PodMetricsSample } from '../../src/controllers/hpa.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

describe('replicaBounds', () => {
  it.each([
    [0, 1, 5, { action: 'disabled' }],
    [0, 0, 5, { action: 'useMetrics' }],
    [7, 1, 5, { action: 'clamp', desired: 5, reason: 'Current number of replicas above Spec.MaxReplicas' }],
    [1, 2, 5, { action: 'clamp', desired: 2, reason: 'Current number of replicas below Spec.MinReplicas' }],
    [3, 1, 5, { action: 'useMetrics' }],
  ])('current %d within [%d, %d]', (cur, min, max, want) => expect(replicaBounds(cur, min, max)).toEqual(want));
});

function hpa(metrics: MetricSpec[]): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, metrics },
  } as HorizontalPodAutoscaler;
}

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m', memory: '100Mi' } } }] },
    status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

const cpu = (averageUtilization: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } }) as MetricSpec;
const pods = [pod('a'), pod('b')];
const samples = (m: string): PodMetricsSample[] => [
  { name: 'a', cpu: m, memory: '50Mi' },
  { name: 'b', cpu: m, memory: '50Mi' },
];

describe('metricsProposal', () => {
  it('scales by utilization: 200% of request against a 50% target → 4× the pods', () => {
    const r = metricsProposal(hpa([cpu(50)]), pods, samples('200m'), undefined, 2, NOW);
    expect(r).toMatchObject({ replicas: 8, metricName: 'cpu resource utilization (percentage of request)' });
    expect(r.statuses).toEqual([{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }]);
  });
  it('takes the largest proposal of several metrics', () => {
    const mem: MetricSpec = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '10Mi' } } } as MetricSpec;
    const r = metricsProposal(hpa([cpu(100), mem]), pods, samples('100m'), undefined, 2, NOW);
    expect(r).toMatchObject({ replicas: 10, metricName: 'memory resource' });
  });
  it('an invalid metric next to a valid one is skipped', () => {
    const r = metricsProposal(hpa([{ type: 'Pods' } as MetricSpec, cpu(100)]), pods, samples('100m'), undefined, 2, NOW);
    expect(r).toMatchObject({ replicas: 2 });
  });
  it.each([
    ['the metrics source failed', [cpu(50)], 'boom', 'failed to get cpu utilization: unable to get metrics for resource cpu: boom', 'FailedGetResourceMetric'],
    ['only unsupported metric types', [{ type: 'External' } as MetricSpec], undefined, 'kubeterm supports only Resource metrics (cpu, memory); External metrics are not available', 'FailedGetExternalMetric'],
  ])('no valid metric: %s', (_n, metrics, fetchError, error, failReason) => {
    const r = metricsProposal(hpa(metrics as MetricSpec[]), pods, fetchError ? [] : samples('1m'), fetchError as string | undefined, 2, NOW);
    expect(r).toMatchObject({ replicas: -1, error, failReason, invalid: 1, total: 1 });
  });
});
