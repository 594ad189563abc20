// Container probes: one attempt (runProbe) and the periodic workers with thresholds and startup gating.
export { runProbe, resolvePort, type ProbeOutcome, type ProbeResult, type ProbeTarget } from './run-probe.js';
export { ProbeWorker, ContainerProber, probeTiming, type ProbeKind, type ProbeWorkerConfig, type ContainerProberConfig } from './probe-worker.js';
export { unhealthyMessage, restartMessage, REASON_UNHEALTHY, REASON_KILLING } from './messages.js';
