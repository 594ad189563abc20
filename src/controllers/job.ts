// The Job controller (kubernetes pkg/controller/job, with the TTL-after-
// finished controller folded in): runs pods until `completions` succeed
// (`NonIndexed`) or every index 0..completions-1 has succeeded (`Indexed`),
// at most `parallelism` at a time; counts each finished pod exactly once
// through the batch.kubernetes.io/job-tracking finalizer and
// status.uncountedTerminatedPods; fails the Job past backoffLimit or
// activeDeadlineSeconds; waits 10 s, 20 s, 40 s … (capped at 6 min) after
// consecutive failures before the next pod; suspends and resumes; deletes the
// finished Job after ttlSecondsAfterFinished.
//
// Shape (as every controller here): watch handlers only map events to keys;
// reconcile(key) reads the Job and its pods, asks the pure functions of
// job-decisions.ts what should be, and writes the difference, one named step
// at a time.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, controllerRef, splitNsName, type Condition, type KubeObject } from '../api/meta.js';
import type { Job, JobStatus } from '../api/types/batch.js';
import type { WatchEvent } from '../api/store-types.js';
import { rfc3339 } from '../api/time.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex, type OwnerIndexHandle } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { controllerOwnerKey, selfKey } from './informer.js';
import { COMPLETION_INDEX, JOB_CONTROLLER_UID, JOB_TRACKING_FINALIZER, finishedCondition, hasCondition, jobPod, parseIndexes, podIndex, setJobCondition } from './job-util.js';
import {
  activePods,
  backoffRemainingMs,
  decideJob,
  foldUncounted,
  newlyTerminated,
  podsToManage,
  terminatingPods,
  ttlRemainingMs,
  type BackoffRecord,
  type JobDecision,
  type JobView,
  type Uncounted,
} from './job-decisions.js';
import { PodControl } from './pod-control.js';
import { isPodReady } from './pod-util.js';
import { slowStartBatch } from './replicaset.js';

export interface JobControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** Keys of the form `pod:<ns>/<name>`: a pod carrying our finalizer whose Job is gone. */
const ORPHAN_POD = 'pod:';

export function newJobController(opts: JobControllerOptions): Controller {
  const { api, clock } = opts;
  const jobs = new JobReconciler(api, clock);
  return new Controller({
    name: 'job-controller',
    api,
    clock,
    reconcile: (key) => jobs.reconcile(key),
    workers: opts.workers,
    caches: [jobs.ownedPods],
    watches: [
      { kind: 'Job', toKeys: selfKey },
      { kind: 'Pod', toKeys: (ev) => podKeys(api, ev) },
    ],
  });
}

/** A pod event wakes its Job; a tracked pod whose Job is gone gets an orphan key so its finalizer is released. */
function podKeys(api: Api, ev: WatchEvent): string[] {
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
}

/** What the controller remembers between syncs, as Kubernetes keeps it in memory. */
interface JobMemory {
  /** Per Job uid, as Kubernetes' backoffRecordStore. */
  backoff: Map<string, BackoffRecord>;
  /** Pods this controller deleted on purpose: not counted as failures. */
  deletedByUs: Set<string>;
  /** uid → completion index of pods counted as succeeded, for folding after the pod is gone. */
  indexOf: Map<string, number>;
}

class JobReconciler {
  readonly ownedPods: OwnerIndexHandle;
  readonly recorder: EventRecorder;
  readonly podControl: PodControl;
  readonly memory: JobMemory = { backoff: new Map(), deletedByUs: new Set(), indexOf: new Map() };

  constructor(
    readonly api: Api,
    readonly clock: Clock,
  ) {
    this.recorder = new EventRecorder({ api, component: 'job-controller' });
    this.podControl = new PodControl(api, this.recorder);
    this.ownedPods = sharedOwnerIndex(api, 'Pod');
  }

