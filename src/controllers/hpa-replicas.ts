// The HorizontalPodAutoscaler's arithmetic, pure and table-testable, after
// kubernetes pkg/controller/podautoscaler (replica_calculator.go and
// horizontal.go): desired = ceil(ready pods × usage/target) outside a 10 %
// tolerance; pods without metrics count as 100 % of their request on a scale
// down and 0 % on a scale up; not-yet-ready pods are ignored, and count as 0 %
// when the ready ones ask to scale up; then stabilization windows and the
// scaleUp/scaleDown rate policies (or, without spec.behavior, the classic
// 5-minute downscale window and the max(2×, 4) scale-up limit).
import type { HPAScalingRules } from '../api/types/autoscaling.js';

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period and initial-readiness-delay. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
export const INITIAL_READINESS_DELAY_MS = 30_000;
export const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;

export interface PodSample {
  name: string;
  /** Sum of the containers' requests for the resource, in milli-units; undefined when a container has none. */
  request?: number;
  /** The container without a request, for the error message. */
  missingRequestIn?: string;
  /** Usage in milli-units; undefined when the metrics source has none for this pod. */
  usage?: number;
  phase?: string;
  deleted?: boolean;
  ready: boolean;
  /** ms since epoch */
  startTime?: number;
  readyTransitionTime?: number;
}

export interface ReplicaProposal {
  replicas: number;
  /** Utilization % (Utilization targets) of the pods that had metrics. */
  utilization?: number;
  /** Average usage in milli-units of the pods that had metrics. */
  averageValue: number;
}

type Group = 'ready' | 'unready' | 'missing' | 'ignored';

/** groupPods: which pods' metrics count. CPU is special: pods still warming up count as unready. */
export function groupPod(p: PodSample, resource: string, now: number): Group {
  if (p.deleted || p.phase === 'Failed') return 'ignored';
  if (p.phase === 'Pending') return 'unready';
  if (p.usage === undefined) return 'missing';
  if (resource !== 'cpu') return 'ready';
  if (p.startTime === undefined) return 'unready';
  if (p.startTime + CPU_INITIALIZATION_PERIOD_MS > now) return p.ready ? 'ready' : 'unready';
  // Past the initialization period a pod is unready only if it has never been ready.
  const neverReady = !p.ready && p.readyTransitionTime !== undefined && p.startTime + INITIAL_READINESS_DELAY_MS > p.readyTransitionTime;
  return neverReady ? 'unready' : 'ready';
}

export class MetricsError extends Error {}

/**
 * GetResourceReplicas (Utilization target, `targetUtilization` %) or
 * GetRawResourceReplicas (AverageValue target, `targetAverage` milli-units).
 */
export function resourceReplicas(
  currentReplicas: number,
  pods: PodSample[],
  resource: string,
  target: { utilization: number } | { averageValue: number },
  now: number,
  tolerance = DEFAULT_TOLERANCE,
): ReplicaProposal {
  if (pods.length === 0) throw new MetricsError('no pods returned by selector while calculating replica count');
  const usage = new Map<string, number>();
  const requests = new Map<string, number>();
  const unready: PodSample[] = [];
  const missing: PodSample[] = [];
  let readyCount = 0;
  for (const p of pods) {
    const g = groupPod(p, resource, now);
    if (g === 'ignored') continue;
    if (g === 'unready') unready.push(p);
    else if (g === 'missing') missing.push(p);
    else {
      readyCount++;
      usage.set(p.name, p.usage!);
    }
  }
  const isUtil = 'utilization' in target;
  if (isUtil) {
    for (const p of pods) {
      if (groupPod(p, resource, now) === 'ignored') continue;
      if (p.request === undefined || p.request === 0) throw new MetricsError(`missing request for ${resource} in container ${p.missingRequestIn ?? ''} of Pod ${p.name}`);
      requests.set(p.name, p.request);
    }
  }
  if (usage.size === 0) throw new MetricsError('did not receive metrics for targeted pods (pods might be unready)');

  const ratioOf = (m: Map<string, number>): { ratio: number; utilization?: number; average: number } => {
    let total = 0;
    let req = 0;
    for (const [name, u] of m) {
      total += u;
      if (isUtil) req += requests.get(name) ?? 0;
    }
    const average = total / m.size;
    if (isUtil) {
      const utilization = Math.floor((total * 100) / req);
      return { ratio: utilization / target.utilization, utilization, average };
    }
    return { ratio: average / target.averageValue, average };
  };
  const first = ratioOf(usage);
  const result = (replicas: number): ReplicaProposal => ({ replicas, utilization: first.utilization, averageValue: Math.floor(first.average) });
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.ratio) <= tolerance) return result(currentReplicas);
    return result(Math.ceil(first.ratio * readyCount));
  }
  const adjusted = new Map(usage);
  if (missing.length) {
    for (const p of missing) {
      if (first.ratio < 1) {
        // On a scale down, a pod without metrics is assumed to use its whole request (or the target, if higher).
        adjusted.set(p.name, isUtil ? ((requests.get(p.name) ?? 0) * Math.max(100, target.utilization)) / 100 : target.averageValue);
      } else if (first.ratio > 1) {
        adjusted.set(p.name, 0);
      }
    }
  }
  if (scaleUpWithUnready) for (const p of unready) adjusted.set(p.name, 0);
  const second = ratioOf(adjusted);
  if (
    Math.abs(1 - second.ratio) <= tolerance ||
    (first.ratio < 1 && second.ratio > 1) ||
    (first.ratio > 1 && second.ratio < 1)
  ) {
    return result(currentReplicas);
  }
  const replicas = Math.ceil(second.ratio * adjusted.size);
  if ((second.ratio < 1 && replicas > currentReplicas) || (second.ratio > 1 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}

// ---- normalization ---------------------------------------------------------

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  change: number;
  at: number;
}

