// The Pod table: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE
// READINESS GATES), with STATUS computed exactly as kubectl's printPod does
// (Init:N/M, Init:<reason>, ContainerCreating, CrashLoopBackOff, Completed,
// Terminating, NotReady …).
import type { KubeObject } from '../../api/meta.js';
import { podStatusSummary, type PodStatusSummary } from '../../api/pod-status.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, since, type Printer } from './common.js';

/**
 * The summary is a function of the pod alone, and a stored pod version is
 * frozen: it is worked out once per version, not once per row of every
 * `kubectl get` (10,000 pods spent a third of a table's time here).
 */
const summaries = new WeakMap<KubeObject, PodStatusSummary>();
function summaryOf(pod: KubeObject): PodStatusSummary {
  let s = summaries.get(pod);
  if (!s) {
    s = podStatusSummary(pod);
    if (Object.isFrozen(pod)) summaries.set(pod, s);
  }
  return s;
}

/** The pod's READY, STATUS and RESTARTS cells. */
export function podStatusCells(pod: KubeObject, now: number): { ready: string; reason: string; restarts: string } {
  const s = summaryOf(pod);
  let restarts = String(s.restarts);
  if (s.restarts !== 0 && s.lastRestart > 0) restarts = `${s.restarts} (${since(new Date(s.lastRestart).toISOString(), now)} ago)`;
  return { ready: `${s.ready}/${s.total}`, reason: s.status, restarts };
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
