// Table tests for the CronJob controller's pure decisions (src/controllers/cronjob.ts).
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../src/api/cron.js';
import type { CronJob, CronJobStatus, Job } from '../../src/api/types/batch.js';
import { decideSchedule, jobsPastHistoryLimits, reviewActiveJobs } from '../../src/controllers/cronjob.js';

const at = (hhmm: string) => Date.parse(`2026-01-01T${hhmm}:00Z`);

function cj(spec: Partial<CronJob['spec']> = {}, created = '2026-01-01T00:00:00Z'): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: created },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec } as CronJob['spec'],
  };
}

function job(name: string, o: { finished?: 'Complete' | 'Failed'; completionTime?: string; startTime?: string; uid?: string } = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: o.uid ?? `uid-${name}` },
    spec: { template: {} } as Job['spec'],
    status: {
      ...(o.finished ? { conditions: [{ type: o.finished, status: 'True' }] } : {}),
      ...(o.completionTime ? { completionTime: o.completionTime } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
  };
}

const ref = (name: string) => ({ apiVersion: 'batch/v1', kind: 'Job', name, namespace: 'default', uid: `uid-${name}` });

describe('decideSchedule', () => {
  const sched = parseSchedule('*/5 * * * *');
  const cases: { name: string; c: CronJob; status?: CronJobStatus; now: number; want: Record<string, unknown> }[] = [
    { name: 'before the first activation: wait', c: cj(), now: at('00:04'), want: { action: 'wait' } },
    { name: 'an activation passed: start its Job', c: cj(), now: at('00:06'), want: { action: 'start', scheduled: at('00:05'), replaceActive: false } },
    { name: 'already started for that time: wait', c: cj(), status: { lastScheduleTime: '2026-01-01T00:05:00Z' }, now: at('00:06'), want: { action: 'wait' } },
    { name: 'Forbid with an active Job', c: cj({ concurrencyPolicy: 'Forbid' }), status: { active: [ref('old')] }, now: at('00:06'), want: { action: 'forbidden' } },
    { name: 'Replace replaces the active Job', c: cj({ concurrencyPolicy: 'Replace' }), status: { active: [ref('old')] }, now: at('00:06'), want: { action: 'start', scheduled: at('00:05'), replaceActive: true } },
    { name: 'a time older than startingDeadlineSeconds is not started', c: cj({ startingDeadlineSeconds: 200 }), status: { lastScheduleTime: '2026-01-01T00:00:00Z' }, now: at('00:08') + 30_000, want: { action: 'wait' } },
    { name: 'a time within startingDeadlineSeconds starts', c: cj({ startingDeadlineSeconds: 300 }), status: { lastScheduleTime: '2026-01-01T00:00:00Z' }, now: at('00:08') + 30_000, want: { action: 'start', scheduled: at('00:05'), replaceActive: false } },
    { name: 'latest of several missed times', c: cj(), now: at('00:17'), want: { action: 'start', scheduled: at('00:15'), replaceActive: false } },
    { name: 'more than 100 missed: reported, still starts the latest', c: cj({}, '2025-12-31T00:00:00Z'), now: at('00:01'), want: { action: 'start', scheduled: at('00:00'), replaceActive: false, tooManyMissed: 288 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideSchedule(c.c, c.status ?? {}, c.now, sched);
      const { job: j, ...rest } = d as typeof d & { job?: Job };
      expect(rest).toEqual(c.want);
      if (d.action === 'start') expect(j?.metadata.name).toBe(`tick-${Math.floor(d.scheduled / 60_000)}`);
    });
  }
});

describe('reviewActiveJobs', () => {
  it('drops finished active Jobs, reports unknown running ones in Job order, and finds orphaned refs', () => {
    const r = reviewActiveJobs({ active: [ref('a'), ref('b'), ref('gone')], lastSuccessfulTime: '2026-01-01T00:01:00Z' }, [
      job('stray'),
      job('a', { finished: 'Complete', completionTime: '2026-01-01T00:03:00Z' }),
      job('b'),
      job('old', { finished: 'Complete', completionTime: '2026-01-01T00:00:30Z' }),
    ]);
    expect(r.active.map((x) => x.name)).toEqual(['b', 'gone']);
    expect(r.seen.map((s) => ('unexpected' in s ? `unexpected:${s.unexpected.metadata.name}` : `completed:${s.completed.metadata.name}:${s.condition}`))).toEqual(['unexpected:stray', 'completed:a:Complete']);
    expect(r.orphaned.map((x) => x.name)).toEqual(['gone']);
    expect(r.lastSuccessfulTime).toBe('2026-01-01T00:03:00Z');
  });
  it('leaves an empty status empty', () => {
    expect(reviewActiveJobs({}, [])).toEqual({ active: [], lastSuccessfulTime: undefined, seen: [], orphaned: [] });
  });
});

describe('jobsPastHistoryLimits', () => {
  const jobs = [
    job('s1', { finished: 'Complete', startTime: '2026-01-01T00:01:00Z' }),
    job('s3', { finished: 'Complete', startTime: '2026-01-01T00:03:00Z' }),
    job('s2', { finished: 'Complete', startTime: '2026-01-01T00:02:00Z' }),
    job('f1', { finished: 'Failed', startTime: '2026-01-01T00:01:00Z' }),
    job('run'),
  ];
  it.each([
    [{ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, ['s1', 's2']],
    [{ successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 0 }, ['f1']],
    [{}, []],
  ])('limits %o delete %o, oldest first', (limits, want) => expect(jobsPastHistoryLimits(cj(limits), jobs).map((j) => j.metadata.name)).toEqual(want));
});
