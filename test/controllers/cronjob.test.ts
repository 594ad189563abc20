import { describe, expect, it } from 'vitest';
import { formatInZone, manualJobFromCronJob, parseSchedule } from '../../src/api/cron.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { CronJob } from '../../src/api/types/batch.js';
import { jobFromCronJob, mostRecentScheduleTime, newCronJobController } from '../../src/controllers/cronjob.js';
import { newGarbageCollector } from '../../src/controllers/garbage-collector.js';
import { newJobController } from '../../src/controllers/job.js';
import { startControllers } from '../../src/controllers/index.js';
import { Api } from '../../src/api/api.js';
import { MemoryStore } from '../../state/store.js';
import type { Clock, Timer } from '../../src/util/clock.js';
import { events, setup } from './harness.js';
import { WorkloadKubelet } from './workload-kubelet.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const nexts = (schedule: string, from: string, n: number, tz?: string): string[] => {
  const s = parseSchedule(schedule, tz);
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const x = s.next(t);
    if (x === undefined) break;
    out.push(iso(x)!);
    t = x;
  }
  return out;
};

describe('cron schedules (robfig/cron ParseStandard semantics)', () => {
  const table: [string, string, string[], string?][] = [
    ['*/15 * * * *', '2026-01-01T00:07:00Z', ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z']],
    ['0 9-17/4 * * mon-fri', '2026-01-02T10:00:00Z', ['2026-01-02T13:00:00.000Z', '2026-01-02T17:00:00.000Z', '2026-01-05T09:00:00.000Z']],
    // day-of-month and day-of-week both restricted: either matches (13th OR Friday)
    ['0 0 13 * 5', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-13T00:00:00.000Z']],
    ['30 4 1 jan,jul *', '2026-02-01T00:00:00Z', ['2026-07-01T04:30:00.000Z', '2027-01-01T04:30:00.000Z']],
    ['0 0 29 2 *', '2026-01-01T00:00:00Z', ['2028-02-29T00:00:00.000Z']],
    ['@hourly', '2026-01-01T00:30:00Z', ['2026-01-01T01:00:00.000Z']],
    ['@daily', '2026-01-01T00:30:00Z', ['2026-01-02T00:00:00.000Z']],
    ['@midnight', '2026-01-01T00:30:00Z', ['2026-01-02T00:00:00.000Z']],
    ['@weekly', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00.000Z']],
    ['@monthly', '2026-01-15T00:00:00Z', ['2026-02-01T00:00:00.000Z']],
    ['@yearly', '2026-01-15T00:00:00Z', ['2027-01-01T00:00:00.000Z']],
    ['@every 90m', '2026-01-01T00:00:00Z', ['2026-01-01T01:30:00.000Z', '2026-01-01T03:00:00.000Z']],
    ['0 0 * * ?', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00.000Z']],
    // New York: 09:00 local is 14:00Z in winter and 13:00Z after the March DST change
    ['0 9 * * *', '2026-03-07T00:00:00Z', ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z'], 'America/New_York'],
    // 02:30 does not exist on 2026-03-08 in New York: the run happens once, at 03:30 EDT
    ['30 2 * * *', '2026-03-07T00:00:00Z', ['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z'], 'America/New_York'],
    // 01:30 happens twice on 2026-11-01 in New York: the job runs once
    ['30 1 * * *', '2026-10-31T00:00:00Z', ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'], 'America/New_York'],
  ];
  it.each(table)('%s from %s', (schedule, from, want, tz) => {
    expect(nexts(schedule, from, want.length, tz)).toEqual(want);
  });

  it('refuses what Kubernetes refuses, in its words', () => {
    expect(() => parseSchedule('0 0 * *')).toThrow('expected exactly 5 fields, found 4: [0 0 * *]');
    expect(() => parseSchedule('0 0 0 * * *')).toThrow('expected exactly 5 fields, found 6');
    expect(() => parseSchedule('@fortnightly')).toThrow('unrecognized descriptor: @fortnightly');
    expect(() => parseSchedule('61 * * * *')).toThrow();
    expect(() => parseSchedule('0 0 * * *', 'Mars/Olympus')).toThrow('unknown time zone Mars/Olympus');
  });

  it('formats scheduled timestamps in the CronJob time zone', () => {
    expect(formatInZone(Date.parse('2026-03-08T13:00:00Z'), 'America/New_York')).toBe('2026-03-08T09:00:00-04:00');
    expect(formatInZone(Date.parse('2026-03-08T13:00:00Z'))).toBe('2026-03-08T13:00:00Z');
  });
});

function cronJob(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    },
  };
}

describe('mostRecentScheduleTime', () => {
  const cj = (created: string, last?: string, deadline?: number) =>
    ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'x', creationTimestamp: created },
      spec: { schedule: '0 * * * *', startingDeadlineSeconds: deadline, jobTemplate: { spec: {} } },
      status: last ? { lastScheduleTime: last } : {},
    }) as unknown as CronJob;
  const sched = parseSchedule('0 * * * *');
  it('finds the latest missed time and counts the misses', () => {
    const r = mostRecentScheduleTime(cj('2026-01-01T00:30:00Z'), Date.parse('2026-01-01T05:10:00Z'), sched, true);
    expect(iso(r.mostRecent)).toBe('2026-01-01T05:00:00.000Z');
    expect(r.missed).toBe(5);
  });
  it('returns nothing before the first time, and nothing when the clock went back before lastScheduleTime', () => {
    expect(mostRecentScheduleTime(cj('2026-01-01T00:30:00Z'), Date.parse('2026-01-01T00:59:00Z'), sched, true).mostRecent).toBeUndefined();
    const r = mostRecentScheduleTime(cj('2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z'), Date.parse('2026-01-01T03:00:00Z'), sched, true);
    expect(r.mostRecent).toBeUndefined();
  });
  it('startingDeadlineSeconds bounds how far back it looks', () => {
    const r = mostRecentScheduleTime(cj('2026-01-01T00:00:00Z', undefined, 600), Date.parse('2026-01-01T05:20:00Z'), sched, true);
    expect(r.mostRecent).toBeUndefined();
    const r2 = mostRecentScheduleTime(cj('2026-01-01T00:00:00Z', undefined, 1800), Date.parse('2026-01-01T05:20:00Z'), sched, true);
    expect(iso(r2.mostRecent)).toBe('2026-01-01T05:00:00.000Z');
    expect(r2.missed).toBe(1);
  });
});

async function cronHarness() {
  const kubelet = new WorkloadKubelet();
  const h = await setup({ factories: [newGarbageCollector, newJobController, newCronJobController, kubelet.factory] });
  return { ...h, kubelet };
}

const jobsOf = (api: Api, cj: string) =>
  api
    .list('Job', { namespace: 'default', filter: (j) => j.metadata.ownerReferences?.[0]?.name === cj })
    .items.map((j) => j.metadata.name!)
    .sort();

async function finishJobPods(h: Awaited<ReturnType<typeof cronHarness>>, job: string, phase: 'Succeeded' | 'Failed' = 'Succeeded') {
  for (const p of h.api.list('Pod', { namespace: 'default', filter: (x) => x.metadata.labels?.['job-name'] === job && x.status?.phase === 'Running' }).items) {
    await h.kubelet.finish(p.metadata.name!, phase);
  }
  await h.settle();
}

describe('CronJob controller', () => {
  it('creates a Job at each schedule time, named by minutes since the epoch, and records status', async () => {
    const h = await cronHarness();
    await h.api.create(cronJob('tick'));
    await h.settle();
    expect(jobsOf(h.api, 'tick')).toEqual([]);
    expect(h.clock.timers).toBeGreaterThan(0); // requeued for 00:05, no polling
    await h.settle(5 * 60_000); // the controller wakes 100 ms after the schedule time, as Kubernetes does
    expect(jobsOf(h.api, 'tick')).toEqual([]);
    await h.settle(100);
    const name = `tick-${Date.parse('2026-01-01T00:05:00Z') / 60_000}`;
    expect(jobsOf(h.api, 'tick')).toEqual([name]);
    const job = h.api.get('Job', 'default', name)!;
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T00:05:00Z');
    expect(job.metadata.labels).toMatchObject({ app: 'tick' });
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    let st = h.api.get('CronJob', 'default', 'tick')!.status;
    expect(st!.lastScheduleTime).toBe('2026-01-01T00:05:00Z');
    expect(st!.active).toEqual([expect.objectContaining({ kind: 'Job', name, namespace: 'default', uid: job.metadata.uid })]);
    expect(events(h.api, 'SuccessfulCreate').filter((e) => e.involved === 'tick').map((e) => e.message)).toEqual([`Created job ${name}`]);
    h.clock.advance(60_000);
    await finishJobPods(h, name);
    st = h.api.get('CronJob', 'default', 'tick')!.status;
    expect(st!.active).toBeUndefined();
    expect(st!.lastSuccessfulTime).toBe('2026-01-01T00:06:00Z');
    expect(events(h.api, 'SawCompletedJob').map((e) => e.message)).toEqual([`Saw completed job: ${name}, condition: Complete`]);
    await h.mgr.stop();
  });

  it('Forbid skips a run while one is active; Replace deletes the running Job; Allow runs both', async () => {
    const h = await cronHarness();
    await h.api.create(cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await h.api.create(cronJob('replace', { concurrencyPolicy: 'Replace' }));
    await h.api.create(cronJob('allow', { concurrencyPolicy: 'Allow' }));
    await h.settle(); // requeue delays are computed from the sync's own time: let the first syncs finish first
    await h.settle(5 * 60_000 + 100);
    await h.settle(5 * 60_000);
    expect(jobsOf(h.api, 'forbid')).toHaveLength(1);
    expect(events(h.api, 'JobAlreadyActive').map((e) => e.message)).toContain('Not starting job because prior execution is running and concurrency policy is Forbid');
    const rep = jobsOf(h.api, 'replace');
    expect(rep).toEqual([`replace-${Date.parse('2026-01-01T00:10:00Z') / 60_000}`]);
    expect(events(h.api, 'SuccessfulDelete').filter((e) => e.involved === 'replace').map((e) => e.message)).toEqual([
      `Deleted job replace-${Date.parse('2026-01-01T00:05:00Z') / 60_000}`,
    ]);
    expect(h.api.get('CronJob', 'default', 'replace')!.status?.active).toHaveLength(1);
    expect(jobsOf(h.api, 'allow')).toHaveLength(2);
    expect(h.api.get('CronJob', 'default', 'allow')!.status?.active).toHaveLength(2);
    await h.mgr.stop();
  });

  it('keeps successfulJobsHistoryLimit finished Jobs; suspend stops new runs', async () => {
    const h = await cronHarness();
    await h.api.create(cronJob('hist', { successfulJobsHistoryLimit: 2, schedule: '* * * * *' }));
    await h.settle();
    for (let i = 0; i < 4; i++) {
      await h.settle(i === 0 ? 60_100 : 60_000);
      for (const j of jobsOf(h.api, 'hist')) await finishJobPods(h, j);
    }
    await h.settle();
    const left = jobsOf(h.api, 'hist');
    expect(left).toEqual([`hist-${Date.parse('2026-01-01T00:03:00Z') / 60_000}`, `hist-${Date.parse('2026-01-01T00:04:00Z') / 60_000}`]);
    await h.api.modify('CronJob', 'default', 'hist', (c) => {
      c.spec.suspend = true;
    });
    await h.settle(5 * 60_000);
    expect(jobsOf(h.api, 'hist')).toEqual(left);
    await h.mgr.stop();
  });

  it('after a long outage runs only the latest missed time and warns TooManyMissedTimes past 100', async () => {
    const h = await cronHarness();
    await h.mgr.stop();
    await h.api.create(cronJob('late', { schedule: '* * * * *' }));
    h.clock.advance(3 * 3600_000 + 30_000); // 180 missed minutes while no controller ran
    h.mgr = startControllers({ api: h.api, clock: h.clock, factories: [newJobController, newCronJobController, h.kubelet.factory] });
    await h.settle();
    expect(jobsOf(h.api, 'late')).toEqual([`late-${Date.parse('2026-01-01T03:00:00Z') / 60_000}`]);
    expect(events(h.api, 'TooManyMissedTimes').map((e) => e.message)).toEqual([
      'too many missed start times: 180. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    ]);
    await h.mgr.stop();
  });

  it('a clock that jumps backwards does not start a storm of runs', async () => {
    // A settable clock: the FakeClock only moves forward.
    let t = Date.parse('2026-01-01T00:00:00Z');
    const timers: { at: number; fn: () => void; off: boolean }[] = [];
    const clock: Clock & { set(ms: number): void } = {
      now: () => t,
      setTimeout(fn, ms): Timer {
        const e = { at: t + ms, fn, off: false };
        timers.push(e);
        return { cancel: () => (e.off = true) };
      },
      set(ms: number) {
        t = ms;
        for (const e of timers.filter((x) => !x.off && x.at <= t)) {
          e.off = true;
          e.fn();
        }
      },
    };
    const store = new MemoryStore({ now: () => t });
    const api = new Api({ store, now: () => t });
    const mgr = startControllers({ api, clock, factories: [newCronJobController] });
    await api.create(cronJob('jump', { schedule: '* * * * *' }));
    await mgr.whenIdle();
    clock.set(Date.parse('2026-01-01T01:00:30Z'));
    await mgr.whenIdle();
    expect(jobsOf(api, 'jump')).toHaveLength(1);
    clock.set(Date.parse('2026-01-01T00:10:30Z')); // back 50 minutes
    for (const p of api.list('CronJob').items) void p;
    await api.modify('CronJob', 'default', 'jump', (c) => {
      c.metadata.labels = { touched: 'yes' };
    });
    await mgr.whenIdle();
    expect(jobsOf(api, 'jump')).toHaveLength(1);
    clock.set(Date.parse('2026-01-01T01:01:00.200Z'));
    await mgr.whenIdle();
    expect(jobsOf(api, 'jump')).toHaveLength(2);
    await mgr.stop();
  });

  it('the manual trigger job (kubectl create job --from) shape', () => {
    const cj = { ...cronJob('x'), metadata: { name: 'x', namespace: 'default', uid: 'u1' } } as CronJob;
    const j = jobFromCronJob(cj, Date.parse('2026-01-01T00:05:00Z'));
    expect(j.metadata.name).toBe(`x-${Date.parse('2026-01-01T00:05:00Z') / 60000}`);
    expect(j.spec).toEqual(cj.spec.jobTemplate.spec);
    const m = manualJobFromCronJob(cj, 'x-manual-1');
    expect(m.metadata).toMatchObject({
      name: 'x-manual-1',
      labels: { app: 'x' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ kind: 'CronJob', name: 'x', uid: 'u1', controller: true }],
    });
    expect(m.spec).toEqual(cj.spec.jobTemplate.spec);
  });
});
