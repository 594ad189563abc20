// Pure helpers of the Job controller (kubernetes pkg/controller/job): pod
// labels, completion indexes and their compact "1,3-5" form, the failure
// back-off, and finished/condition tests shared with the CronJob controller.
import { setCondition } from '../api/conditions.js';
import { clone, findCondition, type Condition, type KubeObject } from '../api/meta.js';
import type { Job } from '../api/types/batch.js';

export const JOB_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID = 'controller-uid';
export const LEGACY_JOB_NAME = 'job-name';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** DefaultJobPodFailureBackOff and its cap (the documented 10 s doubling, six minutes at most). */
export const JOB_BACKOFF_BASE_MS = 10_000;
export const JOB_BACKOFF_MAX_MS = 360_000;

/** Delay before the next pod after `failures` consecutive failures (0 when none). */
export function jobBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(JOB_BACKOFF_MAX_MS, JOB_BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 30));
}

export function isJobFinished(job: KubeObject): boolean {
  return finishedCondition(job) !== undefined;
}

/** 'Complete' | 'Failed' when the Job has that condition True. */
export function finishedCondition(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of (job.status?.conditions ?? []) as Condition[]) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function hasCondition(job: KubeObject, type: string): boolean {
  return findCondition<Condition>(job.status?.conditions, type)?.status === 'True';
}

/** "0,2-4,7" → [0,2,3,4,7]. */
export function parseIndexes(s: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

/** [0,2,3,4,7] → "0,2-4,7" (status.completedIndexes). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function podIndex(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The pod a Job creates: template + tracking labels/finalizer (+ index annotation, label, env and hostname). */
export function jobPod(job: Job, index?: number): KubeObject {
  const t = clone(job.spec.template);
  const name = job.metadata.name!;
  const uid = job.metadata.uid!;
  const labels: Record<string, string> = {
    ...(t.metadata?.labels ?? {}),
    [JOB_CONTROLLER_UID]: uid,
    [JOB_NAME]: name,
    [LEGACY_CONTROLLER_UID]: uid,
    [LEGACY_JOB_NAME]: name,
  };
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  const spec: any = t.spec ?? { containers: [] };
  if (index !== undefined) {
    labels[COMPLETION_INDEX] = String(index);
    annotations[COMPLETION_INDEX] = String(index);
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
    for (const list of [spec.containers ?? [], spec.initContainers ?? []]) {
      for (const c of list) {
        if (!(c.env ?? []).some((e: { name: string }) => e.name === 'JOB_COMPLETION_INDEX')) c.env = [...(c.env ?? []), env];
      }
    }
    if (!spec.hostname) spec.hostname = `${name}-${index}`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index !== undefined ? `${name}-${index}-` : `${name}-`,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers: [...(t.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER],
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec,
  };
}

/** When a terminated pod finished: its last container's finishedAt, else `fallback`. */
export function podFinishTime(pod: KubeObject, fallback: number): number {
  let latest = 0;
  for (const cs of (pod.status?.containerStatuses ?? []) as { state?: { terminated?: { finishedAt?: string } } }[]) {
    const t = Date.parse(cs.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t)) latest = Math.max(latest, t);
  }
  return latest || fallback;
}

/** ensureJobConditionStatus: an unchanged condition is left alone (its lastProbeTime too). */
export function setJobCondition(conds: Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): Condition[] {
  return setCondition(conds, { type, status, reason, message }, now, { skipUnchanged: true, stamp: ['lastProbeTime'] });
}

/**
 * The first podFailurePolicy rule a failed pod matches (exit codes of its
 * containers, or its conditions such as DisruptionTarget), with Kubernetes'
 * message for the Job's FailureTarget condition.
 */
export function matchPodFailurePolicy(job: Job, pod: KubeObject): { action: string; message: string } | undefined {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const ec = rule.onExitCodes;
    if (ec) {
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])] as {
        name: string;
        state?: { terminated?: { exitCode?: number } };
      }[];
      for (const cs of statuses) {
        if (ec.containerName && cs.name !== ec.containerName) continue;
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined) continue;
        const listed = ec.values.includes(code);
        if ((ec.operator === 'In' && listed) || (ec.operator === 'NotIn' && !listed && code !== 0)) {
          return { action: rule.action, message: `Container ${cs.name} for pod ${where} failed with exit code ${code} matching ${rule.action} rule at index ${i}` };
        }
      }
    }
    for (const pc of rule.onPodConditions ?? []) {
      const hit = ((pod.status?.conditions ?? []) as Condition[]).some((c) => c.type === pc.type && c.status === (pc.status ?? 'True'));
      if (hit) return { action: rule.action, message: `Pod ${where} has condition ${pc.type} matching ${rule.action} rule at index ${i}` };
    }
  }
  return undefined;
}
