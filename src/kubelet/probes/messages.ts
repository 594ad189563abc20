// The kubelet's Event wording around probes, so the pod worker records what
// `kubectl describe pod` users know:
//   Warning  Unhealthy  Readiness probe failed: HTTP probe failed with statuscode: 500
//   Normal   Killing    Container web failed liveness probe, will be restarted
import type { ProbeKind } from './probe-worker.js';

export const REASON_UNHEALTHY = 'Unhealthy';
export const REASON_KILLING = 'Killing';

const TITLE: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** Message of the Warning/Unhealthy Event recorded on every failed attempt. */
export function unhealthyMessage(kind: ProbeKind, output: string): string {
  return `${TITLE[kind]} probe failed: ${output}`;
}

/** Message of the Normal/Killing Event when a liveness or startup verdict restarts the container. */
export function restartMessage(container: string, kind: 'liveness' | 'startup'): string {
  return `Container ${container} failed ${kind} probe, will be restarted`;
}
