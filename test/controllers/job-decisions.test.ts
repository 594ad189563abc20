// Table tests for the Job controller's pure decisions (src/controllers/job-decisions.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Job } from '../../src/api/types/batch.js';
import {
  backoffRemainingMs,
  decideJob,
  foldUncounted,
  newlyTerminated,
  pastBackoffLimitOnFailure,
  podsToManage,
  ttlRemainingMs,
  type JobView,
} from '../../src/controllers/job-decisions.js';
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from '../../src/controllers/job-util.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function job(spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'default', uid: 'job-uid' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec } as Job['spec'],
    status,
  };
}

function pod(name: string, o: { phase?: string; index?: number; tracked?: boolean; deleting?: boolean; restarts?: number; exitCode?: number; created?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      uid: `uid-${name}`,
      namespace: 'default',
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ...(o.index !== undefined ? { annotations: { [COMPLETION_INDEX]: String(o.index) } } : {}),
      ...(o.tracked === false ? {} : { finalizers: [JOB_TRACKING_FINALIZER] }),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c' }] },
    status: {
      phase: o.phase ?? 'Running',
      containerStatuses: [
        {
          name: 'c',
          restartCount: o.restarts ?? 0,
          ...(o.exitCode !== undefined ? { state: { terminated: { exitCode: o.exitCode, finishedAt: '2026-01-01T00:05:00Z' } } } : {}),
        },
      ],
    },
  };
}

function view(j: Job, o: Partial<JobView> = {}): JobView {
  return { job: j, conditions: [], succeeded: 0, failed: 0, completedIndexes: [], active: [], terminating: 0, pendingFinished: false, now: NOW, ...o };
}

describe('decideJob', () => {
  const running = [pod('a')];
  const cases: { name: string; j: Job; v?: Partial<JobView>; want: Record<string, unknown> }[] = [
    { name: 'pods finished while counting: wait', j: job(), v: { pendingFinished: true, failed: 99 }, want: { action: 'waitForCounts' } },
    { name: 'failures past backoffLimit', j: job({ backoffLimit: 1 }), v: { failed: 2, active: running }, want: { action: 'fail', failure: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }, newFailureTarget: true, finished: false } },
    { name: 'failures at backoffLimit still run', j: job({ backoffLimit: 1 }), v: { failed: 1 }, want: { action: 'run' } },
    {
      name: 'an existing FailureTarget decides the reason',
      j: job(),
      v: { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', message: 'm' }] },
      want: { action: 'fail', failure: { reason: 'PodFailurePolicy', message: 'm' }, newFailureTarget: false, finished: true },
    },
    { name: 'deadline passed', j: job({ activeDeadlineSeconds: 60 }), v: { startTime: '2026-01-01T00:09:00Z' }, want: { action: 'fail', failure: { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }, newFailureTarget: true, finished: true } },
    { name: 'deadline ahead: run and wake then', j: job({ activeDeadlineSeconds: 120 }), v: { startTime: '2026-01-01T00:09:00Z' }, want: { action: 'run', deadlineInMs: 60_000 } },
    { name: 'suspended jobs ignore the deadline', j: job({ activeDeadlineSeconds: 1, suspend: true }), v: { startTime: '2026-01-01T00:00:00Z' }, want: { action: 'suspend' } },
    { name: 'completions reached', j: job({ completions: 2 }), v: { succeeded: 2, active: running }, want: { action: 'succeed', newSuccessCriteria: true, finished: false } },
    { name: 'no completions: first success once nothing runs', j: job(), v: { succeeded: 1 }, want: { action: 'succeed', newSuccessCriteria: true, finished: true } },
    { name: 'no completions: success waits for running pods', j: job(), v: { succeeded: 1, active: running }, want: { action: 'run' } },
    { name: 'indexed: every index done', j: job({ completionMode: 'Indexed', completions: 2 }), v: { completedIndexes: [0, 1], terminating: 1 }, want: { action: 'succeed', newSuccessCriteria: true, finished: false } },
    {
      name: 'SuccessCriteriaMet already set',
      j: job({ completions: 5 }),
      v: { conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] },
      want: { action: 'succeed', newSuccessCriteria: false, finished: true },
    },
    { name: 'failure beats success', j: job({ backoffLimit: 0, completions: 1 }), v: { failed: 1, succeeded: 1 }, want: { action: 'fail', failure: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }, newFailureTarget: true, finished: true } },
  ];
  for (const c of cases) it(c.name, () => expect(decideJob(view(c.j, c.v))).toEqual(c.want));
});

