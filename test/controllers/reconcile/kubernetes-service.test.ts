// The `kubernetes` Service reconciler, one sync at a time (pkg/controlplane
// controller/kubernetesservice): Service, Endpoints and EndpointSlice made
// when missing, fixed when edited, and left alone when as wanted.
import { describe, expect, it } from 'vitest';
import { KUBERNETES_SERVICE_KEY, newKubernetesServiceController } from '../../../src/controllers/kubernetes-service.js';
import { create, expectNoWritesNowOrLater, newFixture, syncOnce, update } from './fixture.js';

const opts = { clusterIP: '10.96.0.1', endpoint: { ip: '127.0.0.1', port: 6443 } };

describe('kubernetes-service reconcile', () => {
  it('creates the Service, its Endpoints and its EndpointSlice', async () => {
    const f = newFixture();
    const c = newKubernetesServiceController({ api: f.api, clock: f.clock, ...opts });
    expect(await syncOnce(f, c, KUBERNETES_SERVICE_KEY)).toEqual([
      create('services', 'default', 'kubernetes'),
      create('endpoints', 'default', 'kubernetes'),
      create('endpointslices', 'default', 'kubernetes'),
    ]);
  });

  it('puts back edited Endpoints and nothing else', async () => {
    const f = newFixture();
    const c = newKubernetesServiceController({ api: f.api, clock: f.clock, ...opts });
    await f.converge(c, KUBERNETES_SERVICE_KEY);
    await f.api.modify('Endpoints', 'default', 'kubernetes', (e) => {
      e.subsets = [];
    });
    expect(await syncOnce(f, c, KUBERNETES_SERVICE_KEY)).toEqual([update('endpoints', 'default', 'kubernetes')]);
  });

  it('does nothing when all three are as wanted', async () => {
    const f = newFixture();
    const c = newKubernetesServiceController({ api: f.api, clock: f.clock, ...opts });
    await f.converge(c, KUBERNETES_SERVICE_KEY);
    await expectNoWritesNowOrLater(f, c, KUBERNETES_SERVICE_KEY);
  });
});
