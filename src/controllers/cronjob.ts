// The CronJob controller (kubernetes pkg/controller/cronjob, ControllerV2):
// no polling loop — each sync works out the most recent unmet schedule time,
// starts at most that one Job (named <cronjob>-<scheduled minutes since
// epoch>, so a retry cannot start it twice), honours concurrencyPolicy,
// startingDeadlineSeconds and suspend, trims finished Jobs to the history
// limits, and asks to be called again just after the next schedule time.
// A clock that jumps backwards finds lastScheduleTime in the future and simply
// waits: there is never more than one run per sync.
import type { Api } from '../api/api.js';
import { formatInZone, parseSchedule, type CronSchedule } from '../api/cron.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, controllerRef, splitNsName, type KubeObject } from '../api/meta.js';
import type { CronJob, CronJobStatus, Job } from '../api/types/batch.js';
import type { ObjectReference } from '../api/types/storage.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';
import { ownerKeys, selfKey } from './informer.js';
import { finishedCondition } from './job-util.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Kubernetes' nextScheduleDelta: wake a little after the schedule time. */
const NEXT_SCHEDULE_DELTA_MS = 100;
const TOO_MANY_MISSED = 100;

export interface CronJobControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

export interface MostRecent {
  /** The latest schedule time at or before now, if any is unmet. */
  mostRecent?: number;
  earliest: number;
  missed: number;
}

/**
 * mostRecentScheduleTime: the latest activation in (earliest, now], where
 * earliest is lastScheduleTime (else creation), moved up to now −
 * startingDeadlineSeconds when asked; and roughly how many were missed.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, sched: CronSchedule, includeDeadline: boolean): MostRecent {
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (includeDeadline && deadline !== undefined && deadline !== null) {
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = sched.next(earliest);
  if (t1 === undefined || now < t1) return { earliest, missed: 0 };
  const t2 = sched.next(t1);
  if (t2 === undefined || now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const missed = Math.floor((now - t1) / 1000 / between) + 1;
  // Start one interval early and let the schedule find the real times (irregular schedules like `30 6-16/4 * * 1-5`).
  const potential = t1 + Math.max(0, missed - 2) * between * 1000;
  let mostRecent = t1;
  for (let t = sched.next(potential); t !== undefined && t <= now; t = sched.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed };
}

/** Milliseconds until just after the next activation (nextScheduleTimeDuration). */
export function nextScheduleDelay(cj: CronJob, now: number, sched: CronSchedule): number | undefined {
  let from: number;
  try {
    const r = mostRecentScheduleTime(cj, now, sched, false);
    from = r.mostRecent ?? r.earliest;
  } catch {
    return undefined;
  }
  const next = sched.next(from);
  if (next === undefined) return undefined;
  return Math.max(1, next + NEXT_SCHEDULE_DELTA_MS - now);
}

