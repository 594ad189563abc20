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
import { rfc3339 } from '../api/time.js';
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

/** What the owned Jobs say about status.active: finished ones leave it, unknown running ones are reported. */
export interface ActiveReview {
  active: ObjectReference[];
  lastSuccessfulTime?: string;
  /** In Job order: running Jobs missing from status.active (UnexpectedJob) and finished ones that were active (SawCompletedJob). */
  seen: ({ unexpected: Job } | { completed: Job; condition: 'Complete' | 'Failed' })[];
  /** Active references with no owned Job behind them: gone unless the store still has them. */
  orphaned: ObjectReference[];
}

export function reviewActiveJobs(status: CronJobStatus, jobs: Job[]): ActiveReview {
  let active = [...(status.active ?? [])];
  const out: ActiveReview = { active, lastSuccessfulTime: status.lastSuccessfulTime, seen: [], orphaned: [] };
  const inActive = (uid?: string) => active.some((r) => r.uid === uid);
  const children = new Set<string>();
  for (const j of jobs) {
    children.add(j.metadata.uid!);
    const fin = finishedCondition(j);
    if (!fin) {
      if (!inActive(j.metadata.uid)) out.seen.push({ unexpected: j });
      continue;
    }
    if (inActive(j.metadata.uid)) {
      active = active.filter((r) => r.uid !== j.metadata.uid);
      out.seen.push({ completed: j, condition: fin });
    }
    const done = j.status?.completionTime;
    if (fin === 'Complete' && done && (!out.lastSuccessfulTime || Date.parse(done) > Date.parse(out.lastSuccessfulTime))) out.lastSuccessfulTime = done;
  }
  out.active = active;
  out.orphaned = active.filter((r) => !children.has(r.uid ?? ''));
  return out;
}

export type ScheduleDecision = { tooManyMissed?: number } & (
  | { action: 'invalidSchedule'; error: string }
  | { action: 'wait' }
  /** The schedule time passed more than startingDeadlineSeconds ago. */
  | { action: 'missedDeadline'; scheduled: number }
  | { action: 'forbidden' }
  | { action: 'start'; scheduled: number; job: Job; replaceActive: boolean }
);

/** syncCronJob's decision for the most recent unmet schedule time: start its Job, or wait. */
export function decideSchedule(cj: CronJob, status: CronJobStatus, now: number, sched: CronSchedule): ScheduleDecision {
  const view = { ...cj, status } as CronJob;
  let recent: MostRecent;
  try {
    recent = mostRecentScheduleTime(view, now, sched, true);
  } catch (e) {
    return { action: 'invalidSchedule', error: (e as Error).message };
  }
  const tooMany = recent.missed > TOO_MANY_MISSED ? { tooManyMissed: recent.missed } : {};
  const scheduled = recent.mostRecent;
  if (scheduled === undefined) return { action: 'wait', ...tooMany };
  const deadline = cj.spec.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) return { action: 'missedDeadline', scheduled, ...tooMany };
  const job = jobFromCronJob(cj, scheduled);
  const lastSched = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
  const active = status.active ?? [];
  if (active.some((r) => r.name === job.metadata.name) || lastSched === scheduled) return { action: 'wait', ...tooMany };
  if (cj.spec.concurrencyPolicy === 'Forbid' && active.length > 0) return { action: 'forbidden', ...tooMany };
  return { action: 'start', scheduled, job, replaceActive: cj.spec.concurrencyPolicy === 'Replace', ...tooMany };
}

/** The finished Jobs past successfulJobsHistoryLimit / failedJobsHistoryLimit, oldest first. */
export function jobsPastHistoryLimits(cj: CronJob, jobs: Job[]): Job[] {
  const groups: [Job[], number | undefined][] = [
    [jobs.filter((j) => finishedCondition(j) === 'Complete'), cj.spec.successfulJobsHistoryLimit],
    [jobs.filter((j) => finishedCondition(j) === 'Failed'), cj.spec.failedJobsHistoryLimit],
  ];
  const out: Job[] = [];
  for (const [list, limit] of groups) {
    if (limit === undefined || limit === null || list.length <= limit) continue;
    out.push(...[...list].sort(byJobStartTime).slice(0, list.length - limit));
  }
  return out;
}

export function newCronJobController(opts: CronJobControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'cronjob-controller' });
  return new Controller({
    name: 'cronjob-controller',
    api,
    clock,
    reconcile: (key) => new CronJobSync(api, recorder, clock.now()).sync(key),
    workers: opts.workers,
    watches: [
      { kind: 'CronJob', toKeys: selfKey },
      { kind: 'Job', toKeys: ownerKeys('CronJob') },
    ],
  });
}

/** One sync of one CronJob (ControllerV2 sync): review active Jobs, maybe start one, trim history, write status. */
class CronJobSync {
  private cj!: CronJob;
  private status: CronJobStatus = {};

