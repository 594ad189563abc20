// Endpoints (and EndpointSlice) controller, one sync at a time
// (pkg/controller/endpoint endpoints_controller_test.go: TestSyncEndpointsItemsPreserveNoSelector,
// TestSyncEndpointsItems, TestSyncEndpointsServiceNotFound).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newEndpointsController } from '../../../src/controllers/endpoints.js';
import { create, del, expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, update } from './fixture.js';
import { markRunning, pod } from './pods.js';

const svc = (name: string, selector?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ...(selector ? { selector } : {}), ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});
const slice = expect.stringMatching(/^web-[a-z0-9]{5}$/);

async function twoPods(f: ReturnType<typeof newFixture>): Promise<void> {
  await f.seed(pod('web-1', { labels: { app: 'web' }, nodeName: 'n1' }), pod('web-2', { labels: { app: 'web' }, nodeName: 'n1' }), pod('db', { labels: { app: 'db' } }));
  await markRunning(f, 'web-1', { ip: '10.0.0.1' });
  await markRunning(f, 'web-2', { ip: '10.0.0.2', ready: false });
}

/** Service web selecting app=web over twoPods, and the controller (not yet synced). */
async function webWithTwoPods() {
  const f = newFixture();
  await f.seed(svc('web', { app: 'web' }));
  await twoPods(f);
  return { f, c: newEndpointsController({ api: f.api, clock: f.clock }) };
}

describe('endpoints reconcile', () => {
  it('creates the Endpoints and the EndpointSlice of a Service with a selector', async () => {
    const { f, c } = await webWithTwoPods();
    expect(await syncOnce(f, c, 'default/web')).toEqual([create('endpoints', 'default', 'web'), create('endpointslices', 'default', slice)]);
    const ep = f.api.get('Endpoints', 'default', 'web');
    expect(ep?.subsets?.[0]).toMatchObject({ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'http', port: 8080 }] });
  });

  it('updates both when a pod turns ready', async () => {
    const { f, c } = await webWithTwoPods();
    await f.converge(c, 'default/web');
    await markRunning(f, 'web-2', { ip: '10.0.0.2' });
    expect(await syncOnce(f, c, 'default/web')).toEqual([update('endpoints', 'default', 'web'), update('endpointslices', 'default', slice)]);
  });

  it('deletes both when the Service is gone', async () => {
    const { f, c } = await webWithTwoPods();
    await f.converge(c, 'default/web');
    await f.api.delete('Service', 'default', 'web');
    expect(await syncOnce(f, c, 'default/web')).toEqual([del('endpoints', 'default', 'web'), del('endpointslices', 'default', slice)]);
  });

  it('leaves the Endpoints of a Service without a selector alone', async () => {
    const { f, c } = await seededWith(newEndpointsController, svc('external'), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }] }] });
    expect(await syncOnce(f, c, 'default/external')).toEqual([]);
  });

  it('does nothing when the Endpoints and EndpointSlice are current', async () => {
    const { f, c } = await webWithTwoPods();
    await f.converge(c, 'default/web');
    await expectNoWritesNowOrLater(f, c, 'default/web');
  });

  it('does nothing for a Service that selects no pods once its empty Endpoints exist', async () => {
    const { f, c } = await seededWith(newEndpointsController, svc('idle', { app: 'nothing' }));
    await f.converge(c, 'default/idle');
    await expectNoWritesNowOrLater(f, c, 'default/idle');
  });

  it('does nothing for a headless Service with named and numbered ports once current', async () => {
    const f = newFixture();
    await f.seed({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', namespace: 'default', labels: { tier: 'data' } },
      spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 'pg', appProtocol: 'postgresql' }, { name: 'metrics', port: 9187 }] },
    });
    for (const n of ['db-0', 'db-1']) {
      const p = pod(n, { labels: { app: 'db' }, nodeName: 'n1', ports: [{ name: 'pg', containerPort: 5432 }] });
      p.spec.hostname = n;
      p.spec.subdomain = 'db';
      await f.seed(p);
      await markRunning(f, n, { ip: n === 'db-0' ? '10.0.0.10' : '10.0.0.9' });
    }
    const c = newEndpointsController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/db')).toEqual([create('endpoints', 'default', 'db'), create('endpointslices', 'default', expect.stringMatching(/^db-/))]);
    expect(await syncOnce(f, c, 'default/db')).toEqual([]);
  });
});
