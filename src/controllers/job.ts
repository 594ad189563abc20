// The Job controller (kubernetes pkg/controller/job, with the TTL-after-
// finished controller folded in): runs pods until `completions` succeed
// (`NonIndexed`) or every index 0..completions-1 has succeeded (`Indexed`),
// at most `parallelism` at a time; counts each finished pod exactly once
// through the batch.kubernetes.io/job-tracking finalizer and
// status.uncountedTerminatedPods; fails the Job past backoffLimit or
// activeDeadlineSeconds; waits 10 s, 20 s, 40 s … (capped at 6 min) after
// consecutive failures before the next pod; suspends and resumes; deletes the
// finished Job after ttlSecondsAfterFinished.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, controllerRef, splitNsName, type Condition, type KubeObject } from '../api/meta.js';
import type { Job, JobStatus } from '../api/types/batch.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { controllerOwnerKey, selfKey } from './informer.js';
import {
  COMPLETION_INDEX,
  JOB_CONTROLLER_UID,
  JOB_TRACKING_FINALIZER,
  finishedCondition,
  formatIndexes,
  hasCondition,
  jobBackoffMs,
  jobPod,
  matchPodFailurePolicy,
  parseIndexes,
  podFinishTime,
  podIndex,
  setJobCondition,
} from './job-util.js';
import { compareForDeletion, isPodReady } from './pod-util.js';
import { slowStartBatch } from './replicaset.js';

export interface JobControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** Keys of the form `pod:<ns>/<name>`: a pod carrying our finalizer whose Job is gone. */
const ORPHAN_POD = 'pod:';

interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime: number;
}

