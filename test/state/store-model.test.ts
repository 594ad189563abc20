// Property test: for any sequence of writes, an informer that listed at some
// point and then watched from that list's resourceVersion ends up with exactly
// what list() says now — or gets 410 Expired precisely when the bounded log no
// longer holds what it missed. resourceVersions never go down.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { edit, newStore, pod } from './helpers.js';

type Op = { op: 'create' | 'update' | 'delete' | 'kill' | 'finalize'; name: string; ns: string };

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('create', 'update', 'delete', 'kill', 'finalize'),
  name: fc.constantFrom('a', 'b', 'c'),
  ns: fc.constantFrom('x', 'y'),
});

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

describe('MemoryStore model', () => {
  it('list + watch from its resourceVersion reproduces list(), or is Expired exactly when the log is too short', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 60 }), fc.integer({ min: 1, max: 12 }), fc.nat(3), async (ops, logSize, around) => {
        const { store } = newStore({ logSize });
        const lists = [store.list('Pod')];
        for (const o of ops) {
          const cur = store.get('Pod', o.ns, o.name);
          const before = Number(store.resourceVersion());
          if (o.op === 'create') {
            if (cur) continue;
            await store.create(pod(o.name, o.ns, { metadata: { name: o.name, namespace: o.ns, finalizers: ['f'] } }));
          } else if (!cur) continue;
          else if (o.op === 'update') {
            const u = edit(cur);
            u.metadata.labels = { n: String(Number(u.metadata.labels?.n ?? 0) + 1) };
            await store.update(u);
          } else if (o.op === 'delete') await store.delete('Pod', o.ns, o.name, { gracePeriodSeconds: 30 });
          else if (o.op === 'kill') await store.delete('Pod', o.ns, o.name, { gracePeriodSeconds: 0 });
          else {
            const u = edit(cur);
            u.metadata.finalizers = [];
            await store.update(u);
          }
          expect(Number(store.resourceVersion())).toBeGreaterThanOrEqual(before);
          lists.push(store.list('Pod'));
        }
        // Watch from just inside, at, or just beyond the log's reach: where off-by-one bugs live.
        const start = lists[Math.max(0, lists.length - 1 - logSize - 2 + around)];
        const cache = new Map(start.items.map((o) => [keyOf(o), o] as const));
        const current = Number(store.resourceVersion());
        const shouldExpire = start.resourceVersion !== '0' && Number(start.resourceVersion) < current - logSize;
        const rvs: number[] = [];
        try {
          store
            .watch('Pod', { resourceVersion: start.resourceVersion }, (ev) => {
              rvs.push(Number(ev.object.metadata.resourceVersion));
              if (ev.type === 'DELETED') cache.delete(keyOf(ev.object));
              else cache.set(keyOf(ev.object), ev.object);
            })
            .stop();
        } catch (e) {
          expect(isStatusError(e, 'Expired')).toBe(true);
          expect(shouldExpire).toBe(true);
          return;
        }
        expect(shouldExpire).toBe(false);
        if (start.resourceVersion !== '0') {
          // Every version after the list, each exactly once, in order (only Pods change here).
          const from = Number(start.resourceVersion);
          expect(rvs).toEqual(Array.from({ length: current - from }, (_, i) => from + i + 1));
        }
        const now = store.list('Pod').items;
        expect([...cache.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))).toEqual(now);
      }),
      { numRuns: 200 },
    );
  });
});
