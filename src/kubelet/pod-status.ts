// Builds a Pod's status from what the pod worker knows about its containers,
// as the kubelet's status manager does: container statuses (waiting /
// running / terminated, lastState, restartCount, ready, started, ids), the
// phase (kubelet getPhase rules) and the conditions PodReadyToStartContainers,
// Initialized, Ready, ContainersReady, PodScheduled — in that order, keeping
// lastTransitionTime while a condition's status does not change.
import type { Api } from '../api/api.js';
import { isStatusError, notFound } from '../api/errors.js';
import type { Condition } from '../api/meta.js';
import type { Container, ContainerState, ContainerStatus as K8sContainerStatus, Pod, PodPhase, PodStatus } from '../api/types/pod.js';
import { rfc3339 } from './node-status.js';
import type { ContainerStatus } from './runtime/types.js';

export interface ContainerRecord {
  name: string;
  init: boolean;
  sidecar: boolean;
  /** Current container id (created, running or exited). */
  id?: string;
  /** Restart count = attempt number of the current container. */
  attempt: number;
  status?: ContainerStatus;
  /** The previous attempt, kept for `logs --previous` and lastState. */
  lastId?: string;
  last?: ContainerStatus;
  /** Why the container is not running now (image errors, CrashLoopBackOff). */
  waiting?: { reason: string; message?: string };
  ready: boolean;
}

export interface StatusInput {
  pod: Pod;
  records: Map<string, ContainerRecord>;
  runtime: string;
  podIP?: string;
  hostIP: string;
  startTime?: number;
  sandboxReady: boolean;
  initDone: boolean;
  initFailed: boolean;
  /** The pod is being torn down: nothing will restart. */
  terminating: boolean;
  nowMs: number;
}

function terminated(s: ContainerStatus, runtime: string): ContainerState {
  return {
    terminated: {
      exitCode: s.exitCode ?? 0,
      reason: s.reason ?? ((s.exitCode ?? 0) === 0 ? 'Completed' : 'Error'),
      ...(s.message ? { message: s.message } : {}),
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      containerID: `${runtime}://${s.id}`,
    },
  };
}

export function containerStatusOf(r: ContainerRecord, c: Container, runtime: string, initPending: boolean): K8sContainerStatus {
  let state: ContainerState;
  let lastState: ContainerState = r.last ? terminated(r.last, runtime) : {};
  let started = false;
  const s = r.status;
  if (s?.state === 'running') {
    state = { running: { startedAt: s.startedAt } };
    started = true;
  } else if (s?.state === 'exited') {
    if (r.waiting) {
      state = { waiting: r.waiting };
      lastState = terminated(s, runtime);
    } else {
      state = terminated(s, runtime);
    }
  } else if (s?.state === 'created') {
    state = { waiting: { reason: 'ContainerCreating' } };
  } else {
    state = { waiting: r.waiting ?? { reason: initPending ? 'PodInitializing' : 'ContainerCreating' } };
  }
  const ready = r.init && !r.sidecar ? s?.state === 'exited' && s.exitCode === 0 : r.ready && started;
  return {
    name: r.name,
    state,
    lastState,
    ready,
    restartCount: r.attempt,
    image: c.image ?? '',
    imageID: s?.imageId ?? r.last?.imageId ?? '',
    ...(r.id ? { containerID: `${runtime}://${r.id}` } : {}),
    started,
  };
}

export function shouldRestart(policy: string | undefined, exitCode: number | undefined): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return (exitCode ?? 0) !== 0;
  return true;
}

