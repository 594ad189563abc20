// The scheduling queue on a FakeClock: priority order in the active heap,
// backoff after a failure, and — as kube-scheduler with SchedulerPopFromBackoffQ
// — a pod backing off after a rejection is popped at once when nothing is
// active, while one backing off after an error waits its backoff out.
import { describe, expect, it } from 'vitest';
import { SchedulingQueue, type QueuedPod } from '../../src/scheduler/queue.js';
import { FakeClock } from '../../src/util/clock.js';

function setup() {
  const clock = new FakeClock();
  let kicks = 0;
  const q = new SchedulingQueue({ clock, initialBackoffMs: 1000, maxBackoffMs: 10_000, onActive: () => kicks++ });
  /** A pod that has been tried `attempts` times, the last one now. */
  const failed = (uid: string, attempts: number, priority = 0): QueuedPod => {
    const qp = q.newEntry(uid, priority);
    qp.attempts = attempts;
    qp.lastAttemptAt = clock.now();
    return qp;
  };
  return { clock, q, failed, kicks: () => kicks };
}

describe('SchedulingQueue', () => {
  it('pops higher priority first, then older pods', () => {
    const { q } = setup();
    q.addActive(q.newEntry('low-old', 0, 1));
    q.addActive(q.newEntry('high', 10, 5));
    q.addActive(q.newEntry('low-new', 0, 2));
    expect([q.pop()?.uid, q.pop()?.uid, q.pop()?.uid, q.pop()]).toEqual(['high', 'low-old', 'low-new', undefined]);
  });

  it('backoff doubles from 1 s to the 10 s cap', () => {
    const { q, failed } = setup();
    expect([1, 2, 3, 4, 5, 9].map((n) => q.backoffMs(failed(`p${n}`, n)))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('a rejected pod moved by an event is popped at once when the active heap is empty, and wakes the loop', () => {
    const { q, failed, kicks } = setup();
    const qp = failed('waiting', 3); // 4 s of backoff left
    q.addUnschedulable(qp);
    expect(q.readySize).toBe(0);
    q.moveAllToActive();
    expect(q.activeSize).toBe(0);
    expect(q.readySize).toBe(1);
    expect(kicks()).toBe(1);
    expect(q.pop()?.uid).toBe('waiting');
    expect(q.has('waiting')).toBe(false);
    expect(q.readySize).toBe(0);
  });

  it('active pods come before backing-off ones; among those, the earliest backoff end first', () => {
    const { q, failed, clock } = setup();
    const a = failed('long', 4); // 8 s
    const b = failed('short', 1); // 1 s
    q.addUnschedulable(a);
    q.addUnschedulable(b);
    q.moveAllToActive();
    clock.advance(10);
    q.addActive(q.newEntry('fresh', 0));
    expect([q.pop()?.uid, q.pop()?.uid, q.pop()?.uid, q.pop()]).toEqual(['fresh', 'short', 'long', undefined]);
  });

  it('a pod that failed with an error waits its backoff out', () => {
    const { q, failed, clock } = setup();
    q.activateWithBackoff(failed('bind-failed', 2), { error: true }); // 2 s
    expect(q.readySize).toBe(0);
    expect(q.pop()).toBeUndefined();
    clock.advance(1999);
    expect(q.pop()).toBeUndefined();
    clock.advance(1);
    expect(q.activeSize).toBe(1);
    expect(q.pop()?.uid).toBe('bind-failed');
  });

  it('a pod removed while backing off is never popped', () => {
    const { q, failed } = setup();
    q.activateWithBackoff(failed('gone', 2));
    q.activateWithBackoff(failed('stays', 2));
    q.remove('gone');
    expect(q.readySize).toBe(1);
    expect(q.pop()?.uid).toBe('stays');
    expect(q.pop()).toBeUndefined();
  });
});
