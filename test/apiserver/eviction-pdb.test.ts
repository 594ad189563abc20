// POST pods/NAME/eviction over HTTP with PodDisruptionBudgets: 201 while the
// budget allows, then 429 TooManyRequests with the DisruptionBudget cause; a
// budget still being processed answers Retry-After; two budgets → 500; and
// the budget's printed table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodDisruptionBudget } from '../../src/api/types/policy.js';
import { newDisruptionController } from '../../src/controllers/disruption.js';
import { realClock } from '../../src/util/clock.js';
import { pdb, seedWorkload } from '../controllers/pdb-fixtures.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { tls: false });
});
afterAll(async () => {
  await s?.close();
});

async function evict(name: string, body: object = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } }, query = '') {
  const res = await fetch(`${s.url}/api/v1/namespaces/default/pods/${name}/eviction${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, any> };
}

describe('pods/eviction and PodDisruptionBudgets over HTTP', () => {
  it('admits one eviction, then refuses with 429 and the budget cause', async () => {
    await seedWorkload(s.api, { replicas: 2, ready: 2 });
    await s.api.create(pdb('web', { maxUnavailable: 1 }));
    const c = newDisruptionController({ api: s.api, clock: realClock });
    await c.reconcileNow('default/web');

    const ok = await evict('web-0');
    expect(ok.status).toBe(201);
    expect(ok.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    expect(s.api.get('Pod', 'default', 'web-0')!.metadata.deletionTimestamp).toBeDefined();

    await c.reconcileNow('default/web');
    const refused = await evict('web-1');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeNull();
    expect(refused.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
      code: 429,
    });

    // The table kubectl get pdb asks for.
    const res = await fetch(`${s.url}/apis/policy/v1/namespaces/default/poddisruptionbudgets`, {
      headers: { Authorization: `Bearer ${s.token}`, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const table = (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((d) => d.name)).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(table.rows.map((r) => r.cells.slice(0, 4))).toEqual([['web', 'N/A', '1', 0]]);

    // A spec change not yet observed: 429 with Retry-After, as createTooManyRequestsError.
    await s.api.modify<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec.maxUnavailable = 2;
    });
    const lagging = await evict('web-1');
    expect(lagging.status).toBe(429);
    expect(lagging.retryAfter).toBe('10');
    expect(lagging.json.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retryAfterSeconds: 10 });

    // Two budgets over one pod: 500 in the eviction subresource's words.
    await c.reconcileNow('default/web');
    await s.api.create(pdb('web-2', { minAvailable: 0 }));
    const two = await evict('web-1');
    expect(two.status).toBe(500);
    expect(two.json.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  it('refuses a body naming another pod, and dry-run options that disagree', async () => {
    const wrong = await evict('web-1', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.message).toBe('name in URL does not match name in Eviction object');
    const dry = await evict('web-1', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1' }, deleteOptions: { dryRun: ['All', 'All'] } }, '?dryRun=All');
    expect(dry.status).toBe(400);
  });
});
