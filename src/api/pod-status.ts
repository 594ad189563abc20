// A pod's STATUS, READY and RESTARTS as `kubectl get pods` computes them
// (kubectl's printPod): the phase, overridden by the pod reason, then by the
// first unfinished init container (Init:N/M, Init:<reason>), then by any
// waiting/terminated container reason (CrashLoopBackOff, ErrImagePull,
// Completed …), and Terminating last. One implementation for the API server's
// tables and the UI's columns, so both print the same word.
import type { KubeObject } from './meta.js';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}
interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
interface ContainerSpec {
  name: string;
  restartPolicy?: string;
}
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}

export interface PodStatusSummary {
  /** The STATUS word; '' when the pod has neither a phase nor a reason yet. */
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** finishedAt (ms since the epoch) of the most recent restart counted, 0 when unknown: `3 (2m ago)`. */
  lastRestart: number;
}

const isRestartableInit = (c: ContainerSpec | undefined) => c?.restartPolicy === 'Always';
const finishedAt = (s: ContainerState | undefined) => (s?.terminated?.finishedAt ? Date.parse(s.terminated.finishedAt) || 0 : 0);

export function podStatusSummary(pod: KubeObject): PodStatusSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const conditions = (status.conditions ?? []) as Condition[];
  const initSpecs = (spec.initContainers ?? []) as ContainerSpec[];
  const initByName = new Map(initSpecs.map((c) => [c.name, c]));
  const total = ((spec.containers ?? []) as ContainerSpec[]).length + initSpecs.filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let reason: string = status.reason || status.phase || '';
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = (status.initContainerStatuses ?? []) as ContainerStatus[];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c.lastState));
    const restartable = isRestartableInit(initByName.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finishedAt(c.lastState));
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && (t.exitCode ?? 0) === 0) continue;
    if (restartable && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    // kubectl counts, from here on, only sidecar (restartable init) restarts plus the containers'.
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = (status.containerStatuses ?? []) as ContainerStatus[];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c.lastState));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  return { status: reason, ready, total, restarts, lastRestart };
}