export function newJobController(opts: JobControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'job-controller' });
  const ownedPods = sharedOwnerIndex(api, 'Pod');
  /** Per Job uid, as Kubernetes' in-memory backoffRecordStore. */
  const backoff = new Map<string, BackoffRecord>();
  /** Pods this controller deleted on purpose: not counted as failures. */
  const deletedByUs = new Set<string>();
  /** uid → completion index of pods counted as succeeded, for folding after the pod is gone. */
  const indexOf = new Map<string, number>();

  const podKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>();
    for (const pod of [ev.object, ev.oldObject]) {
      if (!pod) continue;
      const k = controllerOwnerKey(pod, 'Job');
      if (!k) continue;
      const ref = controllerRef(pod)!;
      const job = api.get('Job', pod.metadata.namespace ?? '', ref.name);
      if (job && job.metadata.uid === ref.uid) keys.add(k);
      else if (ev.type !== 'DELETED' && pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) keys.add(`${ORPHAN_POD}${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    return [...keys];
  };

  const removeFinalizer = async (pod: KubeObject): Promise<void> => {
    try {
      await api.modify('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '', (p) => {
        if (!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return undefined;
        p.metadata.finalizers = p.metadata.finalizers.filter((f) => f !== JOB_TRACKING_FINALIZER);
        if (!p.metadata.finalizers.length) delete p.metadata.finalizers;
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  };

  const deletePod = async (job: Job, pod: KubeObject): Promise<void> => {
    deletedByUs.add(pod.metadata.uid!);
    try {
      await api.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      await recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      await recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    if (key.startsWith(ORPHAN_POD)) {
      const { namespace, name } = splitNsName(key.slice(ORPHAN_POD.length));
      const pod = api.get('Pod', namespace, name);
      if (pod) await removeFinalizer(pod);
      return;
    }
    const { namespace, name } = splitNsName(key);
    const stored = api.get<Job>('Job', namespace, name);
    if (!stored) return;
    const now = clock.now();
    const uid = stored.metadata.uid!;
    const owned = () => ownedPods.owned(uid, namespace);

    if (stored.metadata.deletionTimestamp) {
      for (const p of owned()) await removeFinalizer(p);
      return;
    }
    // The API server gives every Job a selector on its controller uid (generateSelector).
    if (!stored.spec.selector && !stored.spec.manualSelector) {
      await api.modify<Job>('Job', namespace, name, (j) => {
        j.spec.selector = { matchLabels: { [JOB_CONTROLLER_UID]: uid } };
        const t = (j.spec.template.metadata ??= {});
        t.labels = { ...(t.labels ?? {}), [JOB_CONTROLLER_UID]: uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
      });
      return; // the update event brings us back
    }

    if (finishedCondition(stored)) {
      for (const p of owned()) if (p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) await removeFinalizer(p);
      backoff.delete(uid);
      return ttlAfterFinished(stored, now);
    }

    // 1. Count newly terminated pods exactly once: note their uids, drop the finalizer, then fold into the counts.
    const status: JobStatus = clone(stored.status ?? {});
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const seen = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const fresh: KubeObject[] = [];
    let policyFailure: { reason: string; message: string } | undefined;
    const rec = backoff.get(uid) ?? { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
    for (const p of owned()) {
      if (!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) || seen.has(p.metadata.uid!)) continue;
      const phase = p.status?.phase;
      const terminal = phase === 'Succeeded' || phase === 'Failed';
      if (!terminal && !p.metadata.deletionTimestamp) continue;
      fresh.push(p);
      if (phase === 'Succeeded') {
        uncounted.succeeded.push(p.metadata.uid!);
        const idx = podIndex(p);
        if (idx !== undefined) indexOf.set(p.metadata.uid!, idx);
        rec.failuresAfterLastSuccess = 0;
      } else if (phase === 'Failed' || !deletedByUs.has(p.metadata.uid!)) {
        const rule = phase === 'Failed' ? matchPodFailurePolicy(stored, p) : undefined;
        if (rule?.action === 'Ignore') continue; // not a failure: its finalizer goes, nothing is counted
        uncounted.failed.push(p.metadata.uid!);
        rec.failuresAfterLastSuccess++;
        rec.lastFailureTime = Math.max(rec.lastFailureTime, podFinishTime(p, now));
        if (rule?.action === 'FailJob') policyFailure ??= { reason: 'PodFailurePolicy', message: rule.message };
      }
    }
    backoff.set(uid, rec);
    if (policyFailure && !hasCondition(stored, 'FailureTarget')) {
      // Persisted with the counts: once the pod's finalizer is gone nothing else remembers the match.
      status.conditions = setJobCondition(status.conditions ?? [], 'FailureTarget', 'True', policyFailure.reason, policyFailure.message, now);
      await recorder.event(stored, 'Warning', policyFailure.reason, policyFailure.message);
    }
    if (fresh.length) {
      await writeStatus(api, stored, { ...status, uncountedTerminatedPods: uncounted });
      for (const p of fresh) await removeFinalizer(p);
    }
    if (uncounted.succeeded.length || uncounted.failed.length) {
      const stillTracked = (u: string) => owned().some((p) => p.metadata.uid === u && p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER));
      const done = new Set<number>(parseIndexes(status.completedIndexes));
      const keepS: string[] = [];
      const keepF: string[] = [];
      for (const u of uncounted.succeeded) {
        if (stillTracked(u)) keepS.push(u);
        else {
          const idx = indexOf.get(u);
          if (stored.spec.completionMode === 'Indexed') {
            if (idx !== undefined && idx < (stored.spec.completions ?? 0)) done.add(idx);
          }
          status.succeeded = (status.succeeded ?? 0) + 1;
          indexOf.delete(u);
        }
      }
      for (const u of uncounted.failed) {
        if (stillTracked(u)) keepF.push(u);
        else status.failed = (status.failed ?? 0) + 1;
        deletedByUs.delete(u);
      }
      if (stored.spec.completionMode === 'Indexed') status.completedIndexes = formatIndexes(done);
      uncounted.succeeded = keepS;
      uncounted.failed = keepF;
    }
    status.uncountedTerminatedPods = uncounted.succeeded.length || uncounted.failed.length ? uncounted : {};

    // 2. Decide: failed, complete, suspended, or manage pods.
    const job = stored;
    const spec = job.spec;
    const pods = owned();
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    let conds: Condition[] = clone(status.conditions ?? []);
    const suspended = spec.suspend === true;
    let requeue: number | undefined;
    const wake = (ms: number) => (requeue = requeue === undefined ? ms : Math.min(requeue, ms));

    if (!suspended && !status.startTime) status.startTime = iso(now);
    // Pods that finished since phase 1 (or are not folded yet) count already: never replace a pod that succeeded.
    const counted = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const pendingS = pods.filter((p) => p.status?.phase === 'Succeeded' && p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && !counted.has(p.metadata.uid!));
    const pendingF = pods.filter((p) => p.status?.phase === 'Failed' && p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && !counted.has(p.metadata.uid!));
    const succeeded = (status.succeeded ?? 0) + uncounted.succeeded.length + pendingS.length;
    const failed = (status.failed ?? 0) + uncounted.failed.length + pendingF.length;
    const completions = spec.completions;
    const indexed = spec.completionMode === 'Indexed';
    const completedIdx = [
      ...new Set([
        ...parseIndexes(status.completedIndexes),
        ...[...uncounted.succeeded.map((u) => indexOf.get(u)), ...pendingS.map(podIndex)].filter((i): i is number => i !== undefined && i < (completions ?? 0)),
      ]),
    ];

    let failure: { reason: string; message: string } | undefined;
    const failureTarget = conds.find((c) => c.type === 'FailureTarget' && c.status === 'True');
    if (failureTarget) failure = { reason: failureTarget.reason ?? '', message: failureTarget.message ?? '' };
    else if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, active)) {
      failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    } else if (!suspended && spec.activeDeadlineSeconds !== undefined && status.startTime) {
      const deadline = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000;
      if (deadline <= now) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else wake(deadline - now);
    }

    const successReached = indexed
      ? completedIdx.length >= (completions ?? 0)
      : completions === undefined || completions === null
        ? succeeded > 0 && active.length === 0
        : succeeded >= completions;
    const successCriteria = conds.some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');

    if (pendingS.length || pendingF.length) {
      wake(1); // pods finished while we counted: decide once they are counted
    } else if (failure) {
      if (!failureTarget) {
        conds = setJobCondition(conds, 'FailureTarget', 'True', failure.reason, failure.message, now);
        await recorder.event(job, 'Warning', failure.reason, failure.message);
      }
      for (const p of active) await deletePod(job, p);
      if (active.length === 0 && terminating.length === 0) {
        conds = setJobCondition(conds, 'Failed', 'True', failure.reason, failure.message, now);
      }
    } else if (successReached || successCriteria) {
      if (!successCriteria) {
        conds = setJobCondition(conds, 'SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      }
      for (const p of active) await deletePod(job, p);
      if (active.length === 0 && terminating.length === 0) {
        conds = setJobCondition(conds, 'Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
        status.completionTime = iso(now);
        await recorder.event(job, 'Normal', 'Completed', 'Job completed');
      }
    } else if (suspended) {
      for (const p of active) await deletePod(job, p);
      if (!hasCondition(job, 'Suspended')) {
        conds = setJobCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        await recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
    } else {
      if (hasCondition(job, 'Suspended')) {
        conds = setJobCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        status.startTime = iso(now); // the activeDeadlineSeconds timer starts anew
        await recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        if (spec.activeDeadlineSeconds !== undefined) wake(spec.activeDeadlineSeconds * 1000);
      }
      const wait = rec.failuresAfterLastSuccess ? rec.lastFailureTime + jobBackoffMs(rec.failuresAfterLastSuccess) - now : 0;
      const toCreate: (number | undefined)[] = [];
      const toDelete: KubeObject[] = [];
      const parallelism = spec.parallelism ?? 1;
      if (indexed) {
        const done = new Set(completedIdx);
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
      } else {
        // Without completions, the first success stops new pods but lets running ones finish.
        const want = completions === undefined || completions === null ? (succeeded > 0 ? active.length : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
        const diff = want - active.length;
        for (let i = 0; i < diff; i++) toCreate.push(undefined);
        if (diff < 0) toDelete.push(...[...active].sort(compareForDeletion).slice(0, -diff));
      }
      for (const p of toDelete) await deletePod(job, p);
      if (toCreate.length && wait > 0) wake(wait);
      else if (toCreate.length) {
        let n = 0;
        await slowStartBatch(toCreate.length, async () => {
          const idx = toCreate[n++];
          try {
            const pod = await api.create(jobPod(job, idx));
            await recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            await recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        });
      }
    }

    const after = owned();
    const nowActive = after.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    status.active = nowActive.length;
    status.ready = nowActive.filter(isPodReady).length;
    status.terminating = after.filter((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    status.conditions = conds;
    if (!status.conditions.length) delete status.conditions;
    for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
    if (indexed && status.completedIndexes === undefined) status.completedIndexes = '';
    await writeStatus(api, job, status);
    const fin = api.get<Job>('Job', namespace, name);
    if (fin && finishedCondition(fin)) {
      backoff.delete(uid);
      const t = await ttlAfterFinished(fin, now);
      if (t?.requeueAfterMs !== undefined) wake(t.requeueAfterMs);
    }
    return requeue !== undefined ? { requeueAfterMs: Math.max(1, requeue) } : undefined;
  };

  /** The TTL-after-finished controller: delete the Job (and, in the foreground, its pods) once its TTL passed. */
  const ttlAfterFinished = async (job: Job, now: number): Promise<ReconcileResult | void> => {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const c = ((job.status?.conditions ?? []) as Condition[]).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
    const finishedAt = Date.parse(job.status?.completionTime ?? c?.lastTransitionTime ?? '') || now;
    const due = finishedAt + ttl * 1000;
    if (due > now) return { requeueAfterMs: due - now };
    try {
      await api.delete('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  };

  return new Controller({
    name: 'job-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    caches: [ownedPods],
    watches: [
      { kind: 'Job', toKeys: selfKey },
      { kind: 'Pod', toKeys: podKeys },
    ],
  });
}

/** restartPolicy OnFailure: container restarts count towards backoffLimit (pastBackoffLimitOnFailure). */
function pastBackoffLimitOnFailure(job: Job, active: KubeObject[]): boolean {
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

async function writeStatus(api: Api, job: Job, status: JobStatus): Promise<void> {
  await api.modify<Job>('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', (o) => {
    o.status = clone(status);
  }, { status: true });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { COMPLETION_INDEX };
