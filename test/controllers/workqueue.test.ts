import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { WorkQueue } from '../../src/controllers/workqueue.js';
import { Controller } from '../../src/controllers/controller.js';
import { conflict } from '../../src/api/errors.js';
import { Api } from '../../src/api/api.js';
import { MemoryStore } from '../../state/store.js';

describe('WorkQueue', () => {
  it('dedups keys that are waiting', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(q.tryGet()).toBe('a');
    expect(q.tryGet()).toBe('b');
    expect(q.tryGet()).toBeUndefined();
  });

  it('never hands out a key in flight; a re-add while processing is queued after done()', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    expect(q.tryGet()).toBe('a');
    q.add('a');
    expect(q.length).toBe(0);
    expect(q.isIdle()).toBe(false);
    q.done('a');
    expect(q.length).toBe(1);
    expect(q.tryGet()).toBe('a');
    q.done('a');
    expect(q.isIdle()).toBe(true);
  });

  it('backs off per key exponentially from 5ms, capped at 1000s, until forget()', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = clock.now();
      q.addRateLimited('k');
      // find when it becomes ready
      let waited = 0;
      while (q.length === 0) {
        clock.advance(1);
        waited++;
        if (waited > 2_000_000) throw new Error('never ready');
      }
      delays.push(clock.now() - before);
      q.tryGet();
      q.done('k');
      if (delays.at(-1)! >= 1_000_000) break;
    }
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays.at(-1)).toBe(1_000_000);
    expect(q.numRequeues('k')).toBeGreaterThan(10);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
    q.addRateLimited('k');
    clock.advance(5);
    expect(q.length).toBe(1);
  });

  it('addAfter keeps the earliest due time and fires on the clock', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('x', 1000);
    q.addAfter('x', 300);
    q.addAfter('x', 5000);
    expect(q.delayedCount).toBe(1);
    clock.advance(299);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(q.tryGet()).toBe('x');
    q.done('x');
    clock.advance(10_000);
    expect(q.length).toBe(0);
  });

  it('get() waits for a key and resolves undefined on shutdown', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const p = q.get();
    q.add('late');
    await expect(p).resolves.toBe('late');
    const p2 = q.get();
    q.shutDown();
    await expect(p2).resolves.toBeUndefined();
  });
});

describe('Controller', () => {
  it('retries failures with backoff, conflicts at once, and whenIdle steps with the fake clock', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore({ now: () => clock.now() }), now: () => clock.now() });
    const calls: string[] = [];
    let failures = 2;
    let conflicts = 1;
    const c = new Controller({
      name: 't',
      api,
      clock,
      reconcile: async (key) => {
        calls.push(`${key}@${clock.now() - Date.parse('2026-01-01T00:00:00Z')}`);
        if (key === 'c' && conflicts-- > 0) throw conflict('Deployment', 'c', 'the object has been modified');
        if (key === 'f' && failures-- > 0) throw new Error('boom');
        if (key === 'r') return { requeueAfterMs: calls.filter((x) => x.startsWith('r@')).length < 2 ? 1000 : undefined };
      },
    });
    c.start();
    c.enqueue('c');
    c.enqueue('f');
    c.enqueue('r');
    await c.whenIdle();
    // conflict retried immediately; failure waits for backoff; requeue waits for the clock
    expect(calls).toEqual(['c@0', 'f@0', 'r@0', 'c@0']);
    clock.advance(5);
    await c.whenIdle();
    expect(calls.at(-1)).toBe('f@5');
    clock.advance(10);
    await c.whenIdle();
    expect(calls.at(-1)).toBe('f@15');
    clock.advance(984);
    await c.whenIdle();
    expect(calls.filter((x) => x.startsWith('r@'))).toEqual(['r@0']);
    clock.advance(1);
    await c.whenIdle();
    expect(calls.filter((x) => x.startsWith('r@'))).toEqual(['r@0', 'r@1000']);
    await c.stop();
    expect(clock.timers).toBe(0);
  });
});
