// The Pod table: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE
// READINESS GATES), with STATUS computed exactly as kubectl's printPod does
// (Init:N/M, Init:<reason>, ContainerCreating, CrashLoopBackOff, Completed,
// Terminating, NotReady …).
import type { KubeObject } from '../../api/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, since, type Printer } from './common.js';

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

const isRestartableInit = (c: ContainerSpec | undefined) => c?.restartPolicy === 'Always';

/** The pod's READY, STATUS and RESTARTS cells. */
export function podStatusCells(pod: KubeObject, now: number): { ready: string; reason: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = (spec.initContainers ?? []) as ContainerSpec[];
  const initByName = new Map(initSpecs.map((c) => [c.name, c]));
  let totalContainers = ((spec.containers ?? []) as ContainerSpec[]).length + initSpecs.filter(isRestartableInit).length;
  void totalContainers;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let reason: string = status.reason || status.phase || '';
  for (const c of (status.conditions ?? []) as { type?: string; reason?: string }[]) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const finished = (s: ContainerState | undefined) => (s?.terminated?.finishedAt ? Date.parse(s.terminated.finishedAt) || 0 : 0);

  let initializing = false;
  const initStatuses = (status.initContainerStatuses ?? []) as ContainerStatus[];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finished(c.lastState));
    const restartable = isRestartableInit(initByName.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finished(c.lastState));
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && (t.exitCode ?? 0) === 0) continue;
    if (restartable && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (t) {
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
    } else if (w?.reason && w.reason !== 'PodInitializing') {
      reason = `Init:${w.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = ((status.conditions ?? []) as { type?: string; status?: string }[]).some(
    (c) => c.type === 'Initialized' && c.status === 'True',
  );
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = (status.containerStatuses ?? []) as ContainerStatus[];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finished(c.lastState));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = ((status.conditions ?? []) as { type?: string; status?: string }[]).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsText = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;
  totalContainers = ((spec.containers ?? []) as ContainerSpec[]).length + initSpecs.filter(isRestartableInit).length;
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsText };
}

export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { priority: 1 }),
    col('Node', 'NodeName is a request to schedule this pod onto a specific node.', { priority: 1 }),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', { priority: 1 }),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', { priority: 1 }),
  ],
  cells(pod, now) {
    const { ready, reason, restarts } = podStatusCells(pod, now);
    const status = pod.status ?? {};
    const ip = (status.podIPs?.[0]?.ip as string | undefined) || (status.podIP as string | undefined) || '<none>';
    const gates = (pod.spec?.readinessGates ?? []) as { conditionType: string }[];
    let gatesText = '<none>';
    if (gates.length) {
      const conds = (status.conditions ?? []) as { type?: string; status?: string }[];
      const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
      gatesText = `${ok}/${gates.length}`;
    }
    return [
      pod.metadata.name ?? '',
      ready,
      reason,
      restarts,
      age(pod, now),
      ip,
      pod.spec?.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      gatesText,
    ];
  },
};
