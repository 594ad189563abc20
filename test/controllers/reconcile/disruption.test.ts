// Disruption controller, one sync at a time (pkg/controller/disruption
// disruption_test.go: TestNoSelector, TestReplicaSet, TestUpdateDisruptedPods):
// the budget's status is written once from the pods and their controllers'
// scale; a budget whose status already says so is not written again.
import { describe, expect, it } from 'vitest';
import { newDisruptionController } from '../../../src/controllers/disruption.js';
import { pdb, seedWorkload, setReady } from '../pdb-fixtures.js';
import { newFixture, syncOnce, updateStatus } from './fixture.js';

describe('disruption reconcile', () => {
  it('writes the budget’s status from its pods', async () => {
    const f = newFixture();
    await seedWorkload(f.api, { replicas: 3, ready: 3 });
    await f.seed(pdb('web-pdb', { minAvailable: 2 }));
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/web-pdb')).toEqual([updateStatus('poddisruptionbudgets', 'default', 'web-pdb')]);
    expect(f.api.get('PodDisruptionBudget', 'default', 'web-pdb')?.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    expect(f.events()).toEqual([]);
  });

  it('rewrites the status when a pod stops being ready', async () => {
    const f = newFixture();
    await seedWorkload(f.api, { replicas: 3, ready: 3 });
    await f.seed(pdb('web-pdb', { minAvailable: 2 }));
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    await f.converge(c, 'default/web-pdb');
    await setReady(f.api, 'web-0', false);
    expect(await syncOnce(f, c, 'default/web-pdb')).toEqual([updateStatus('poddisruptionbudgets', 'default', 'web-pdb')]);
    expect(f.api.get('PodDisruptionBudget', 'default', 'web-pdb')?.status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
  });

  it('does nothing when the status is current', async () => {
    const f = newFixture();
    await seedWorkload(f.api, { replicas: 3, ready: 3 });
    await f.seed(pdb('web-pdb', { maxUnavailable: 1 }));
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    await f.converge(c, 'default/web-pdb');
    expect(await syncOnce(f, c, 'default/web-pdb')).toEqual([]);
    // Time passing changes nothing either (no timestamp rewritten per sync).
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/web-pdb')).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('does nothing for a budget that no longer exists', async () => {
    const f = newFixture();
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/gone')).toEqual([]);
  });

  it('writes nothing but its NoPods event for a budget that selects no pods (the event is upstream’s, on every sync)', async () => {
    const f = newFixture();
    await f.seed(pdb('lonely', { minAvailable: 1, selector: { matchLabels: { app: 'nothing' } } }));
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    await f.converge(c, 'default/lonely');
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/lonely')).toEqual([]);
    expect(f.events()).toEqual(['Normal NoPods No matching pods found']);
  });
});
