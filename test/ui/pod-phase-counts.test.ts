// The header counts pods by phase every frame. Fed the watch cache's lists, it
// applies each list's recorded delta to the previous counts instead of
// counting every pod again; the counts must be exactly a recount's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchCache } from '../../components/logic/watch-cache.js';
import { podPhaseCounts } from '../../components/widgets/header.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { FakeClusterClient } from './fake-client.js';
import { pod, T0 } from './fixtures.js';

function recount(pods: readonly KubeObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods) {
    const phase = (p.status as { phase?: string }).phase ?? 'Pending';
    out[phase] = (out[phase] ?? 0) + 1;
  }
  return out;
}

const opArb = fc.record({ name: fc.integer({ min: 0, max: 12 }), phase: fc.constantFrom('Running', 'Pending', 'Succeeded', 'Failed'), del: fc.boolean() });

describe('podPhaseCounts over the watch cache lists', () => {
  it('equals a recount after every frame of adds, phase changes and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 6 }), { minLength: 1, maxLength: 12 }), (frames) => {
        const client = new FakeClusterClient([pod('p-0'), pod('p-1', { phase: 'Pending' })]);
        const watch = new WatchCache(client, new FakeClock(T0));
        expect(podPhaseCounts(watch.items('Pod'))).toEqual(recount(watch.items('Pod')));
        for (const ops of frames) {
          for (const op of ops) {
            if (op.del) client.remove('Pod', 'default', `p-${op.name}`);
            else client.put(pod(`p-${op.name}`, { phase: op.phase }));
          }
          const items = watch.items('Pod');
          expect(podPhaseCounts(items)).toEqual(recount(items));
        }
        // Any other list is counted in full.
        const other = [pod('x', { phase: 'Failed' })];
        expect(podPhaseCounts(other)).toEqual({ Failed: 1 });
        watch.close();
      }),
      { numRuns: 200 },
    );
  });
});
