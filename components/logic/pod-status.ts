// The STATUS, READY and RESTARTS columns of `kubectl get pods`. The rule itself
// lives in src/api/pod-status.ts (shared with the API server's tables); this
// module caches it per object version and adds the UI's colour families.
import type { KubeObject } from '../../src/api/meta.js';
import { podStatusSummary } from '../../src/api/pod-status.js';
import { humanDuration } from './age.js';

export interface PodSummary {
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** finishedAt of the most recent container restart, for `3 (2m ago)`. */
  lastRestart?: string;
}

// Objects are immutable, so a summary is computed once per object version.
const summaries = new WeakMap<KubeObject, PodSummary>();

export function podSummary(obj: KubeObject): PodSummary {
  let s = summaries.get(obj);
  if (!s) {
    const k = podStatusSummary(obj);
    // A pod the kubelet has not reported on yet has no phase; the UI says Pending rather than nothing.
    s = { status: k.status || 'Pending', ready: k.ready, total: k.total, restarts: k.restarts, lastRestart: k.lastRestart > 0 ? new Date(k.lastRestart).toISOString() : undefined };
    summaries.set(obj, s);
  }
  return s;
}

/** `3 (2m ago)` as kubectl prints restarts with a known last termination. */
export function restartsText(s: PodSummary, now: number): string {
  if (s.restarts > 0 && s.lastRestart) {
    const t = Date.parse(s.lastRestart);
    if (!Number.isNaN(t)) return `${s.restarts} (${humanDuration(now - t)} ago)`;
  }
  return String(s.restarts);
}

export type StatusTone = 'ok' | 'warn' | 'error' | 'gone' | 'done' | 'plain';

const ERROR_STATUSES = new Set([
  'CrashLoopBackOff',
  'Error',
  'Failed',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'Evicted',
  'NotReady',
  'Unknown',
  'ContainerStatusUnknown',
  'NodeLost',
  'NotReady,SchedulingDisabled',
  'Lost',
  'BackoffLimitExceeded',
  'DeadlineExceeded',
]);

/** The colour family a status word belongs to, shared by every renderer. */
export function statusTone(status: string): StatusTone {
  if (status === 'Terminating') return 'gone';
  if (status === 'Completed' || status === 'Succeeded' || status === 'Complete') return 'done';
  if (ERROR_STATUSES.has(status) || /^(Init:)?(ExitCode|Signal):/.test(status) || /^Init:(Error|CrashLoopBackOff|ErrImagePull|ImagePullBackOff)/.test(status))
    return 'error';
  if (status === 'Running' || status === 'Ready' || status === 'Active' || status === 'Bound' || status === 'Available') return 'ok';
  if (status.startsWith('Init:') || status === 'Pending' || status === 'ContainerCreating' || status === 'PodInitializing') return 'warn';
  if (status.includes('SchedulingDisabled')) return 'warn';
  return 'plain';
}
