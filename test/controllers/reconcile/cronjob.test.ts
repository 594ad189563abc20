// CronJob controller, one sync at a time (pkg/controller/cronjob
// cronjob_controllerv2_test.go: TestControllerV2SyncCronJob "never ran, is
// time", "never ran, not time", "prev ran but done, not time"): a Job is
// created when a schedule time has passed, then status; before it, nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newCronJobController } from '../../../src/controllers/cronjob.js';
import { create, del, newFixture, seededWith, syncOnce, updateStatus, type Fixture } from './fixture.js';

/** The Job finished successfully, as the Job controller would report it. */
async function complete(f: Fixture, name: string): Promise<void> {
  await f.api.modify('Job', 'default', name, (o: KubeObject) => {
    o.status = {
      startTime: new Date(f.clock.now() - 1000).toISOString(),
      completionTime: new Date(f.clock.now()).toISOString(),
      succeeded: 1,
      conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
    };
  }, { status: true });
  f.clear();
}

const cronJob = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'default' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
    ...extra,
  },
});
/** The Job for the scheduled time t is named <cronjob>-<t in minutes since the epoch>. */
const jobFor = (t: number) => `tick-${Math.floor(t / 60_000)}`;

describe('cronjob reconcile', () => {
  it('does nothing before the first schedule time', async () => {
    const { f, c } = await seededWith(newCronJobController, cronJob());
    expect(await syncOnce(f, c, 'default/tick')).toEqual([]);
  });

  it('creates the Job of a schedule time that passed, then writes status', async () => {
    const f = newFixture();
    const start = f.clock.now();
    await f.seed(cronJob());
    const c = newCronJobController({ api: f.api, clock: f.clock });
    f.clock.advance(5 * 60_000);
    expect(await syncOnce(f, c, 'default/tick')).toEqual([create('jobs', 'default', jobFor(start + 5 * 60_000)), updateStatus('cronjobs', 'default', 'tick')]);
    expect(f.events()).toEqual([`Normal SuccessfulCreate Created job ${jobFor(start + 5 * 60_000)}`]);
  });

  it('does nothing while a suspended CronJob’s schedule passes', async () => {
    const { f, c } = await seededWith(newCronJobController, cronJob({ suspend: true }));
    f.clock.advance(5 * 60_000);
    expect(await syncOnce(f, c, 'default/tick')).toEqual([]);
  });

  it('does nothing between schedule times once the Job is made', async () => {
    const { f, c } = await seededWith(newCronJobController, cronJob());
    f.clock.advance(5 * 60_000);
    await f.converge(c, 'default/tick');
    f.clock.advance(60_000);
    expect(await syncOnce(f, c, 'default/tick')).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('deletes the oldest finished Job beyond successfulJobsHistoryLimit, then writes status', async () => {
    const f = newFixture();
    const start = f.clock.now();
    await f.seed(cronJob({ schedule: '* * * * *', successfulJobsHistoryLimit: 1 }));
    const c = newCronJobController({ api: f.api, clock: f.clock });
    for (let i = 1; i <= 2; i++) {
      f.clock.advance(60_000);
      await f.converge(c, 'default/tick');
      await complete(f, jobFor(start + i * 60_000));
    }
    expect(await syncOnce(f, c, 'default/tick')).toEqual([del('jobs', 'default', jobFor(start + 60_000)), updateStatus('cronjobs', 'default', 'tick')]);
    f.clock.advance(10_000);
    expect(await syncOnce(f, c, 'default/tick')).toEqual([]);
  });
});
