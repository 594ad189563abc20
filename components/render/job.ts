// jobs: NAME STATUS COMPLETIONS DURATION AGE (kubectl 1.28+ prints STATUS).
import type { KubeObject } from '../../src/api/meta.js';
import type { Job } from '../../src/api/types/index.js';
import { humanDuration } from '../logic/age.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

function cond(j: Job, type: string): boolean {
  return j.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

export function jobStatus(obj: KubeObject): string {
  const j = obj as Job;
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (cond(j, 'Complete')) return 'Complete';
  if (cond(j, 'Failed')) return 'Failed';
  if (cond(j, 'FailureTarget')) return 'FailureTarget';
  if (cond(j, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (cond(j, 'Suspended')) return 'Suspended';
  return 'Running';
}

export function jobCompletions(j: Job): string {
  const succeeded = j.status?.succeeded ?? 0;
  if (j.spec?.completions != null) return `${succeeded}/${j.spec.completions}`;
  const parallelism = j.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(j: Job, now: number): string {
  const start = j.status?.startTime ? Date.parse(j.status.startTime) : NaN;
  if (Number.isNaN(start)) return '';
  const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : now;
  return humanDuration(end - start);
}

export const jobRenderer: Renderer = {
  kind: 'Job',
  columns: [NAME, { name: 'STATUS', priority: 0, status: true }, { name: 'COMPLETIONS', priority: 0 }, { name: 'DURATION', priority: 2 }, AGE],
  row(obj, now) {
    const j = obj as Job;
    return [name(obj), jobStatus(obj), jobCompletions(j), jobDuration(j, now), ageOf(obj, now)];
  },
  color(obj) {
    const s = jobStatus(obj);
    return s === 'Complete' ? 'done' : s === 'Failed' || s === 'FailureTarget' ? 'error' : s === 'Terminating' ? 'gone' : s === 'Suspended' ? 'warn' : 'ok';
  },
};