describe('pastBackoffLimitOnFailure', () => {
  const onFailure = (backoffLimit: number) => job({ backoffLimit, template: { spec: { containers: [], restartPolicy: 'OnFailure' } } as never });
  const cases: [string, Job, KubeObject[], boolean][] = [
    ['Never ignores restarts', job({ backoffLimit: 1 }), [pod('a', { restarts: 5 })], false],
    ['restarts reach the limit', onFailure(2), [pod('a', { restarts: 1 }), pod('b', { restarts: 1 })], true],
    ['restarts below the limit', onFailure(3), [pod('a', { restarts: 2 })], false],
    ['limit 0: any restart', onFailure(0), [pod('a', { restarts: 1 })], true],
  ];
  for (const [name, j, pods, want] of cases) it(name, () => expect(pastBackoffLimitOnFailure(j, pods)).toBe(want));
});

describe('podsToManage', () => {
  const names = (r: ReturnType<typeof podsToManage>) => ({ toCreate: r.toCreate, toDelete: r.toDelete.map((p) => p.metadata.name) });
  const cases: { name: string; j: Job; active: KubeObject[]; done?: number[]; succeeded?: number; want: { toCreate: (number | undefined)[]; toDelete: string[] } }[] = [
    { name: 'fills parallelism', j: job({ parallelism: 3, completions: 10 }), active: [pod('a')], want: { toCreate: [undefined, undefined], toDelete: [] } },
    { name: 'no more than completions left', j: job({ parallelism: 3, completions: 4 }), active: [], succeeded: 3, want: { toCreate: [undefined], toDelete: [] } },
    { name: 'surplus deleted, newest first', j: job({ parallelism: 1, completions: 5 }), active: [pod('old', { created: '2026-01-01T00:00:00Z' }), pod('new', { created: '2026-01-01T00:01:00Z' })], want: { toCreate: [], toDelete: ['new'] } },
    { name: 'no completions: a success stops new pods', j: job({ parallelism: 3 }), active: [pod('a')], succeeded: 1, want: { toCreate: [], toDelete: [] } },
    { name: 'indexed: missing indexes in order', j: job({ completionMode: 'Indexed', completions: 4, parallelism: 2 }), active: [], done: [0], want: { toCreate: [1, 2], toDelete: [] } },
    {
      name: 'indexed: duplicates and done indexes go',
      j: job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }),
      active: [pod('a', { index: 0 }), pod('b', { index: 1, created: '2026-01-01T00:00:00Z' }), pod('c', { index: 1, created: '2026-01-01T00:01:00Z' }), pod('d', { index: 7 })],
      done: [0],
      want: { toCreate: [2], toDelete: ['a', 'd', 'c'] },
    },
  ];
  for (const c of cases) it(c.name, () => expect(names(podsToManage(c.j, c.active, c.done ?? [], c.succeeded ?? 0))).toEqual(c.want));
});

