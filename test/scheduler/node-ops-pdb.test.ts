import { afterEach, describe, expect, it } from 'vitest';
import type { PodDisruptionBudget } from '../../src/api/types/policy.js';
import { newDisruptionController } from '../../src/controllers/disruption.js';
import { DrainError, drain, goDuration } from '../../src/scheduler/node-ops.js';
import { pdb, recordingApi, seedWorkload } from '../controllers/pdb-fixtures.js';

let t: ReturnType<typeof recordingApi> | undefined;
afterEach(() => t?.stop());

const BLOCKED =
  'error when evicting pods/"web-0" -n "default" (will retry after 5s): ' +
  "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently";

async function setup() {
  t = recordingApi();
  const s = t;
  await s.api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  await seedWorkload(s.api, { replicas: 2, ready: 2 });
  await s.api.create(pdb('web', { minAvailable: 2 }));
  const c = newDisruptionController({ api: s.api, clock: s.clock });
  await c.reconcileNow('default/web');
  return { ...s, c };
}

/** Lets pending promise callbacks run (the drain reaching its next wait). */
const tick = () => new Promise((r) => setImmediate(r));

describe('drain and PodDisruptionBudgets', () => {
  it('retries an eviction the budget refuses every 5 s, reporting the budget, and finishes once the budget allows', async () => {
    const s = await setup();
    const retries: string[] = [];
    const done = drain(s.api, 'node-1', { clock: s.clock, onRetry: (m) => retries.push(m) });
    await tick();
    // Both pods are evicted at once, as kubectl does; both are refused.
    expect(retries.sort()).toEqual([BLOCKED, BLOCKED.replaceAll('web-0', 'web-1')]);
    s.clock.advance(5000);
    await tick();
    expect(retries).toHaveLength(4); // still refused: retried again
    // The budget is relaxed: the next round goes through (one pod per allowed disruption).
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.minAvailable = 0;
    });
    await s.c.reconcileNow('default/web');
    expect(s.api.get('PodDisruptionBudget', 'default', 'web')!.status!.disruptionsAllowed).toBe(2);
    s.clock.advance(5000);
    const res = await done;
    expect(res.evicted).toEqual(['default/web-0', 'default/web-1']);
    expect(s.api.get('Pod', 'default', 'web-0')!.metadata.deletionTimestamp).toBeDefined();
    expect(s.api.get('Node', '', 'node-1')!.spec!.unschedulable).toBe(true);
  });

  it('gives up at the overall timeout with kubectl words and the budget that blocks', async () => {
    const s = await setup();
    const done = drain(s.api, 'node-1', { clock: s.clock, timeoutMs: 12_000 }).catch((e: unknown) => e);
    for (let i = 0; i < 4; i++) {
      await tick();
      s.clock.advance(5000);
    }
    const err = (await done) as Error;
    expect(err).toBeInstanceOf(DrainError);
    expect(err.message).toBe(
      'unable to drain node "node-1" due to error: ' +
        ['web-0', 'web-1']
          .map(
            (p) =>
              `error when evicting pods/"${p}" -n "default": global timeout reached: 12s (Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently)`,
          )
          .join(', '),
    );
    expect(s.api.get('Pod', 'default', 'web-0')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('a pod covered by two budgets fails the drain at once (500, not retried)', async () => {
    const s = await setup();
    await s.api.create(pdb('web-too', { maxUnavailable: 1 }));
    const err = (await drain(s.api, 'node-1', { clock: s.clock }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(
      'error when evicting pods/"web-0" -n "default": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  });

  it('formats durations as Go does', () => {
    expect([goDuration(5000), goDuration(60_000), goDuration(90_000), goDuration(3_600_000)]).toEqual(['5s', '1m0s', '1m30s', '1h0m0s']);
  });
});
