import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { newDeploymentController } from '../../src/controllers/deployment.js';
import { newGarbageCollector } from '../../src/controllers/garbage-collector.js';
import { hpaControllerFactory, type PodMetricsSample } from '../../src/controllers/hpa.js';
import {
  normalizeClassic,
  normalizeWithBehavior,
  resourceReplicas,
  type PodSample,
  type Recommendation,
  type ScaleEvent,
} from '../../src/controllers/hpa-replicas.js';
import { newReplicaSetController } from '../../src/controllers/replicaset.js';
import { newStatefulSetController } from '../../src/controllers/statefulset.js';
import { events, setup } from './harness.js';
import { WorkloadKubelet } from './workload-kubelet.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const pod = (name: string, usage: number | undefined, o: Partial<PodSample> = {}): PodSample => ({
  name,
  request: 1000,
  usage,
  phase: 'Running',
  ready: true,
  startTime: NOW - 3600_000,
  readyTransitionTime: NOW - 3500_000,
  ...o,
});

describe('HPA replica calculation (replica_calculator.go)', () => {
  // [description, current, pods, target %, want replicas, want utilization]
  const table: [string, number, PodSample[], number, number, number][] = [
    ['scale up: ceil(3 × 90/50)', 3, [pod('a', 900), pod('b', 900), pod('c', 900)], 50, 6, 90],
    ['within 10% tolerance: no change', 3, [pod('a', 540), pod('b', 540), pod('c', 540)], 50, 3, 54],
    ['just outside tolerance', 3, [pod('a', 560), pod('b', 560), pod('c', 560)], 50, 4, 56],
    ['scale down: ceil(4 × 20/50)', 4, [pod('a', 200), pod('b', 200), pod('c', 200), pod('d', 200)], 50, 2, 20],
    // missing metrics on scale up count as 0%: ratio (900+900+0)/3000 / 0.5 = 1.2 → ceil(3 × 1.2) = 4
    ['missing metric, scale up → 0%', 2, [pod('a', 900), pod('b', 900), pod('c', undefined)], 50, 4, 90],
    // missing metrics on scale down count as 100%: (100+100+1000)/3000 = 40% → ratio 0.8 → ceil(3×0.8)=3
    ['missing metric, scale down → 100%', 3, [pod('a', 100), pod('b', 100), pod('c', undefined)], 50, 3, 10],
    // unready (warming up, not ready) pods are ignored for the first ratio and count as 0% on scale up
    ['unready pod on scale up → 0%', 2, [pod('a', 1000), pod('b', 1000), pod('c', 500, { ready: false, startTime: NOW - 60_000 })], 50, 4, 100],
    // failed and deleted pods are ignored entirely
    ['failed/deleted pods ignored', 2, [pod('a', 800), pod('b', 800), pod('c', 5000, { phase: 'Failed' }), pod('d', 5000, { deleted: true })], 80, 2, 80],
    // a Pending pod is unready; with the ready ones below target it changes nothing in the scale-down ratio
    ['pending pod on scale down', 3, [pod('a', 100), pod('b', 100), pod('c', undefined, { phase: 'Pending' })], 50, 1, 10],
  ];
  it.each(table)('%s', (_d, current, pods, target, want, util) => {
    const r = resourceReplicas(current, pods, 'cpu', { utilization: target }, NOW);
    expect(r.replicas).toBe(want);
    expect(r.utilization).toBe(util);
  });

  it('with every pod ready and measured: desired = ceil(pods × utilization/target) outside the 10% tolerance', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 10, max: 150 }), (usages, target) => {
        const pods = usages.map((u, i) => pod(`p${i}`, u));
        const r = resourceReplicas(pods.length, pods, 'cpu', { utilization: target }, NOW);
        const utilization = Math.floor((usages.reduce((a, b) => a + b, 0) * 100) / (1000 * pods.length));
        const ratio = utilization / target;
        const want = Math.abs(1 - ratio) <= 0.1 ? pods.length : Math.ceil(ratio * pods.length);
        expect(r.replicas).toBe(want);
        expect(r.utilization).toBe(utilization);
      }),
    );
  });

  it('AverageValue targets use the average usage (memory)', () => {
    const mi = 1024 * 1024 * 1000; // 1Mi in milli-units
    const r = resourceReplicas(2, [pod('a', 300 * mi), pod('b', 300 * mi)], 'memory', { averageValue: 200 * mi }, NOW);
    expect(r.replicas).toBe(3);
    expect(r.averageValue).toBe(300 * mi);
  });

  it('refuses pods without requests and missing metrics with Kubernetes messages', () => {
    expect(() => resourceReplicas(1, [pod('a', 100, { request: undefined, missingRequestIn: 'app' })], 'cpu', { utilization: 50 }, NOW)).toThrow(
      'missing request for cpu in container app of Pod a',
    );
    expect(() => resourceReplicas(1, [pod('a', undefined, { ready: false, startTime: NOW - 1000 })], 'cpu', { utilization: 50 }, NOW)).toThrow(
      'did not receive metrics for targeted pods (pods might be unready)',
    );
  });
});

