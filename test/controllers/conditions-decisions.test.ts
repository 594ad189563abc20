// Table tests for the one setCondition (src/api/conditions.ts) and its per-kind options.
import { describe, expect, it } from 'vitest';
import { setCondition, type SetConditionOptions } from '../../src/api/conditions.js';
import type { Condition } from '../../src/api/meta.js';

const T0 = '2026-01-01T00:00:00Z';
const NOW = Date.parse('2026-01-01T00:05:00.750Z');
const T1 = '2026-01-01T00:05:00Z';

const ready = (status: Condition['status'], reason = 'R', message = 'm', extra: Partial<Condition> = {}): Condition => ({ type: 'Ready', status, reason, message, ...extra });

describe('setCondition', () => {
  const other: Condition = { type: 'Other', status: 'True', lastTransitionTime: T0 };
  const cases: { name: string; list: Condition[] | undefined; next: Condition; opts?: SetConditionOptions; want: Condition[] }[] = [
    { name: 'appends a new condition, stamped now (second precision)', list: undefined, next: ready('True'), want: [{ ...ready('True'), lastTransitionTime: T1 }] },
    { name: 'keeps a caller-given lastTransitionTime on a new condition', list: [], next: ready('True', 'R', 'm', { lastTransitionTime: T0 }), want: [{ ...ready('True'), lastTransitionTime: T0 }] },
    {
      name: 'same status: replaces in place, keeps lastTransitionTime',
      list: [ready('True', 'Old', 'old', { lastTransitionTime: T0 }), other],
      next: ready('True', 'New', 'new'),
      want: [{ ...ready('True', 'New', 'new'), lastTransitionTime: T0 }, other],
    },
    { name: 'status change moves lastTransitionTime', list: [ready('True', 'R', 'm', { lastTransitionTime: T0 })], next: ready('False'), want: [{ ...ready('False'), lastTransitionTime: T1 }] },
    {
      name: 'stamps lastProbeTime on every write (Job)',
      list: [ready('True', 'R', 'old', { lastTransitionTime: T0, lastProbeTime: T0 })],
      next: ready('True', 'R', 'new'),
      opts: { skipUnchanged: true, stamp: ['lastProbeTime'] },
      want: [{ ...ready('True', 'R', 'new'), lastProbeTime: T1, lastTransitionTime: T0 }],
    },
    {
      name: 'skipUnchanged leaves an identical condition and its stamps alone',
      list: [ready('True', 'R', 'm', { lastTransitionTime: T0, lastProbeTime: T0 })],
      next: ready('True'),
      opts: { skipUnchanged: true, stamp: ['lastProbeTime'] },
      want: [ready('True', 'R', 'm', { lastTransitionTime: T0, lastProbeTime: T0 })],
    },
    {
      name: 'ignoreMessage: status and reason alone decide (Deployment)',
      list: [ready('True', 'R', 'old', { lastTransitionTime: T0, lastUpdateTime: T0 })],
      next: ready('True', 'R', 'new'),
      opts: { skipUnchanged: true, ignoreMessage: true, stamp: ['lastUpdateTime'] },
      want: [ready('True', 'R', 'old', { lastTransitionTime: T0, lastUpdateTime: T0 })],
    },
    {
      name: 'without skipUnchanged an identical write still restamps',
      list: [ready('True', 'R', 'm', { lastTransitionTime: T0, lastUpdateTime: T0 })],
      next: ready('True'),
      opts: { stamp: ['lastUpdateTime'] },
      want: [{ ...ready('True'), lastUpdateTime: T1, lastTransitionTime: T0 }],
    },
  ];
  for (const c of cases) it(c.name, () => expect(setCondition(c.list, c.next, NOW, c.opts)).toEqual(c.want));

  it('returns the same list when skipped, a new one otherwise, never mutating the input', () => {
    const list = [ready('True', 'R', 'm', { lastTransitionTime: T0 })];
    expect(setCondition(list, ready('True'), NOW, { skipUnchanged: true })).toBe(list);
    const next = setCondition(list, ready('False'), NOW, { skipUnchanged: true });
    expect(next).not.toBe(list);
    expect(list[0].status).toBe('True');
  });
});
