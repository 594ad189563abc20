// The Job controller's decisions as pure functions (kubernetes
// pkg/controller/job syncJob): which terminated pods are new and how they move
// the failure back-off, how counted pods fold into status, whether the Job has
// failed, succeeded, is suspended or runs, and which pods to create or delete.
// job.ts reads state, calls these, and writes what they return.
import type { Condition, KubeObject } from '../api/meta.js';
import type { Job, JobStatus } from '../api/types/batch.js';
import { JOB_TRACKING_FINALIZER, formatIndexes, jobBackoffMs, matchPodFailurePolicy, parseIndexes, podFinishTime, podIndex } from './job-util.js';
import { compareForDeletion } from './pod-util.js';

/** Kubernetes' backoffRecord: consecutive failures since the last success and when the last one ended. */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime: number;
}

export interface JobFailure {
  reason: string;
  message: string;
}

export interface Uncounted {
  succeeded: string[];
  failed: string[];
}

const isTerminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const tracked = (p: KubeObject) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;

/** Not finished and not being deleted. */
export function activePods(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => !p.metadata.deletionTimestamp && !isTerminal(p));
}

/** Being deleted before they finished. */
export function terminatingPods(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p));
}

export interface NewlyTerminated {
  /** Pods whose finalizer is to go once their uids are recorded. */
  fresh: KubeObject[];
  succeeded: { uid: string; index?: number }[];
  failed: string[];
  backoff: BackoffRecord;
  /** The first podFailurePolicy FailJob match. */
  policyFailure?: JobFailure;
}

/**
 * Tracked pods that finished (or are being deleted) and are not yet in
 * uncountedTerminatedPods, in pod order: a success resets the back-off, a
 * failure — a Failed pod, or one deleted by someone other than us — adds to
 * it unless podFailurePolicy says Ignore.
 */
export function newlyTerminated(job: Job, pods: KubeObject[], seen: ReadonlySet<string>, deletedByUs: ReadonlySet<string>, rec: BackoffRecord, now: number): NewlyTerminated {
  const out: NewlyTerminated = { fresh: [], succeeded: [], failed: [], backoff: { ...rec } };
  for (const p of pods) {
    const uid = p.metadata.uid!;
    if (!tracked(p) || seen.has(uid)) continue;
    const phase = p.status?.phase;
    if (!isTerminal(p) && !p.metadata.deletionTimestamp) continue;
    out.fresh.push(p);
    if (phase === 'Succeeded') {
      out.succeeded.push({ uid, index: podIndex(p) });
      out.backoff.failuresAfterLastSuccess = 0;
    } else if (phase === 'Failed' || !deletedByUs.has(uid)) {
      const rule = phase === 'Failed' ? matchPodFailurePolicy(job, p) : undefined;
      if (rule?.action === 'Ignore') continue; // not a failure: its finalizer goes, nothing is counted
      out.failed.push(uid);
      out.backoff.failuresAfterLastSuccess++;
      out.backoff.lastFailureTime = Math.max(out.backoff.lastFailureTime, podFinishTime(p, now));
      if (rule?.action === 'FailJob') out.policyFailure ??= { reason: 'PodFailurePolicy', message: rule.message };
    }
  }
  return out;
}

export interface Folded {
  status: Pick<JobStatus, 'succeeded' | 'failed' | 'completedIndexes'>;
  uncounted: Uncounted;
  /** Succeeded uids now counted: their remembered index can go. */
  countedSucceeded: string[];
}

/**
 * Moves uncounted pods whose finalizer is gone (`stillTracked` false) into
 * status.succeeded / failed and, for Indexed Jobs, completedIndexes.
 */
export function foldUncounted(job: Job, status: JobStatus, uncounted: Uncounted, stillTracked: (uid: string) => boolean, indexOf: (uid: string) => number | undefined): Folded {
  const done = new Set<number>(parseIndexes(status.completedIndexes));
  const indexed = job.spec.completionMode === 'Indexed';
  let succeeded = status.succeeded;
  let failed = status.failed;
  const keep: Uncounted = { succeeded: [], failed: [] };
  const countedSucceeded: string[] = [];
  for (const u of uncounted.succeeded) {
    if (stillTracked(u)) {
      keep.succeeded.push(u);
      continue;
    }
    const idx = indexOf(u);
    if (indexed && idx !== undefined && idx < (job.spec.completions ?? 0)) done.add(idx);
    succeeded = (succeeded ?? 0) + 1;
    countedSucceeded.push(u);
  }
  for (const u of uncounted.failed) {
    if (stillTracked(u)) keep.failed.push(u);
    else failed = (failed ?? 0) + 1;
  }
  const next: Folded['status'] = { succeeded, failed, completedIndexes: indexed ? formatIndexes(done) : status.completedIndexes };
  return { status: next, uncounted: keep, countedSucceeded };
}