  owned(job: Job): KubeObject[] {
    return this.ownedPods.owned(job.metadata.uid!, job.metadata.namespace ?? '');
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.startsWith(ORPHAN_POD)) return this.releaseOrphanPod(key.slice(ORPHAN_POD.length));
    const { namespace, name } = splitNsName(key);
    const stored = this.api.get('Job', namespace, name);
    if (!stored) return;
    const now = this.clock.now();
    if (stored.metadata.deletionTimestamp) {
      for (const p of this.owned(stored)) await this.removeFinalizer(p);
      return;
    }
    if (!stored.spec.selector && !stored.spec.manualSelector) return this.generateSelector(stored); // the update event brings us back
    if (finishedCondition(stored)) return this.cleanupFinished(stored, now);
    return new JobSync(this, stored, now).run();
  }

  async releaseOrphanPod(nsName: string): Promise<void> {
    const { namespace, name } = splitNsName(nsName);
    const pod = this.api.get('Pod', namespace, name);
    if (pod) await this.removeFinalizer(pod);
  }

  /** The API server gives every Job a selector on its controller uid (generateSelector). */
  async generateSelector(job: Job): Promise<void> {
    const uid = job.metadata.uid!;
    const name = job.metadata.name!;
    await this.api.modify<Job>('Job', job.metadata.namespace ?? '', name, (j) => {
      j.spec.selector = { matchLabels: { [JOB_CONTROLLER_UID]: uid } };
      const t = (j.spec.template.metadata ??= {});
      t.labels = { ...(t.labels ?? {}), [JOB_CONTROLLER_UID]: uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    });
  }

  /** A finished Job lets go of its pods' finalizers, forgets its back-off, and waits for its TTL. */
  async cleanupFinished(job: Job, now: number): Promise<ReconcileResult | void> {
    for (const p of this.owned(job)) if (p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) await this.removeFinalizer(p);
    this.memory.backoff.delete(job.metadata.uid!);
    return this.ttlAfterFinished(job, now);
  }

  async removeFinalizer(pod: KubeObject): Promise<void> {
    try {
      await this.api.modify('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '', (p) => {
        if (!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return undefined;
        p.metadata.finalizers = p.metadata.finalizers.filter((f) => f !== JOB_TRACKING_FINALIZER);
        if (!p.metadata.finalizers.length) delete p.metadata.finalizers;
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  /** Deleted on purpose: its termination is not a failure. */
  async deletePod(job: Job, pod: KubeObject): Promise<void> {
    this.memory.deletedByUs.add(pod.metadata.uid!);
    await this.podControl.deletePod(job, pod);
  }

  async writeStatus(job: Job, status: JobStatus): Promise<void> {
    await this.api.modify<Job>('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', (o) => {
      o.status = clone(status);
    }, { status: true });
  }

  /** The TTL-after-finished controller: delete the Job (and, in the foreground, its pods) once its TTL passed. */
  async ttlAfterFinished(job: Job, now: number): Promise<ReconcileResult | void> {
    const remaining = ttlRemainingMs(job, now);
    if (remaining === undefined) return;
    if (remaining > 0) return { requeueAfterMs: remaining };
    try {
      await this.api.delete('Job', job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
}

/** One sync of one unfinished Job: count terminated pods, decide, act, write status. */
class JobSync {
  private readonly status: JobStatus;
  private uncounted: Uncounted;
  private conds: Condition[] = [];
  private rec: BackoffRecord;
  private requeue?: number;
  /** What decide() saw: the pods and counts the chosen action works from. */
  private view!: JobView;

  constructor(
    private readonly c: JobReconciler,
    private readonly job: Job,
    private readonly now: number,
  ) {
    this.status = clone(job.status ?? {});
    const u = this.status.uncountedTerminatedPods;
    this.uncounted = { succeeded: [...(u?.succeeded ?? [])], failed: [...(u?.failed ?? [])] };
    this.rec = c.memory.backoff.get(job.metadata.uid!) ?? { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
  }

  private wake(ms: number): void {
    this.requeue = this.requeue === undefined ? ms : Math.min(this.requeue, ms);
  }

  async run(): Promise<ReconcileResult | void> {
    await this.trackTerminatedPods();
    this.foldCounted();
    const decision = this.decide();
    if (decision.deadlineInMs !== undefined) this.wake(decision.deadlineInMs);
    await this.act(decision);
    await this.writeFinalStatus();
    return this.requeue !== undefined ? { requeueAfterMs: Math.max(1, this.requeue) } : undefined;
  }

  /** Count newly terminated pods exactly once: note their uids, drop the finalizer, then fold into the counts. */
  private async trackTerminatedPods(): Promise<void> {
    const { job, now, status } = this;
    const seen = new Set([...this.uncounted.succeeded, ...this.uncounted.failed]);
    const t = newlyTerminated(job, this.c.owned(job), seen, this.c.memory.deletedByUs, this.rec, now);
    for (const s of t.succeeded) {
      this.uncounted.succeeded.push(s.uid);
      if (s.index !== undefined) this.c.memory.indexOf.set(s.uid, s.index);
    }
    this.uncounted.failed.push(...t.failed);
    this.rec = t.backoff;
    this.c.memory.backoff.set(job.metadata.uid!, this.rec);
    if (t.policyFailure && !hasCondition(job, 'FailureTarget')) {
      // Persisted with the counts: once the pod's finalizer is gone nothing else remembers the match.
      status.conditions = setJobCondition(status.conditions ?? [], 'FailureTarget', 'True', t.policyFailure.reason, t.policyFailure.message, now);
      await this.c.recorder.event(job, 'Warning', t.policyFailure.reason, t.policyFailure.message);
    }
    if (t.fresh.length) {
      await this.c.writeStatus(job, { ...status, uncountedTerminatedPods: this.uncounted });
      for (const p of t.fresh) await this.c.removeFinalizer(p);
    }
  }

  /** Uncounted pods whose finalizer is gone move into succeeded/failed (and completedIndexes). */
  private foldCounted(): void {
    const { job, status } = this;
    const mem = this.c.memory;
    if (this.uncounted.succeeded.length || this.uncounted.failed.length) {
      const stillTracked = (u: string) => this.c.owned(job).some((p) => p.metadata.uid === u && p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER));
      const f = foldUncounted(job, status, this.uncounted, stillTracked, (u) => mem.indexOf.get(u));
      for (const u of f.countedSucceeded) mem.indexOf.delete(u);
      for (const u of this.uncounted.failed) mem.deletedByUs.delete(u);
      status.succeeded = f.status.succeeded;
      status.failed = f.status.failed;
      if (job.spec.completionMode === 'Indexed') status.completedIndexes = f.status.completedIndexes;
      this.uncounted = f.uncounted;
    }
    status.uncountedTerminatedPods = this.uncounted.succeeded.length || this.uncounted.failed.length ? this.uncounted : {};
  }

  private decide(): JobDecision {
    const { job, status, now, uncounted } = this;
    const pods = this.c.owned(job);
    this.conds = clone(status.conditions ?? []);
    if (job.spec.suspend !== true && !status.startTime) status.startTime = rfc3339(now);
    // Pods that finished since the count (or are not folded yet) count already: never replace a pod that succeeded.
    const counted = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const pending = (phase: string) => pods.filter((p) => p.status?.phase === phase && p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && !counted.has(p.metadata.uid!));
    const pendingS = pending('Succeeded');
    const pendingF = pending('Failed');
    const completions = job.spec.completions;
    const completedIndexes = [
      ...new Set([
        ...parseIndexes(status.completedIndexes),
        ...[...uncounted.succeeded.map((u) => this.c.memory.indexOf.get(u)), ...pendingS.map(podIndex)].filter((i): i is number => i !== undefined && i < (completions ?? 0)),
      ]),
    ];
    this.view = {
      job,
      conditions: this.conds,
      startTime: status.startTime,
      succeeded: (status.succeeded ?? 0) + uncounted.succeeded.length + pendingS.length,
      failed: (status.failed ?? 0) + uncounted.failed.length + pendingF.length,
      completedIndexes,
      active: activePods(pods),
      terminating: terminatingPods(pods).length,
      pendingFinished: pendingS.length > 0 || pendingF.length > 0,
      now,
    };
    return decideJob(this.view);
  }

  private async act(d: JobDecision): Promise<void> {
    switch (d.action) {
      case 'waitForCounts':
        return this.wake(1); // pods finished while we counted: decide once they are counted
      case 'fail':
        return this.failJob(d.failure, d.newFailureTarget, d.finished);
      case 'succeed':
        return this.completeJob(d.newSuccessCriteria, d.finished);
      case 'suspend':
        return this.suspendJob();
      case 'run':
        await this.resumeIfSuspended();
        return this.managePods();
    }
  }

  private setCondition(type: string, status: 'True' | 'False', reason: string, message: string): void {
    this.conds = setJobCondition(this.conds, type, status, reason, message, this.now);
  }

  private async deleteActive(): Promise<void> {
    for (const p of this.view.active) await this.c.deletePod(this.job, p);
  }

  /** FailureTarget first, then Failed once no pod is left running. */
  private async failJob(failure: { reason: string; message: string }, newFailureTarget: boolean, finished: boolean): Promise<void> {
    if (newFailureTarget) {
      this.setCondition('FailureTarget', 'True', failure.reason, failure.message);
      await this.c.recorder.event(this.job, 'Warning', failure.reason, failure.message);
    }
    await this.deleteActive();
    if (finished) this.setCondition('Failed', 'True', failure.reason, failure.message);
  }

  /** SuccessCriteriaMet first, then Complete once no pod is left running. */
  private async completeJob(newSuccessCriteria: boolean, finished: boolean): Promise<void> {
    if (newSuccessCriteria) this.setCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods');
    await this.deleteActive();
    if (finished) {
      this.setCondition('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods');
      this.status.completionTime = rfc3339(this.now);
      await this.c.recorder.event(this.job, 'Normal', 'Completed', 'Job completed');
    }
  }

  private async suspendJob(): Promise<void> {
    await this.deleteActive();
    if (!hasCondition(this.job, 'Suspended')) {
      this.setCondition('Suspended', 'True', 'JobSuspended', 'Job suspended');
      await this.c.recorder.event(this.job, 'Normal', 'Suspended', 'Job suspended');
    }
  }

  private async resumeIfSuspended(): Promise<void> {
    if (!hasCondition(this.job, 'Suspended')) return;
    this.setCondition('Suspended', 'False', 'JobResumed', 'Job resumed');
    this.status.startTime = rfc3339(this.now); // the activeDeadlineSeconds timer starts anew
    await this.c.recorder.event(this.job, 'Normal', 'Resumed', 'Job resumed');
    if (this.job.spec.activeDeadlineSeconds !== undefined) this.wake(this.job.spec.activeDeadlineSeconds * 1000);
  }

  /** manageJob: delete the surplus, then create the missing pods in slow-start batches unless the failure back-off holds them. */
  private async managePods(): Promise<void> {
    const { job } = this;
    const wait = backoffRemainingMs(this.rec, this.now);
    const { toCreate, toDelete } = podsToManage(job, this.view.active, this.view.completedIndexes, this.view.succeeded);
    for (const p of toDelete) await this.c.deletePod(job, p);
    if (toCreate.length && wait > 0) return this.wake(wait);
    if (!toCreate.length) return;
    let n = 0;
    await slowStartBatch(toCreate.length, async () => {
      await this.c.podControl.createPod(job, jobPod(job, toCreate[n++]));
    });
  }

  /** Status from the pods as they are now; a Job that just finished starts its TTL. */
  private async writeFinalStatus(): Promise<void> {
    const { job, status } = this;
    const after = this.c.owned(job);
    const active = activePods(after);
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminatingPods(after).length;
    status.conditions = this.conds;
    if (!status.conditions.length) delete status.conditions;
    for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
    if (job.spec.completionMode === 'Indexed' && status.completedIndexes === undefined) status.completedIndexes = '';
    await this.c.writeStatus(job, status);
    const fin = this.c.api.get('Job', job.metadata.namespace ?? '', job.metadata.name ?? '');
    if (fin && finishedCondition(fin)) {
      this.c.memory.backoff.delete(job.metadata.uid!);
      const t = await this.c.ttlAfterFinished(fin, this.now);
      if (t?.requeueAfterMs !== undefined) this.wake(t.requeueAfterMs);
    }
  }
}

export { COMPLETION_INDEX };
