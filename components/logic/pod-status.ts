// The STATUS, READY and RESTARTS columns of `kubectl get pods`, computed the way
// kubectl's printPod does: the phase, overridden by the pod reason, then by the
// first unfinished init container, then by any waiting/terminated container
// reason (CrashLoopBackOff, ErrImagePull, Completed …), and Terminating last.
import type { KubeObject } from '../../src/api/meta.js';
import type { ContainerStatus, Pod } from '../../src/api/types/index.js';
import { humanDuration } from './age.js';

export interface PodSummary {
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** finishedAt of the most recent container restart, for `3 (2m ago)`. */
  lastRestart?: string;
}

function isRestartableInit(pod: Pod, name: string): boolean {
  return pod.spec?.initContainers?.find((c) => c.name === name)?.restartPolicy === 'Always';
}

function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

// Objects are immutable, so a summary is computed once per object version.
const summaries = new WeakMap<KubeObject, PodSummary>();

export function podSummary(obj: KubeObject): PodSummary {
  let s = summaries.get(obj);
  if (!s) {
    s = computePodSummary(obj);
    summaries.set(obj, s);
  }
  return s;
}

function computePodSummary(obj: KubeObject): PodSummary {
  const pod = obj as Pod;
  const status = pod.status ?? {};
  const spec = pod.spec ?? { containers: [] };
  let reason: string = status.reason || status.phase || 'Pending';
  let restarts = 0;
  let lastRestart: string | undefined;
  let ready = 0;
  let total = spec.containers?.length ?? 0;
  for (const c of spec.initContainers ?? []) if (c.restartPolicy === 'Always') total++;

  const note = (c: ContainerStatus) => {
    restarts += c.restartCount ?? 0;
    if ((c.restartCount ?? 0) > 0) lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
  };

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  const initCount = spec.initContainers?.length ?? inits.length;
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    note(c);
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (isRestartableInit(pod, c.name)) {
      if (c.started) {
        if (c.ready) ready++;
        continue;
      }
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else reason = `Init:${term.reason}`;
    } else if (wait?.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      note(c);
      const wait = c.state?.waiting;
      const term = c.state?.terminated;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  return { status: reason, ready, total, restarts, lastRestart };
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
