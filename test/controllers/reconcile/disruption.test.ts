// Disruption controller, one sync at a time (pkg/controller/disruption
// disruption_test.go: TestNoSelector, TestReplicaSet, TestUpdateDisruptedPods):
// the budget's status is written once from the pods and their controllers'
// scale; a budget whose status already says so is not written again.
import { describe, expect, it } from 'vitest';
import { newDisruptionController } from '../../../src/controllers/disruption.js';
import { pdb, seedWorkload, setReady } from '../pdb-fixtures.js';
import { expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, updateStatus } from './fixture.js';

/** Budget web-pdb (`spec`) over three ready pods, synced until its status is written. */
async function budgetWritten(spec: Parameters<typeof pdb>[1]) {
  const f = newFixture();
  await seedWorkload(f.api, { replicas: 3, ready: 3 });
  await f.seed(pdb('web-pdb', spec));
  const c = newDisruptionController({ api: f.api, clock: f.clock });
  await f.converge(c, 'default/web-pdb');
  return { f, c };
}

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
    const { f, c } = await budgetWritten({ minAvailable: 2 });
    await setReady(f.api, 'web-0', false);
    expect(await syncOnce(f, c, 'default/web-pdb')).toEqual([updateStatus('poddisruptionbudgets', 'default', 'web-pdb')]);
    expect(f.api.get('PodDisruptionBudget', 'default', 'web-pdb')?.status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
  });

  it('does nothing when the status is current', async () => {
    const { f, c } = await budgetWritten({ maxUnavailable: 1 });
    await expectNoWritesNowOrLater(f, c, 'default/web-pdb');
    expect(f.events()).toEqual([]);
  });

  it('does nothing for a budget that no longer exists', async () => {
    const f = newFixture();
    const c = newDisruptionController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/gone')).toEqual([]);
  });

  it('writes nothing but its NoPods event for a budget that selects no pods (the event is upstream’s, on every sync)', async () => {
    const { f, c } = await seededWith(newDisruptionController, pdb('lonely', { minAvailable: 1, selector: { matchLabels: { app: 'nothing' } } }));
    await f.converge(c, 'default/lonely');
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/lonely')).toEqual([]);
    expect(f.events()).toEqual(['Normal NoPods No matching pods found']);
  });
});
