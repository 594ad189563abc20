// The wall clock jumping (NTP step, suspend/resume, a user changing the date)
// while the controllers run: a CronJob must not start a storm of Jobs. A jump
// forward by a day starts at most one Job (the most recent missed time, with a
// TooManyMissedTimes warning, as Kubernetes does); a jump back starts none
// until the clock passes the last scheduled time again.
//
// The clock here is a FakeClock for timers (monotonic, as Node's timers are)
// plus an offset for now() (the wall clock, which is what jumps).
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { startControllers } from '../../src/controllers/index.js';
import { FakeClock, type Clock, type Timer } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

class JumpingClock implements Clock {
  readonly timers = new FakeClock(Date.parse('2026-03-01T10:00:30Z'));
  offset = 0;
  now(): number {
    return this.timers.now() + this.offset;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    return this.timers.setTimeout(fn, ms);
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

const MIN = 60_000;

describe('clock jumps under a running CronJob', () => {
  it('forward by a day: no storm of Jobs; back by an hour: none until time catches up', async () => {
    const clock = new JumpingClock();
    const store = new MemoryStore({ now: () => clock.now() });
    const api = new Api({ store, now: () => clock.now() });
    for (const ns of ['default', 'kube-system']) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const jobsCreated: string[] = [];
    store.watch('Job', {}, (ev) => {
      if (ev.type === 'ADDED') jobsCreated.push(ev.object.metadata.name ?? '');
    });
    const warnings: string[] = [];
    store.watch('Event', {}, (ev) => {
      if (ev.object.type === 'Warning') warnings.push(`${ev.object.reason}: ${ev.object.message}`);
    });
    const controllers = startControllers({ api, clock });
    try {
      await api.create({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'tick', namespace: 'default' },
        spec: {
          schedule: '* * * * *',
          concurrencyPolicy: 'Allow',
          jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
        },
      } as KubeObject);
      const run = async (ms: number, step = 5_000) => {
        for (let t = 0; t < ms; t += step) {
          clock.timers.advance(step);
          await controllers.whenIdle();
        }
      };

      await run(5 * MIN);
      const steady = jobsCreated.length;
      expect(steady, 'one Job a minute in steady state').toBeGreaterThanOrEqual(4);
      expect(steady).toBeLessThanOrEqual(6);

      clock.jump(24 * 60 * MIN); // a day forward: 1,440 missed start times
      // The controller notices at its next requeue (it sleeps until the next schedule time, ≤ 1 min of timer time).
      await run(65_000);
      const afterForward = jobsCreated.length - steady;
      // one for the most recent missed time, and at most one regular run in the same 65 s — not 1,440
      expect(afterForward, `Jobs created in the 65 s after a day's jump: ${jobsCreated.slice(steady).join(', ')}`).toBeLessThanOrEqual(2);
      expect(afterForward).toBeGreaterThanOrEqual(1);
      expect(warnings.some((w) => w.startsWith('TooManyMissedTimes: too many missed start times'))).toBe(true);

      const beforeBack = jobsCreated.length;
      clock.jump(-60 * MIN); // an hour back: the last schedule time is now in the future
      await run(10 * MIN);
      expect(jobsCreated.length - beforeBack, 'Jobs created while the clock is behind the last schedule').toBe(0);

      // Once the wall clock passes the last scheduled time again, one Job a minute resumes (no burst of catch-up runs).
      await run(55 * MIN, 15_000);
      const resumed = jobsCreated.length - beforeBack;
      expect(resumed).toBeGreaterThanOrEqual(3);
      expect(resumed).toBeLessThanOrEqual(6);
      console.log(
        `faults: clock jumps: ${steady} Jobs in 5 min steady, ${afterForward} after +1 day, 0 while 1 h behind, ${resumed} in the 5 min after catching up; ${jobsCreated.length} Jobs in all`,
      );
    } catch (e) {
      console.log(`faults: clock jumps: Jobs ${jobsCreated.join(', ')}; warnings ${warnings.join(' | ')}`);
      throw e;
    } finally {
      await controllers.stop();
    }
  }, 120_000);
});
