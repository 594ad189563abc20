// HorizontalPodAutoscaler controller, one sync at a time (pkg/controller/podautoscaler
// horizontal_test.go: TestScaleUp, TestTolerance): usage above target scales the
// target through its scale subresource and writes status; usage within the
// tolerance, once the status says so, writes nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { hpaControllerFactory, type PodMetricsSample } from '../../../src/controllers/hpa.js';
import { deployment } from '../harness.js';
import { newFixture, syncOnce, update, updateStatus, type Fixture } from './fixture.js';
import { markRunning } from './pods.js';

const hpa: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  },
};

/** A Deployment of 2 and its two pods, each requesting 1 cpu, Ready for ten minutes (past the cpu initialization period). */
async function seed(f: Fixture): Promise<void> {
  await f.seed(deployment('web', { replicas: 2 }), hpa);
  for (const name of ['web-a', 'web-b']) {
    await f.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu: '1' } } }] },
    });
    await markRunning(f, name, { ip: '10.0.0.9', at: f.clock.now() - 600_000 });
  }
}

const usage = (cpu: string) => ({ podMetrics: async (): Promise<PodMetricsSample[]> => [{ name: 'web-a', cpu }, { name: 'web-b', cpu }] });

describe('hpa reconcile', () => {
  it('scales the target up through the scale subresource, then writes status', async () => {
    const f = newFixture();
    await seed(f);
    const c = hpaControllerFactory(usage('900m'))({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      { ...update('deployments', 'default', 'web'), subresource: 'scale' },
      updateStatus('horizontalpodautoscalers', 'default', 'web'),
    ]);
    expect(f.api.get('Deployment', 'default', 'web')?.spec.replicas).toBe(4);
    expect(f.events()).toEqual(['Normal SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target']);
  });

  it('does nothing while usage stays within the tolerance', async () => {
    const f = newFixture();
    await seed(f);
    const c = hpaControllerFactory(usage('520m'))({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/web')).toEqual([updateStatus('horizontalpodautoscalers', 'default', 'web')]);
    for (let i = 0; i < 3; i++) {
      f.clock.advance(15_000);
      expect(await syncOnce(f, c, 'default/web')).toEqual([]);
    }
    expect(f.events()).toEqual([]);
  });
});