/** The Job a CronJob starts for `scheduledTime` (getJobFromTemplate2). */
export function jobFromCronJob(cj: CronJob, scheduledTime: number): Job {
  const t = cj.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(scheduledTime / 60_000)}`,
      namespace: cj.metadata.namespace,
      ...(t.metadata?.labels ? { labels: clone(t.metadata.labels) } : {}),
      annotations: { ...(t.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduledTime, cj.spec.timeZone) },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: clone(t.spec),
  };
}

function jobRef(job: KubeObject): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newCronJobController(opts: CronJobControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'cronjob-controller' });

  const deleteJob = async (cj: CronJob, job: KubeObject, status: CronJobStatus): Promise<boolean> => {
    try {
      await api.delete('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) {
        await recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
        return false;
      }
    }
    status.active = (status.active ?? []).filter((r) => r.uid !== job.metadata.uid);
    await recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const stored = api.get<CronJob>('CronJob', namespace, name);
    if (!stored) return;
    const cj = clone(stored);
    const now = clock.now();
    const status: CronJobStatus = clone(cj.status ?? {});
    const jobs = api.list<Job>('Job', { namespace, filter: (j) => controllerRef(j)?.uid === cj.metadata.uid }).items;
    const result = await syncCronJob(cj, jobs, status, now);
    await cleanupFinishedJobs(cj, status);
    if (status.active && !status.active.length) delete status.active;
    if (JSON.stringify(status) !== JSON.stringify(stored.status ?? {})) {
      await api.modify<CronJob>('CronJob', namespace, name, (o) => {
        o.status = status;
      }, { status: true });
    }
    return result;
  };

  const syncCronJob = async (cj: CronJob, jobs: Job[], status: CronJobStatus, now: number): Promise<ReconcileResult | void> => {
    const inActive = (uid?: string) => (status.active ?? []).some((r) => r.uid === uid);
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid!);
      const fin = finishedCondition(j);
      if (!fin && !inActive(j.metadata.uid)) {
        await recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (fin) {
        if (inActive(j.metadata.uid)) {
          status.active = status.active!.filter((r) => r.uid !== j.metadata.uid);
          await recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${fin}`);
        }
        const done = j.status?.completionTime;
        if (fin === 'Complete' && done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = done;
        }
      }
    }
    for (const ref of [...(status.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      if (!api.get('Job', ref.namespace ?? '', ref.name ?? '')) {
        await recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        status.active = status.active!.filter((r) => r.uid !== ref.uid);
      }
    }
    if (cj.metadata.deletionTimestamp) return;
    let sched: CronSchedule;
    try {
      sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.startsWith('unknown time zone')) {
        await recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${cj.spec.timeZone}": ${msg}`);
      } else {
        await recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${msg}`);
      }
      return;
    }
    if (cj.spec.suspend) return;
    const view = { ...cj, status } as CronJob;
    const wait = (): ReconcileResult | void => {
      const d = nextScheduleDelay(view, now, sched);
      return d === undefined ? undefined : { requeueAfterMs: d };
    };
    let recent: MostRecent;
    try {
      recent = mostRecentScheduleTime(view, now, sched, true);
    } catch (e) {
      await recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${(e as Error).message}`);
      return;
    }
    if (recent.missed > TOO_MANY_MISSED) {
      await recorder.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    const scheduled = recent.mostRecent;
    if (scheduled === undefined) return wait();
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      await recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return wait();
    }
    const jobReq = jobFromCronJob(cj, scheduled);
    const lastSched = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
    if ((status.active ?? []).some((r) => r.name === jobReq.metadata.name) || lastSched === scheduled) return wait();
    if (cj.spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      await recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return wait();
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        const job = api.get('Job', ref.namespace ?? '', ref.name ?? '');
        if (!job) continue;
        if (!(await deleteJob(cj, job, status))) throw new Error(`could not replace job ${ref.namespace}/${ref.name}`);
      }
    }
    let created: KubeObject;
    try {
      created = await api.create(jobReq);
      await recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) {
        await recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      const existing = api.get('Job', jobReq.metadata.namespace ?? '', jobReq.metadata.name ?? '');
      if (!existing || controllerRef(existing)?.uid !== cj.metadata.uid || inActive(existing.metadata.uid)) return;
      created = existing;
    }
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = iso(scheduled);
    return wait();
  };

  /** Keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs, deleting the oldest. */
  const cleanupFinishedJobs = async (cj: CronJob, status: CronJobStatus): Promise<void> => {
    const jobs = api.list<Job>('Job', { namespace: cj.metadata.namespace, filter: (j) => controllerRef(j)?.uid === cj.metadata.uid }).items;
    const groups: [Job[], number | undefined][] = [
      [jobs.filter((j) => finishedCondition(j) === 'Complete'), cj.spec.successfulJobsHistoryLimit],
      [jobs.filter((j) => finishedCondition(j) === 'Failed'), cj.spec.failedJobsHistoryLimit],
    ];
    for (const [list, limit] of groups) {
      if (limit === undefined || limit === null || list.length <= limit) continue;
      const sorted = [...list].sort(byJobStartTime);
      for (const j of sorted.slice(0, list.length - limit)) await deleteJob(cj, j, status);
    }
  };

  return new Controller({
    name: 'cronjob-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    watches: [
      { kind: 'CronJob', toKeys: selfKey },
      { kind: 'Job', toKeys: ownerKeys('CronJob') },
    ],
  });
}

/** Oldest start first; Jobs that have not started count as newest; names break ties. */
function byJobStartTime(a: Job, b: Job): number {
  const as = a.status?.startTime;
  const bs = b.status?.startTime;
  if (!as || !bs) return as ? -1 : bs ? 1 : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  if (as === bs) return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  return Date.parse(as) - Date.parse(bs);
}

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