describe('HPA normalization', () => {
  it('classic: keeps the highest recommendation of the last 5 minutes and caps scale-up at max(2×, 4)', () => {
    const hist: Recommendation[] = [];
    expect(normalizeClassic(hist, 0, 4, 8, 1, 20).desired).toBe(8);
    const down = normalizeClassic(hist, 60_000, 8, 2, 1, 20);
    expect(down.desired).toBe(8);
    expect(down.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(normalizeClassic(hist, 300_001, 8, 2, 1, 20).desired).toBe(2);
    const up = normalizeClassic([], 0, 2, 30, 1, 50);
    expect(up).toMatchObject({ desired: 4, limited: { status: 'True', reason: 'ScaleUpLimit' } });
    expect(normalizeClassic([], 0, 5, 30, 1, 10)).toMatchObject({ desired: 10, limited: { reason: 'TooManyReplicas' } });
    expect(normalizeClassic([], 0, 5, 1, 2, 10)).toMatchObject({ desired: 2, limited: { reason: 'TooFewReplicas' } });
  });

  it('behavior: default scale-up policy allows max(+4 pods, +100%) per 15 s; scale-down waits 300 s', () => {
    const hist: Recommendation[] = [];
    const up: ScaleEvent[] = [];
    const down: ScaleEvent[] = [];
    const n = normalizeWithBehavior(hist, up, down, 0, 2, 20, 1, 50, {}, {});
    expect(n).toMatchObject({ desired: 6, limited: { status: 'True', reason: 'ScaleUpLimit' } }); // 2 + 4 > 2 × 2
    up.push({ change: 4, at: 0 });
    // 10 s later the period still counts the +4: start 2 → limit max(6, 4) = 6, so no further growth
    expect(normalizeWithBehavior(hist, up, down, 10_000, 6, 20, 1, 50, {}, {}).desired).toBe(6);
    expect(normalizeWithBehavior(hist, up, down, 16_000, 6, 20, 1, 50, {}, {}).desired).toBe(12);
    // scale down is stabilized for 300 s behind the highest recent recommendation (20)
    const later = normalizeWithBehavior(hist, up, down, 60_000, 12, 3, 1, 50, {}, {});
    expect(later.desired).toBe(12);
    expect(later.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(normalizeWithBehavior(hist, up, down, 400_000, 12, 3, 1, 50, {}, {}).desired).toBe(3);
  });

  it('behavior: Pods policy with selectPolicy Min, and Disabled', () => {
    const rules = { stabilizationWindowSeconds: 0, selectPolicy: 'Min' as const, policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }, { type: 'Percent' as const, value: 50, periodSeconds: 60 }] };
    expect(normalizeWithBehavior([], [], [], 0, 10, 2, 1, 20, undefined, rules)).toMatchObject({ desired: 9, limited: { reason: 'ScaleDownLimit' } });
    expect(normalizeWithBehavior([], [], [], 0, 10, 2, 1, 20, undefined, { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 }).desired).toBe(10);
  });
});

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: { requests: { cpu: '200m', memory: '64Mi' } } }] },
      },
    },
  };
}

function hpa(name: string, min: number, max: number, util: number, behavior?: unknown): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: util } } }],
      ...(behavior ? { behavior } : {}),
    },
  };
}