describe('newlyTerminated', () => {
  const rec = { failuresAfterLastSuccess: 2, lastFailureTime: 0 };
  it('counts new terminations in pod order and moves the back-off', () => {
    const pods = [pod('f1', { phase: 'Failed' }), pod('s', { phase: 'Succeeded', index: 3 }), pod('f2', { phase: 'Failed' }), pod('run'), pod('untracked', { phase: 'Failed', tracked: false })];
    const r = newlyTerminated(job(), pods, new Set(), new Set(), rec, NOW);
    expect(r.fresh.map((p) => p.metadata.name)).toEqual(['f1', 's', 'f2']);
    expect(r.succeeded).toEqual([{ uid: 'uid-s', index: 3 }]);
    expect(r.failed).toEqual(['uid-f1', 'uid-f2']);
    expect(r.backoff).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: NOW });
    expect(rec.failuresAfterLastSuccess).toBe(2); // input untouched
  });
  it('skips seen pods; a pod we deleted is no failure, one deleted by others is', () => {
    const pods = [pod('seen', { phase: 'Failed' }), pod('ours', { deleting: true }), pod('theirs', { deleting: true })];
    const r = newlyTerminated(job(), pods, new Set(['uid-seen']), new Set(['uid-ours']), { failuresAfterLastSuccess: 0, lastFailureTime: 0 }, NOW);
    expect(r.fresh.map((p) => p.metadata.name)).toEqual(['ours', 'theirs']);
    expect(r.failed).toEqual(['uid-theirs']);
  });
  it('applies podFailurePolicy: Ignore drops the failure, FailJob reports it', () => {
    const j = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [42] } }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] } } as never);
    const r = newlyTerminated(j, [pod('ign', { phase: 'Failed', exitCode: 42 }), pod('fail', { phase: 'Failed', exitCode: 1 })], new Set(), new Set(), { failuresAfterLastSuccess: 0, lastFailureTime: 0 }, NOW);
    expect(r.fresh).toHaveLength(2);
    expect(r.failed).toEqual(['uid-fail']);
    expect(r.policyFailure?.reason).toBe('PodFailurePolicy');
    expect(r.backoff.lastFailureTime).toBe(Date.parse('2026-01-01T00:05:00Z'));
  });
});

describe('foldUncounted', () => {
  it('counts pods whose finalizer is gone and keeps the others', () => {
    const j = job({ completionMode: 'Indexed', completions: 4 });
    const r = foldUncounted(j, { succeeded: 1, completedIndexes: '0' }, { succeeded: ['a', 'b', 'c'], failed: ['x', 'y'] }, (u) => u === 'b' || u === 'y', (u) => ({ a: 2, c: 9 })[u]);
    expect(r.status).toEqual({ succeeded: 3, failed: 1, completedIndexes: '0,2' });
    expect(r.uncounted).toEqual({ succeeded: ['b'], failed: ['y'] });
    expect(r.countedSucceeded).toEqual(['a', 'c']);
  });
  it('leaves completedIndexes alone for NonIndexed Jobs', () => {
    const r = foldUncounted(job(), {}, { succeeded: [], failed: ['x'] }, () => false, () => undefined);
    expect(r.status).toEqual({ succeeded: undefined, failed: 1, completedIndexes: undefined });
  });
});

describe('timers', () => {
  it.each([
    [{ failuresAfterLastSuccess: 0, lastFailureTime: 0 }, 0],
    [{ failuresAfterLastSuccess: 1, lastFailureTime: NOW - 4_000 }, 6_000],
    [{ failuresAfterLastSuccess: 3, lastFailureTime: NOW }, 40_000],
    [{ failuresAfterLastSuccess: 1, lastFailureTime: NOW - 60_000 }, -50_000],
  ])('backoffRemainingMs(%o) = %d', (rec, want) => expect(backoffRemainingMs(rec, NOW)).toBe(want));

  it.each([
    ['no TTL', job(), undefined],
    ['from completionTime', job({ ttlSecondsAfterFinished: 100 }, { completionTime: '2026-01-01T00:09:00Z' }), 40_000],
    ['from the Failed transition', job({ ttlSecondsAfterFinished: 0 }, { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-01T00:09:00Z' }] }), -60_000],
    ['unknown finish time counts from now', job({ ttlSecondsAfterFinished: 5 }), 5_000],
  ])('ttlRemainingMs: %s', (_n, j, want) => expect(ttlRemainingMs(j as Job, NOW)).toBe(want));
});