/** kubelet getPhase, for the app containers. */
export function phaseOf(statuses: K8sContainerStatus[], policy: string, input: Pick<StatusInput, 'initDone' | 'initFailed' | 'terminating'>): PodPhase {
  if (input.initFailed) return 'Failed';
  if (!input.initDone && !input.terminating) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (input.terminating) {
    if (running === 0 && waiting === 0) return stopped === succeeded && stopped > 0 ? 'Succeeded' : 'Failed';
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function cond(old: Condition[] | undefined, type: string, status: 'True' | 'False', now: string, reason?: string, message?: string): Condition {
  const prev = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime ?? now) : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

export function buildPodStatus(input: StatusInput): PodStatus {
  const { pod, records, runtime } = input;
  const now = rfc3339(input.nowMs);
  const old = pod.status ?? {};
  const initSpecs = pod.spec.initContainers ?? [];
  const initStatuses = initSpecs.map((c) => containerStatusOf(records.get(`init/${c.name}`)!, c, runtime, true));
  const appStatuses = pod.spec.containers.map((c) => containerStatusOf(records.get(`app/${c.name}`)!, c, runtime, !input.initDone));
  const policy = pod.spec.restartPolicy ?? 'Always';
  const phase = phaseOf(appStatuses, policy, input);
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const incompleteInit = initSpecs.filter((c, i) => {
    const s = initStatuses[i];
    return c.restartPolicy === 'Always' ? !s.started : !(s.state?.terminated && s.state.terminated.exitCode === 0);
  });
  const unready = [
    ...appStatuses.filter((s) => !s.ready).map((s) => s.name),
    ...initSpecs.filter((c, i) => c.restartPolicy === 'Always' && !initStatuses[i].ready).map((c) => c.name),
  ];
  const gates = (pod.spec.readinessGates ?? []).map((g) => g.conditionType);
  const failedGates = gates.filter((g) => old.conditions?.find((c) => c.type === g)?.status !== 'True');
  const oc = old.conditions;

  const conditions: Condition[] = [
    cond(oc, 'PodReadyToStartContainers', input.sandboxReady && !terminal ? 'True' : 'False', now),
    initSpecs.length === 0 || incompleteInit.length === 0 || (terminal && input.initDone)
      ? cond(oc, 'Initialized', 'True', now)
      : cond(oc, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.map((c) => c.name).join(' ')}]`),
  ];
  if (terminal) {
    conditions.push(cond(oc, 'Ready', 'False', now, 'PodCompleted'), cond(oc, 'ContainersReady', 'False', now, 'PodCompleted'));
  } else if (unready.length) {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    conditions.push(cond(oc, 'Ready', 'False', now, 'ContainersNotReady', msg), cond(oc, 'ContainersReady', 'False', now, 'ContainersNotReady', msg));
  } else if (failedGates.length) {
    conditions.push(
      cond(oc, 'Ready', 'False', now, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${failedGates[0]}" does not exist.`),
      cond(oc, 'ContainersReady', 'True', now),
    );
  } else {
    conditions.push(cond(oc, 'Ready', 'True', now), cond(oc, 'ContainersReady', 'True', now));
  }
  conditions.push(oc?.find((c) => c.type === 'PodScheduled') ?? cond(undefined, 'PodScheduled', 'True', now));
  // Conditions other components own (readiness gates, DisruptionTarget) are kept.
  for (const c of oc ?? []) if (!KUBELET_CONDITIONS.has(c.type)) conditions.push(c);

  const status: PodStatus = {
    ...old,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(input.startTime !== undefined ? { startTime: old.startTime ?? rfc3339(input.startTime) } : {}),
    ...(initSpecs.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
    qosClass: old.qosClass ?? qosClass(pod),
  };
  if (!input.podIP) {
    delete status.podIP;
    delete status.podIPs;
  }
  return status;
}

/**
 * The pods/status write (Api.modify with status: true) of one pod, without
 * its copies: that path clones the pod, serialises it twice to compare, and
 * clones it twice more before the store copies it once again — five passes over
 * every pod on every status change, the largest cost of a pod start. Same
 * outcome: nothing is written when the status is unchanged (by its JSON) or
 * the name now belongs to another pod (uid), a conflict is retried 5 times,
 * a missing pod is NotFound. Returns the stored pod.
 */
export async function writePodStatus(api: Api, namespace: string, name: string, uid: string, status: PodStatus): Promise<Pod> {
  const want = JSON.stringify(status);
  for (let attempt = 0; ; attempt++) {
    const cur = api.get('Pod', namespace, name);
    if (!cur) throw notFound('Pod', name);
    if (cur.metadata.uid !== uid || JSON.stringify(cur.status) === want) return cur;
    try {
      // Through the Api's status door, which for a built-in kind copies nothing first: the store makes its own copy.
      return await api.updateStatus<Pod>({ ...cur, status });
    } catch (e) {
      if (attempt < 5 && isStatusError(e, 'Conflict')) continue;
      throw e;
    }
  }
}
