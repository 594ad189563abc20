import { afterEach, describe, expect, it } from 'vitest';
import type { StatusError } from '../../src/api/errors.js';
import { evictPod } from '../../src/api/eviction.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { PodDisruptionBudget } from '../../src/api/types/policy.js';
import { newDisruptionController } from '../../src/controllers/disruption.js';
import { pdb, recordingApi, seedWorkload, setReady } from '../controllers/pdb-fixtures.js';
import { statusErrorOf } from '../helpers/status-error.js';

let t: ReturnType<typeof recordingApi> | undefined;
afterEach(() => t?.stop());

async function setup(o: { replicas: number; ready: number; notReady?: number }, spec?: Parameters<typeof pdb>[1]) {
  t = recordingApi();
  const s = t;
  await seedWorkload(s.api, o);
  const c = newDisruptionController({ api: s.api, clock: s.clock });
  if (spec) {
    await s.api.create(pdb('web', spec));
    await c.reconcileNow('default/web');
  }
  const budget = () => s.api.get('PodDisruptionBudget', 'default', 'web')!;
  const pod = (name: string) => s.api.get('Pod', 'default', name);
  return { ...s, c, budget, pod };
}

const refused = (p: Promise<unknown>) => statusErrorOf(p, 'the eviction was admitted');

const terminating = (p: KubeObject | undefined) => !!p?.metadata.deletionTimestamp;

describe('eviction subresource and PodDisruptionBudgets', () => {
  it('admits an eviction the budget allows: decrements disruptionsAllowed, records the pod, marks it DisruptionTarget, deletes it', async () => {
    const s = await setup({ replicas: 3, ready: 3 }, { minAvailable: 2 });
    expect(s.budget().status!.disruptionsAllowed).toBe(1);
    s.writes.length = 0;
    await evictPod(s.api, 'default', 'web-0');
    expect(s.writes).toEqual(['MODIFIED PodDisruptionBudget/web', 'MODIFIED Pod/web-0', 'MODIFIED Pod/web-0']);
    const st = s.budget().status!;
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.disruptedPods).toEqual({ 'web-0': '2026-01-01T00:00:00Z' });
    expect(st.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    const p = s.pod('web-0')!;
    expect(terminating(p)).toBe(true);
    expect(p.status!.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }));
  });

  it('refuses with 429 and the budget cause once no disruption is allowed, writing nothing', async () => {
    const s = await setup({ replicas: 3, ready: 3 }, { minAvailable: 2 });
    await evictPod(s.api, 'default', 'web-0');
    await s.c.reconcileNow('default/web');
    expect(s.budget().status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    s.writes.length = 0;
    const e = await refused(evictPod(s.api, 'default', 'web-1'));
    expect(e.toStatus()).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
      code: 429,
    });
    expect(s.writes).toEqual([]);
    expect(terminating(s.pod('web-1'))).toBe(false);
  });

  it('two evictions racing for the last allowed disruption: exactly one passes', async () => {
    const s = await setup({ replicas: 3, ready: 3 }, { minAvailable: 2 });
    const results = await Promise.allSettled([evictPod(s.api, 'default', 'web-0'), evictPod(s.api, 'default', 'web-1')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as StatusError;
    expect(loser.code).toBe(429);
    expect(['web-0', 'web-1'].filter((n) => terminating(s.pod(n)))).toHaveLength(1);
    expect(Object.keys(s.budget().status!.disruptedPods!)).toHaveLength(1);
  });

  it('refuses a pod covered by two budgets with 500', async () => {
    const s = await setup({ replicas: 3, ready: 3 }, { minAvailable: 1 });
    await s.api.create(pdb('web-too', { maxUnavailable: 1 }));
    const e = await refused(evictPod(s.api, 'default', 'web-0'));
    expect(e.code).toBe(500);
    expect(e.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  it('a budget whose status lags its spec answers 429 "still being processed" with Retry-After 10', async () => {
    const s = await setup({ replicas: 3, ready: 3 }, { minAvailable: 1 });
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.minAvailable = 2;
    });
    const e = await refused(evictPod(s.api, 'default', 'web-0'));
    expect(e.code).toBe(429);
    expect(e.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retryAfterSeconds: 10 });
  });

  it('a not-Ready pod goes without spending a healthy budget; AlwaysAllow lets it go even when the budget is short', async () => {
    const s = await setup({ replicas: 3, ready: 2, notReady: 1 }, { minAvailable: 2 });
    expect(s.budget().status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    await evictPod(s.api, 'default', 'web-2'); // unready, budget healthy (2 >= 2)
    expect(terminating(s.pod('web-2'))).toBe(true);
    expect(s.budget().status!.disruptionsAllowed).toBe(0);
    expect(s.budget().status!.disruptedPods).toBeUndefined();
    // Now the budget is short: an unready pod is refused under IfHealthyBudget …
    await setReady(s.api, 'web-1', false);
    await s.c.reconcileNow('default/web');
    expect((await refused(evictPod(s.api, 'default', 'web-1'))).code).toBe(429);
    // … and admitted under AlwaysAllow.
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.unhealthyPodEvictionPolicy = 'AlwaysAllow';
    });
    await s.c.reconcileNow('default/web');
    await evictPod(s.api, 'default', 'web-1');
    expect(terminating(s.pod('web-1'))).toBe(true);
  });

  it('pending, finished and uncovered pods are evicted without consulting budgets; dry run writes nothing', async () => {
    const s = await setup({ replicas: 2, ready: 2 }, { minAvailable: 2 });
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await evictPod(s.api, 'default', 'pending');
    expect(s.pod('pending')).toBeUndefined(); // unbound: deleted at once
    await s.api.modify('Pod', 'default', 'web-0', (p) => {
      p.status = { phase: 'Succeeded' };
    }, { status: true });
    await evictPod(s.api, 'default', 'web-0');
    expect(s.pod('web-0')).toBeUndefined(); // terminal: no grace needed
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'default', labels: { app: 'other' } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' } });
    await setReady(s.api, 'other', true);
    await evictPod(s.api, 'default', 'other');
    expect(terminating(s.pod('other'))).toBe(true);
    // A dry run is checked against the budget but changes nothing.
    s.writes.length = 0;
    expect((await refused(evictPod(s.api, 'default', 'web-1', { dryRun: true }))).code).toBe(429);
    expect(s.writes).toEqual([]);
    expect((await refused(evictPod(s.api, 'default', 'missing'))).code).toBe(404);
  });
});