describe('HPA controller', () => {
  it('the seed example: 2–10 replicas at 70% CPU follows load up and (after 5 min) down', async () => {
    let perPodCpu = '100m';
    const metrics = {
      async podMetrics(ns: string): Promise<PodMetricsSample[]> {
        return h.api.list('Pod', { namespace: ns }).items.map((p) => ({ name: p.metadata.name!, cpu: perPodCpu, memory: '32Mi' }));
      },
    };
    const kubelet = new WorkloadKubelet();
    const h = await setup({ factories: [newGarbageCollector, newReplicaSetController, newDeploymentController, hpaControllerFactory(metrics), kubelet.factory] });
    // start the pods long ago enough to be past the CPU initialization period
    h.clock.advance(0);
    await h.api.create(deployment('web', 1));
    await h.settle();
    h.clock.advance(10 * 60_000);
    await h.api.create(hpa('web', 2, 10, 70));
    await h.settle();
    // 1 replica < min 2
    expect(h.api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
    expect(events(h.api, 'SuccessfulRescale').map((e) => e.message)).toEqual(['New size: 2; reason: Current number of replicas below Spec.MinReplicas']);
    await h.settle(15_000);
    let st = h.api.get('HorizontalPodAutoscaler', 'default', 'web')!.status;
    // 100m of 200m = 50% < 70%: ceil(2 × 50/70) = 2, within range
    expect(st!.currentMetrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '100m' } } }]);
    expect(st!.conditions!.find((c: any) => c.type === 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(st!.conditions!.find((c: any) => c.type === 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    expect(st!.conditions!.find((c: any) => c.type === 'AbleToScale')).toMatchObject({ status: 'True', reason: 'ReadyForNewScale' });
    // load: 280m per pod = 140% → ceil(2 × 140/70) = 4
    perPodCpu = '280m';
    await h.settle(15_000);
    expect(h.api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(4);
    expect(events(h.api, 'SuccessfulRescale').map((e) => e.message)).toContain('New size: 4; reason: cpu resource utilization (percentage of request) above target');
    st = h.api.get('HorizontalPodAutoscaler', 'default', 'web')!.status;
    expect(st).toMatchObject({ currentReplicas: 2, desiredReplicas: 4, lastScaleTime: '2026-01-01T00:10:30Z' });
    expect(st!.conditions!.find((c: any) => c.type === 'AbleToScale')).toMatchObject({ reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4' });
    // load drops to 35m = 17% → wants 1 (→ min 2), but the 5-minute window holds the recent 4
    perPodCpu = '35m';
    for (let i = 0; i < 19; i++) {
      await h.settle(15_000);
      expect(h.api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(4);
    }
    st = h.api.get('HorizontalPodAutoscaler', 'default', 'web')!.status;
    expect(st!.conditions!.find((c: any) => c.type === 'AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized' });
    await h.settle(15_000);
    expect(h.api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
    expect(events(h.api, 'SuccessfulRescale').map((e) => e.message)).toContain('New size: 2; reason: All metrics below target');
    await h.mgr.stop();
  });

  it('reports FailedGetResourceMetric when there are no metrics and FailedGetScale for a missing target', async () => {
    const metrics = { podMetrics: async () => [] };
    const kubelet = new WorkloadKubelet();
    const h = await setup({ factories: [newReplicaSetController, newDeploymentController, hpaControllerFactory(metrics), kubelet.factory] });
    await h.api.create(deployment('web', 2));
    await h.api.create(hpa('web', 1, 5, 50));
    await h.api.create({ ...hpa('ghost', 1, 5, 50) });
    await h.settle();
    const st = h.api.get('HorizontalPodAutoscaler', 'default', 'web')!.status;
    expect(st!.conditions!.find((c: any) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    expect(events(h.api, 'FailedGetResourceMetric')[0].message).toBe('failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API');
    const g = h.api.get('HorizontalPodAutoscaler', 'default', 'ghost')!.status;
    expect(g!.conditions!.find((c: any) => c.type === 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
    await h.mgr.stop();
  });

  it('scales a StatefulSet through the scale subresource, with a behavior limiting scale-up to 1 pod per minute', async () => {
    const metrics = {
      async podMetrics(ns: string): Promise<PodMetricsSample[]> {
        return h.api.list('Pod', { namespace: ns }).items.map((p) => ({ name: p.metadata.name!, cpu: '900m' }));
      },
    };
    const kubelet = new WorkloadKubelet();
    const h = await setup({ factories: [newGarbageCollector, newStatefulSetController, hpaControllerFactory(metrics), kubelet.factory] });
    await h.api.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'mysql', resources: { requests: { cpu: '1' } } }] } },
      },
    });
    await h.settle();
    h.clock.advance(10 * 60_000);
    const scaler = hpa('db', 1, 10, 50, { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
    scaler.spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' };
    await h.api.create(scaler);
    await h.settle();
    // 90% of request vs 50% → wants ceil(2 × 1.8) = 4, but only +1 per minute
    expect(h.api.get('StatefulSet', 'default', 'db')!.spec.replicas).toBe(3);
    const st = h.api.get('HorizontalPodAutoscaler', 'default', 'db')!.status;
    expect(st!.conditions!.find((c: any) => c.type === 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    await h.settle(15_000);
    expect(h.api.get('StatefulSet', 'default', 'db')!.spec.replicas).toBe(3);
    for (let i = 0; i < 4; i++) await h.settle(15_000);
    expect(h.api.get('StatefulSet', 'default', 'db')!.spec.replicas).toBe(4);
    await h.mgr.stop();
  });
});