/** restartPolicy OnFailure: container restarts count towards backoffLimit (pastBackoffLimitOnFailure). */
export function pastBackoffLimitOnFailure(job: Job, active: KubeObject[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) {
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])] as { restartCount?: number }[]) {
      restarts += cs.restartCount ?? 0;
    }
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export interface JobView {
  job: Job;
  /** The status conditions as this sync has them so far. */
  conditions: Condition[];
  startTime?: string;
  succeeded: number;
  failed: number;
  completedIndexes: number[];
  active: KubeObject[];
  terminating: number;
  /** Pods finished but not yet recorded as uncounted: decide once they are. */
  pendingFinished: boolean;
  now: number;
}

export type JobDecision = (
  | { action: 'waitForCounts' }
  | { action: 'fail'; failure: JobFailure; newFailureTarget: boolean; finished: boolean }
  | { action: 'succeed'; newSuccessCriteria: boolean; finished: boolean }
  | { action: 'suspend' }
  | { action: 'run' }
) & {
  /** activeDeadlineSeconds not yet passed: sync again then. */
  deadlineInMs?: number;
};

/** syncJob's decision: failed, complete, suspended, or manage pods. */
export function decideJob(v: JobView): JobDecision {
  const spec = v.job.spec;
  const suspended = spec.suspend === true;
  let failure: JobFailure | undefined;
  let deadlineInMs: number | undefined;
  const failureTarget = v.conditions.find((c) => c.type === 'FailureTarget' && c.status === 'True');
  if (failureTarget) failure = { reason: failureTarget.reason ?? '', message: failureTarget.message ?? '' };
  else if (v.failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(v.job, v.active)) {
    failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  } else if (!suspended && spec.activeDeadlineSeconds !== undefined && v.startTime) {
    const deadline = Date.parse(v.startTime) + spec.activeDeadlineSeconds * 1000;
    if (deadline <= v.now) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    else deadlineInMs = deadline - v.now;
  }
  const extra = deadlineInMs !== undefined ? { deadlineInMs } : {};
  const finished = v.active.length === 0 && v.terminating === 0;
  const completions = spec.completions;
  const successReached =
    spec.completionMode === 'Indexed'
      ? v.completedIndexes.length >= (completions ?? 0)
      : completions === undefined || completions === null
        ? v.succeeded > 0 && v.active.length === 0
        : v.succeeded >= completions;
  const successCriteria = v.conditions.some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
  if (v.pendingFinished) return { action: 'waitForCounts', ...extra };
  if (failure) return { action: 'fail', failure, newFailureTarget: !failureTarget, finished, ...extra };
  if (successReached || successCriteria) return { action: 'succeed', newSuccessCriteria: !successCriteria, finished, ...extra };
  if (suspended) return { action: 'suspend', ...extra };
  return { action: 'run', ...extra };
}

/**
 * manageJob: pods to create (their completion index, or undefined for
 * NonIndexed) and to delete so that at most `parallelism` run and no more
 * than the completions still needed.
 */
export function podsToManage(job: Job, active: KubeObject[], completedIndexes: number[], succeeded: number): { toCreate: (number | undefined)[]; toDelete: KubeObject[] } {
  const spec = job.spec;
  const completions = spec.completions;
  const parallelism = spec.parallelism ?? 1;
  const toCreate: (number | undefined)[] = [];
  const toDelete: KubeObject[] = [];
  if (spec.completionMode === 'Indexed') {
    const done = new Set(completedIndexes);
    const byIndex = new Map<number, KubeObject[]>();
    for (const p of active) {
      const i = podIndex(p);
      if (i === undefined || i >= (completions ?? 0) || done.has(i)) toDelete.push(p);
      else byIndex.set(i, [...(byIndex.get(i) ?? []), p]);
    }
    for (const list of byIndex.values()) toDelete.push(...list.sort(compareForDeletion).slice(0, list.length - 1));
    let slots = parallelism - byIndex.size;
    for (let i = 0; i < (completions ?? 0) && slots > 0; i++) {
      if (done.has(i) || byIndex.has(i)) continue;
      toCreate.push(i);
      slots--;
    }
    if (slots < 0) toDelete.push(...[...byIndex.values()].map((l) => l[0]).sort(compareForDeletion).slice(0, -slots));
    return { toCreate, toDelete };
  }
  // Without completions, the first success stops new pods but lets running ones finish.
  const want = completions === undefined || completions === null ? (succeeded > 0 ? active.length : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
  const diff = want - active.length;
  for (let i = 0; i < diff; i++) toCreate.push(undefined);
  if (diff < 0) toDelete.push(...[...active].sort(compareForDeletion).slice(0, -diff));
  return { toCreate, toDelete };
}

/** Milliseconds before the next pod may start after consecutive failures (≤ 0: now). */
export function backoffRemainingMs(rec: BackoffRecord, now: number): number {
  return rec.failuresAfterLastSuccess ? rec.lastFailureTime + jobBackoffMs(rec.failuresAfterLastSuccess) - now : 0;
}

/** TTL-after-finished: milliseconds until the finished Job is due for deletion (≤ 0: now), or undefined without a TTL. */
export function ttlRemainingMs(job: Job, now: number): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const c = ((job.status?.conditions ?? []) as Condition[]).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  const finishedAt = Date.parse(job.status?.completionTime ?? c?.lastTransitionTime ?? '') || now;
  return finishedAt + ttl * 1000 - now;
}
