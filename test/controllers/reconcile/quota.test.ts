// ResourceQuota controller, one sync at a time (pkg/controller/resourcequota
// TestSyncResourceQuota): status.hard mirrors spec.hard and status.used counts
// the namespace; a quota whose status is already right is not written.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newResourceQuotaController } from '../../../src/controllers/quota.js';
import { expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, updateStatus } from './fixture.js';

const quota: KubeObject = {
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'q', namespace: 'default' },
  spec: { hard: { pods: '10', 'count/configmaps': '5' } },
};
const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
});

describe('resourcequota reconcile', () => {
  it('writes hard and used to status', async () => {
    const { f, c } = await seededWith(newResourceQuotaController, quota, pod('a'), pod('b'));
    expect(await syncOnce(f, c, 'default/q')).toEqual([updateStatus('resourcequotas', 'default', 'q')]);
    expect(f.api.get('ResourceQuota', 'default', 'q')?.status).toEqual({
      hard: { pods: '10', 'count/configmaps': '5' },
      used: { pods: '2', 'count/configmaps': '0' },
    });
  });

  it('rewrites used when the namespace changes', async () => {
    const { f, c } = await seededWith(newResourceQuotaController, quota, pod('a'));
    await f.converge(c, 'default/q');
    await f.seed(pod('b'));
    expect(await syncOnce(f, c, 'default/q')).toEqual([updateStatus('resourcequotas', 'default', 'q')]);
  });

  it('does nothing when status is already current', async () => {
    const { f, c } = await seededWith(newResourceQuotaController, quota, pod('a'), pod('b'));
    await f.converge(c, 'default/q');
    await expectNoWritesNowOrLater(f, c, 'default/q');
  });

  it('does nothing for a quota on compute resources once its usage is written', async () => {
    const f = newFixture();
    const p = pod('a');
    p.spec.containers[0].resources = { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1' } };
    await f.seed(
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'default' }, spec: { hard: { 'requests.cpu': '2', 'requests.memory': '1Gi', 'limits.cpu': '4000m', services: '5' } } },
      p,
    );
    const c = newResourceQuotaController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/compute')).toEqual([updateStatus('resourcequotas', 'default', 'compute')]);
    expect(f.api.get('ResourceQuota', 'default', 'compute')?.status?.used).toEqual({ 'requests.cpu': '250m', 'requests.memory': '128Mi', 'limits.cpu': '1', services: '0' });
    expect(await syncOnce(f, c, 'default/compute')).toEqual([]);
  });
});