export interface Normalized {
  desired: number;
  ableToScale: { reason: string; message: string };
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

export const DEFAULT_SCALE_UP: Required<Omit<HPAScalingRules, 'tolerance'>> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

export const DEFAULT_SCALE_DOWN: Required<Omit<HPAScalingRules, 'tolerance'>> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** Fills a rules object from the defaults, as the API server's defaulting does for a given behavior. */
export function withDefaults(rules: HPAScalingRules | undefined, up: boolean): Required<Omit<HPAScalingRules, 'tolerance'>> {
  const d = up ? DEFAULT_SCALE_UP : DEFAULT_SCALE_DOWN;
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? d.selectPolicy,
    policies: rules?.policies?.length ? rules.policies : d.policies,
  };
}

const WITHIN = { status: 'False' as const, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };

/**
 * normalizeDesiredReplicas (no spec.behavior): the highest recommendation of
 * the last 5 minutes, then min/max and the max(2×current, 4) scale-up limit.
 * `history` is this HPA's recommendations, updated in place.
 */
export function normalizeClassic(history: Recommendation[], now: number, current: number, proposed: number, min: number, max: number): Normalized {
  history.push({ replicas: proposed, at: now });
  for (let i = history.length - 1; i >= 0; i--) if (history[i].at + DOWNSCALE_STABILIZATION_MS <= now) history.splice(i, 1);
  const stabilized = Math.max(proposed, ...history.map((r) => r.replicas));
  const ableToScale =
    stabilized !== proposed
      ? { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
      : READY;
  const scaleUpLimit = Math.max(2 * current, 4);
  let maxAllowed = max;
  let limit = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  if (max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    limit = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
  }
  if (stabilized < min) {
    return { desired: min, ableToScale, limited: { status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' } };
  }
  if (stabilized > maxAllowed) return { desired: maxAllowed, ableToScale, limited: { status: 'True', ...limit } };
  return { desired: stabilized, ableToScale, limited: WITHIN };
}

/** Replicas changed by scale events within the last `periodSeconds`. */
function changeInPeriod(events: ScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((e) => e.at > cutoff).reduce((s, e) => s + e.change, 0);
}

/**
 * normalizeDesiredReplicasWithBehaviors: stabilize within the scaleUp/scaleDown
 * windows, then bound the change by the policies over their periods.
 */
export function normalizeWithBehavior(
  history: Recommendation[],
  upEvents: ScaleEvent[],
  downEvents: ScaleEvent[],
  now: number,
  current: number,
  proposed: number,
  min: number,
  max: number,
  upRules: HPAScalingRules | undefined,
  downRules: HPAScalingRules | undefined,
): Normalized {
  const up = withDefaults(upRules, true);
  const down = withDefaults(downRules, false);
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let upRec = proposed;
  let downRec = proposed;
  for (const r of history) {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  // Keep the samples either window still needs; record this one.
  const keepFrom = Math.min(upCutoff, downCutoff);
  for (let i = history.length - 1; i >= 0; i--) if (history[i].at < keepFrom) history.splice(i, 1);
  history.push({ replicas: proposed, at: now });
  const ableToScale =
    stabilized === proposed
      ? READY
      : proposed >= current
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };

  const longest = Math.max(...up.policies.map((p) => p.periodSeconds), ...down.policies.map((p) => p.periodSeconds));
  for (const list of [upEvents, downEvents]) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i].at <= now - longest * 1000) list.splice(i, 1);
  }
  if (stabilized > current) {
    let limitUp: number;
    if (up.selectPolicy === 'Disabled') limitUp = current;
    else {
      const pick = up.selectPolicy === 'Min' ? Math.min : Math.max;
      let result = up.selectPolicy === 'Min' ? Infinity : -Infinity;
      for (const p of up.policies) {
        const start = current - changeInPeriod(upEvents, p.periodSeconds, now) + changeInPeriod(downEvents, p.periodSeconds, now);
        const proposal = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
        result = pick(result, proposal);
      }
      limitUp = Math.max(result, current);
    }
    let maxAllowed = max;
    let limit = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    if (maxAllowed > limitUp) {
      maxAllowed = limitUp;
      limit = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    }
    if (stabilized > maxAllowed) return { desired: maxAllowed, ableToScale, limited: { status: 'True', ...limit } };
  } else if (stabilized < current) {
    let limitDown: number;
    if (down.selectPolicy === 'Disabled') limitDown = current;
    else {
      const pick = down.selectPolicy === 'Min' ? Math.max : Math.min;
      let result = down.selectPolicy === 'Min' ? -Infinity : Infinity;
      for (const p of down.policies) {
        const start = current - changeInPeriod(upEvents, p.periodSeconds, now) + changeInPeriod(downEvents, p.periodSeconds, now);
        const proposal = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
        result = pick(result, proposal);
      }
      limitDown = Math.min(result, current);
    }
    let minAllowed = min;
    let limit = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    if (minAllowed < limitDown) {
      minAllowed = limitDown;
      limit = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
    }
    if (stabilized < minAllowed) return { desired: minAllowed, ableToScale, limited: { status: 'True', ...limit } };
  }
  return { desired: stabilized, ableToScale, limited: WITHIN };
}
