import { afterEach, describe, expect, it } from 'vitest';
import type { PodDisruptionBudget } from '../../src/api/types/policy.js';
import { DELETION_TIMEOUT_MS, newDisruptionController, scaledIntOrPercent } from '../../src/controllers/disruption.js';
import { pdb, recordingApi, seedWorkload, setReady } from './pdb-fixtures.js';

const T0 = '2026-01-01T00:00:00Z';
let t: ReturnType<typeof recordingApi> | undefined;
afterEach(() => t?.stop());

function start() {
  t = recordingApi();
  const c = newDisruptionController({ api: t.api, clock: t.clock });
  const get = (name = 'web') => t!.api.get('PodDisruptionBudget', 'default', name)!;
  return { ...t, c, reconcile: (k = 'default/web') => c.reconcileNow(k), get };
}

describe('disruption controller: one reconcile', () => {
  it('minAvailable (int): expected pods are the covered pods; writes status once with DisruptionAllowed True/SufficientPods', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 3, ready: 3 });
    await s.api.create(pdb('web', { minAvailable: 2 }));
    s.writes.length = 0;
    await s.reconcile();
    expect(s.writes).toEqual(['MODIFIED PodDisruptionBudget/web']);
    expect(s.get().status).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: T0 }],
    });
  });

  it('do nothing: a budget whose status is current makes no write', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 3, ready: 3 });
    await s.api.create(pdb('web', { minAvailable: 2 }));
    await s.reconcile();
    s.writes.length = 0;
    await s.reconcile();
    await s.reconcile();
    expect(s.writes).toEqual([]);
  });

  it('maxUnavailable (percent) scales from the Deployment, rounding up; unready pods are not healthy', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 4, ready: 3, notReady: 1 });
    await s.api.create(pdb('web', { maxUnavailable: '30%' }));
    await s.reconcile();
    // expected 4 (the Deployment's scale), maxUnavailable ceil(1.2) = 2 → desired 2; 3 Ready → 1 allowed.
    expect(s.get().status).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('minAvailable percent of a bare ReplicaSet; budget exhausted reads False/InsufficientPods and flips back when a pod is Ready again', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 2, ready: 2 });
    await s.api.create(pdb('web', { minAvailable: '100%' }));
    await s.reconcile();
    expect(s.get().status).toMatchObject({ expectedPods: 2, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
    expect(s.get().status!.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: T0 }]);
    // Relaxing the budget bumps generation; the next sync observes it and allows one disruption.
    s.clock.advance(5000);
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.minAvailable = 1;
    });
    s.writes.length = 0;
    await s.reconcile();
    expect(s.writes).toEqual(['MODIFIED PodDisruptionBudget/web']);
    expect(s.get().status).toMatchObject({ observedGeneration: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(s.get().status!.conditions![0]).toMatchObject({ status: 'True', reason: 'SufficientPods', observedGeneration: 2, lastTransitionTime: '2026-01-01T00:00:05Z' });
  });

  it('an admitted eviction keeps its pod out of currentHealthy until the pod goes or DeletionTimeout passes, then rechecks', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 3, ready: 3 });
    await s.api.create(pdb('web', { minAvailable: 1 }));
    await s.reconcile();
    // What the eviction subresource writes: one fewer allowed, the pod recorded.
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.status = { ...b.status!, disruptionsAllowed: 1, disruptedPods: { 'web-0': T0 } };
    }, { status: true });
    const res = await s.reconcile();
    expect(s.get().status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1, disruptedPods: { 'web-0': T0 } });
    expect(res).toEqual({ requeueAfterMs: DELETION_TIMEOUT_MS });
    // The pod was never deleted: after DeletionTimeout it counts again, with a NotDeleted Event.
    s.clock.advance(DELETION_TIMEOUT_MS + 1000);
    s.writes.length = 0;
    expect(await s.reconcile()).toBeUndefined();
    expect(s.writes).toEqual(['ADDED Event/web-0.' + s.writes[0].split('.')[1], 'MODIFIED PodDisruptionBudget/web']);
    expect(s.get().status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 2 });
    expect(s.get().status!.disruptedPods).toBeUndefined();
    const ev = s.api.list('Event').items.find((e) => e.reason === 'NotDeleted');
    expect(ev?.message).toBe("Pod was expected by PDB default/web to be deleted but it wasn't");
  });

  it('terminating pods are not healthy; no covered pod expected means no disruption allowed', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 2, ready: 2 });
    await s.api.create(pdb('web', { maxUnavailable: 1 }));
    await s.api.delete('Pod', 'default', 'web-0'); // graceful: still there, terminating
    await s.reconcile();
    expect(s.get().status).toMatchObject({ expectedPods: 2, desiredHealthy: 1, currentHealthy: 1, disruptionsAllowed: 0 });
    await s.api.create(pdb('none', { minAvailable: 0, selector: { matchLabels: { app: 'nothing' } } }));
    await s.reconcile('default/none');
    expect(s.get('none').status).toMatchObject({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
    expect(s.api.list('Event').items.some((e) => e.reason === 'NoPods' && e.message === 'No matching pods found')).toBe(true);
  });

  it('fails safe: a percent budget over a pod without a controller record is SyncFailed with disruptionsAllowed 0', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 2, ready: 2 });
    await s.api.create(pdb('web', { minAvailable: 1 }));
    await s.reconcile();
    expect(s.get().status!.disruptionsAllowed).toBe(1);
    // The ReplicaSet goes (no garbage collector here: its pods stay, their controller reference dangling).
    await s.api.delete('ReplicaSet', 'default', 'web-5d59d67564');
    expect(s.api.get('ReplicaSet', 'default', 'web-5d59d67564')).toBeUndefined();
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.minAvailable = '50%';
    });
    s.writes.length = 0;
    await s.reconcile();
    const st = s.get().status!;
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "web-0"' });
    expect(s.writes.at(-1)).toBe('MODIFIED PodDisruptionBudget/web');
    expect(s.api.list('Event').items.some((e) => e.reason === 'CalculateExpectedPodCountFailed')).toBe(true);
  });

  it('a pod whose readiness changes reaches the budgets covering it through the pod watch', async () => {
    const s = start();
    await seedWorkload(s.api, { replicas: 2, ready: 2 });
    await s.api.create(pdb('web', { minAvailable: 1 }));
    s.c.start();
    await s.c.whenIdle();
    expect(s.get().status!.disruptionsAllowed).toBe(1);
    await setReady(s.api, 'web-1', false);
    await new Promise((r) => setImmediate(r));
    await s.c.whenIdle();
    expect(s.get().status).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0 });
    await s.c.stop();
  });
});

describe('scaledIntOrPercent (intstr.GetScaledValueFromIntOrPercent)', () => {
  it('rounds percents as asked and refuses a non-percent string', () => {
    expect(scaledIntOrPercent(3, 10, true)).toBe(3);
    expect(scaledIntOrPercent('25%', 5, true)).toBe(2);
    expect(scaledIntOrPercent('25%', 5, false)).toBe(1);
    expect(() => scaledIntOrPercent('5', 5, true)).toThrow('invalid value for IntOrString: invalid type: string is not a percentage');
  });
});