  constructor(
    private readonly api: Api,
    private readonly recorder: EventRecorder,
    private readonly now: number,
  ) {}

  private ownedJobs(): Job[] {
    return this.api.list('Job', { namespace: this.cj.metadata.namespace, filter: (j) => controllerRef(j)?.uid === this.cj.metadata.uid }).items;
  }

  async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitNsName(key);
    const stored = this.api.get('CronJob', namespace, name);
    if (!stored) return;
    this.cj = clone(stored);
    this.status = clone(stored.status ?? {});
    await this.reviewActive();
    const result = this.cj.metadata.deletionTimestamp ? undefined : await this.schedule();
    for (const j of jobsPastHistoryLimits(this.cj, this.ownedJobs())) await this.deleteJob(j);
    const status = this.status;
    if (status.active && !status.active.length) delete status.active;
    if (JSON.stringify(status) !== JSON.stringify(stored.status ?? {})) {
      await this.api.modify<CronJob>('CronJob', namespace, name, (o) => {
        o.status = status;
      }, { status: true });
    }
    return result;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    return this.recorder.event(this.cj, type, reason, message);
  }

  private async reviewActive(): Promise<void> {
    const r = reviewActiveJobs(this.status, this.ownedJobs());
    for (const s of r.seen) {
      if ('unexpected' in s) await this.event('Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${s.unexpected.metadata.name}`);
      else await this.event('Normal', 'SawCompletedJob', `Saw completed job: ${s.completed.metadata.name}, condition: ${s.condition}`);
    }
    let active = r.active;
    for (const ref of r.orphaned) {
      if (this.api.get('Job', ref.namespace ?? '', ref.name ?? '')) continue;
      await this.event('Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active = active.filter((x) => x.uid !== ref.uid);
    }
    // Only touch the fields Kubernetes touches: an absent lastSuccessfulTime stays absent.
    if (r.lastSuccessfulTime !== this.status.lastSuccessfulTime) this.status.lastSuccessfulTime = r.lastSuccessfulTime;
    if (this.status.active !== undefined || active.length) this.status.active = active;
  }

  private async schedule(): Promise<ReconcileResult | void> {
    const { cj, status, now } = this;
    let sched: CronSchedule;
    try {
      sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.startsWith('unknown time zone')) await this.event('Warning', 'UnknownTimeZone', `invalid timeZone: "${cj.spec.timeZone}": ${msg}`);
      else await this.event('Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${msg}`);
      return;
    }
    if (cj.spec.suspend) return;
    const wait = (): ReconcileResult | void => {
      const d = nextScheduleDelay({ ...cj, status } as CronJob, now, sched);
      return d === undefined ? undefined : { requeueAfterMs: d };
    };
    const d = decideSchedule(cj, status, now, sched);
    if (d.action === 'invalidSchedule') {
      await this.event('Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${d.error}`);
      return;
    }
    if (d.tooManyMissed !== undefined) {
      await this.event('Warning', 'TooManyMissedTimes', `too many missed start times: ${d.tooManyMissed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    switch (d.action) {
      case 'wait':
        return wait();
      case 'missedDeadline':
        await this.event('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(d.scheduled)}`);
        return wait();
      case 'forbidden':
        await this.event('Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
        return wait();
      case 'start':
        if (d.replaceActive) await this.replaceActive();
        if (!(await this.startJob(d.job))) return;
        status.lastScheduleTime = rfc3339(d.scheduled);
        return wait();
    }
  }

  /** concurrencyPolicy Replace: the running Jobs go before the new one starts. */
  private async replaceActive(): Promise<void> {
    for (const ref of [...(this.status.active ?? [])]) {
      const job = this.api.get('Job', ref.namespace ?? '', ref.name ?? '');
      if (!job) continue;
      if (!(await this.deleteJob(job))) throw new Error(`could not replace job ${ref.namespace}/${ref.name}`);
    }
  }

  /** Creates the Job (or adopts ours if a retry finds it exists) and lists it as active; false when it is not ours to track. */
  private async startJob(jobReq: Job): Promise<boolean> {
    let created: KubeObject;
    try {
      created = await this.api.create(jobReq);
      await this.event('Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) {
        await this.event('Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      const existing = this.api.get('Job', jobReq.metadata.namespace ?? '', jobReq.metadata.name ?? '');
      if (!existing || controllerRef(existing)?.uid !== this.cj.metadata.uid || (this.status.active ?? []).some((r) => r.uid === existing.metadata.uid)) return false;
      created = existing;
    }
    this.status.active = [...(this.status.active ?? []), jobRef(created)];
    return true;
  }

  private async deleteJob(job: KubeObject): Promise<boolean> {
    try {
      await this.api.delete('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) {
        await this.event('Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
        return false;
      }
    }
    this.status.active = (this.status.active ?? []).filter((r) => r.uid !== job.metadata.uid);
    await this.event('Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }
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
