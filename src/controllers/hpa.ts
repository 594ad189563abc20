// The HorizontalPodAutoscaler controller (autoscaling/v2, kubernetes
// pkg/controller/podautoscaler/horizontal.go): every 15 s it reads the
// target's scale (spec.replicas and selector of a Deployment, ReplicaSet or
// StatefulSet), asks the injected metrics source for pod usage, computes the
// desired count per Resource metric (cpu/memory, Utilization of requests or
// AverageValue), takes the largest, normalizes it (stabilization windows,
// rate policies, min/max) and writes it through the scale operation,
// reporting AbleToScale / ScalingActive / ScalingLimited and Events.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { splitNsName, type Condition, type KubeObject } from '../api/meta.js';
import { milliQuantity, quantityMilliValue } from '../api/quantity.js';
import { parseSelector } from '../api/selectors.js';
import { hasScale, readScale } from '../api/scale-subresource.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus } from '../api/types/autoscaling.js';
import { formatQuantity } from '../api/quantity.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';
import { selfKey } from './informer.js';
import {
  MetricsError,
  normalizeClassic,
  normalizeWithBehavior,
  resourceReplicas,
  type PodSample,
  type Recommendation,
  type ScaleEvent,
} from './hpa-replicas.js';
import { isPodReady } from './pod-util.js';

/** One pod's usage. Strings are quantities (`250m`, `128Mi`); numbers are whole units as in a manifest (cpu 0.25 = 250m). */
export interface PodMetricsSample {
  name: string;
  cpu?: string | number;
  memory?: string | number;
}

/** What the kubelet/runtime supplies (metrics.k8s.io in Kubernetes). */
export interface MetricsSource {
  podMetrics(namespace: string): Promise<PodMetricsSample[]>;
}

export interface HPAControllerOptions {
  api: Api;
  clock: Clock;
  metrics: MetricsSource;
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  syncPeriodMs?: number;
  workers?: number;
}

export const SCALABLE_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet'];

/** A factory for CONTROLLER_FACTORIES-style wiring once the engine has a metrics source. */
export function hpaControllerFactory(metrics: MetricsSource, syncPeriodMs?: number) {
  return (deps: { api: Api; clock: Clock }): Controller => newHPAController({ ...deps, metrics, syncPeriodMs });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function setCondition(conds: Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): void {
  const prev = conds.find((c) => c.type === type);
  const next: Condition = { type, status, reason, message, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : iso(now) };
  if (prev) conds.splice(conds.indexOf(prev), 1, next);
  else conds.push(next);
}

export function newHPAController(opts: HPAControllerOptions): Controller {
  const { api, clock, metrics } = opts;
  const period = opts.syncPeriodMs ?? 15_000;
  const recorder = new EventRecorder({ api, component: 'horizontal-pod-autoscaler' });
  const recommendations = new Map<string, Recommendation[]>();
  const upEvents = new Map<string, ScaleEvent[]>();
  const downEvents = new Map<string, ScaleEvent[]>();

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const hpa = api.get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', namespace, name);
    if (!hpa) {
      recommendations.delete(key);
      upEvents.delete(key);
      downEvents.delete(key);
      return;
    }
    if (hpa.metadata.deletionTimestamp) return;
    const now = clock.now();
    const conds: Condition[] = structuredClone((hpa.status?.conditions ?? []) as Condition[]);
    const ref = hpa.spec.scaleTargetRef;
    // Any served kind with a scale subresource: the built-in workloads and custom kinds whose CRD declares one.
    const targetInfo = api.kinds.get(ref.kind);
    const scalable = hasScale(targetInfo);
    const target = scalable ? api.get(ref.kind, namespace, ref.name) : undefined;
    const prevStatus = hpa.status;
    const write = async (st: HorizontalPodAutoscalerStatus) => {
      await api.modify<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', namespace, name, (o) => {
        o.status = st;
      }, { status: true });
    };
    if (!target) {
      const why = scalable && targetInfo
        ? `${targetInfo.plural}${targetInfo.group ? `.${targetInfo.group}` : ''} "${ref.name}" not found`
        : `the server could not find the requested resource (kind ${ref.kind} has no scale subresource)`;
      setCondition(conds, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${why}`, now);
      await recorder.event(hpa, 'Warning', 'FailedGetScale', why);
      await write({ ...(prevStatus ?? {}), desiredReplicas: prevStatus?.desiredReplicas ?? 0, conditions: conds });
      return { requeueAfterMs: period };
    }
    setCondition(conds, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now);
    const scaleView = readScale(targetInfo!, target);
    const currentReplicas: number = scaleView.specReplicas;
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const maxReplicas = hpa.spec.maxReplicas;
    let desired = currentReplicas;
    let rescale = true;
    let rescaleReason = '';
    let metricStatuses: MetricStatus[] | undefined = prevStatus?.currentMetrics;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desired = 0;
      rescale = false;
      setCondition(conds, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', now);
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desired = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const computed = await computeReplicasForMetrics(hpa, scaleView.selector, currentReplicas, now);
      metricStatuses = computed.statuses;
      if (computed.replicas === -1) {
        setCondition(conds, 'ScalingActive', 'False', computed.failReason!, `the HPA was unable to compute the replica count: ${computed.error}`, now);
        await recorder.event(hpa, 'Warning', computed.failReason!, computed.error!);
        await recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${computed.invalid} invalid out of ${computed.total}), first error is: ${computed.firstError}`);
        await write(statusOf(hpa, currentReplicas, currentReplicas, metricStatuses, conds, prevStatus?.lastScaleTime));
        return { requeueAfterMs: period };
      }
      setCondition(conds, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${computed.metricName}`, now);
      const hist = recommendations.get(key) ?? [];
      recommendations.set(key, hist);
      const up = upEvents.get(key) ?? [];
      upEvents.set(key, up);
      const down = downEvents.get(key) ?? [];
      downEvents.set(key, down);
      const n = hpa.spec.behavior
        ? normalizeWithBehavior(hist, up, down, now, currentReplicas, computed.replicas, minReplicas, maxReplicas, hpa.spec.behavior.scaleUp, hpa.spec.behavior.scaleDown)
        : normalizeClassic(hist, now, currentReplicas, computed.replicas, minReplicas, maxReplicas);
      setCondition(conds, 'AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message, now);
      setCondition(conds, 'ScalingLimited', n.limited.status, n.limited.reason, n.limited.message, now);
      desired = n.desired;
      rescale = desired !== currentReplicas;
      rescaleReason = desired > currentReplicas ? `${computed.metricName} above target` : 'All metrics below target';
    }

    let lastScaleTime = prevStatus?.lastScaleTime;
    if (rescale) {
      try {
        await api.scale(ref.kind, namespace, ref.name, desired);
      } catch (e) {
        const msg = (e as Error).message;
        await recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${msg}`);
        setCondition(conds, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, now);
        await write(statusOf(hpa, currentReplicas, currentReplicas, metricStatuses, conds, lastScaleTime));
        return { requeueAfterMs: period };
      }
      setCondition(conds, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, now);
      await recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      if (hpa.spec.behavior) {
        if (desired > currentReplicas) upEvents.get(key)?.push({ change: desired - currentReplicas, at: now });
        else downEvents.get(key)?.push({ change: currentReplicas - desired, at: now });
      }
      lastScaleTime = iso(now);
    } else {
      desired = currentReplicas;
    }
    await write(statusOf(hpa, currentReplicas, desired, metricStatuses, conds, lastScaleTime));
    return { requeueAfterMs: period };
  };

  /** computeReplicasForMetrics: the largest proposal of the valid metrics. */
  const computeReplicasForMetrics = async (hpa: HorizontalPodAutoscaler, selectorText: string, current: number, now: number) => {
    const namespace = hpa.metadata.namespace ?? 'default';
    const selector = parseSelector(selectorText);
    const pods = api.list('Pod', { namespace, filter: (p) => selector.matches(p.metadata.labels) }).items;
    let samples: PodMetricsSample[] = [];
    let fetchError: string | undefined;
    try {
      samples = await metrics.podMetrics(namespace);
    } catch (e) {
      fetchError = (e as Error).message;
    }
    const byName = new Map(samples.map((s) => [s.name, s]));
    const specs = hpa.spec.metrics ?? [];
    const statuses: MetricStatus[] = [];
    let best = -1;
    let bestName = '';
    let invalid = 0;
    let firstError: string | undefined;
    let failReason: string | undefined;
    for (const m of specs) {
      const r = resourceMetric(m, pods, byName, current, now, fetchError);
      if ('error' in r) {
        invalid++;
        firstError ??= r.error;
        failReason ??= r.reason;
        statuses.push({ type: m.type } as MetricStatus);
        continue;
      }
      statuses.push(r.status);
      if (r.replicas > best) {
        best = r.replicas;
        bestName = r.name;
      }
    }
    if (invalid >= specs.length || best === -1) {
      return { replicas: -1, statuses: statuses.filter((s) => s.resource), error: firstError ?? 'no metrics', invalid, total: specs.length, firstError, failReason: failReason ?? 'FailedGetResourceMetric' };
    }
    return { replicas: best, metricName: bestName, statuses: statuses.filter((s) => s.resource) };
  };

  return new Controller({
    name: 'horizontal-pod-autoscaler',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    watches: [{ kind: 'HorizontalPodAutoscaler', toKeys: (ev) => (ev.type === 'MODIFIED' && onlyStatusChanged(ev.object, ev.oldObject) ? [] : selfKey(ev)) }],
  });
}

/** Our own status writes must not trigger a sync: the 15 s period paces the controller. */
function onlyStatusChanged(a: KubeObject, b: KubeObject | undefined): boolean {
  return !!b && a.metadata.generation === b.metadata.generation && JSON.stringify(a.metadata.labels) === JSON.stringify(b.metadata.labels);
}

type MetricResult = { replicas: number; name: string; status: MetricStatus } | { error: string; reason: string };

function resourceMetric(
  m: MetricSpec,
  pods: KubeObject[],
  byName: Map<string, PodMetricsSample>,
  current: number,
  now: number,
  fetchError: string | undefined,
): MetricResult {
  if (m.type !== 'Resource' || !m.resource) {
    return { error: `kubeterm supports only Resource metrics (cpu, memory); ${m.type} metrics are not available`, reason: `FailedGet${m.type}Metric` };
  }
  const resource = m.resource.name;
  if (resource !== 'cpu' && resource !== 'memory') {
    return { error: `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`, reason: 'FailedGetResourceMetric' };
  }
  const what = m.resource.target.type === 'Utilization' ? 'utilization' : 'usage';
  const fail = (inner: string): MetricResult => ({ error: `failed to get ${resource} ${what}: ${inner}`, reason: 'FailedGetResourceMetric' });
  if (fetchError) return fail(`unable to get metrics for resource ${resource}: ${fetchError}`);
  const withMetrics = pods.filter((p) => byName.get(p.metadata.name!)?.[resource] !== undefined);
  if (withMetrics.length === 0) return fail(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  const samples: PodSample[] = pods.map((p) => toSample(p, resource, byName.get(p.metadata.name!)));
  const t = m.resource.target;
  try {
    if (t.type === 'Utilization') {
      const target = t.averageUtilization ?? 80;
      const r = resourceReplicas(current, samples, resource, { utilization: target }, now);
      return {
        replicas: r.replicas,
        name: `${resource} resource utilization (percentage of request)`,
        status: { type: 'Resource', resource: { name: resource, current: { averageUtilization: r.utilization, averageValue: formatQuantity(milliQuantity(r.averageValue)) } } },
      };
    }
    if (t.type === 'AverageValue' && t.averageValue !== undefined) {
      const target = Number(quantityMilliValue(t.averageValue));
      const r = resourceReplicas(current, samples, resource, { averageValue: target }, now);
      return {
        replicas: r.replicas,
        name: `${resource} resource`,
        status: { type: 'Resource', resource: { name: resource, current: { averageValue: formatQuantity(milliQuantity(r.averageValue)) } } },
      };
    }
    return { error: 'invalid resource metric source: neither a utilization target nor a value target was set', reason: 'FailedGetResourceMetric' };
  } catch (e) {
    if (e instanceof MetricsError) return fail(e.message);
    throw e;
  }
}

function toSample(p: KubeObject, resource: 'cpu' | 'memory', m: PodMetricsSample | undefined): PodSample {
  let request: number | undefined = 0;
  let missingRequestIn: string | undefined;
  for (const c of (p.spec?.containers ?? []) as { resources?: { requests?: Record<string, string | number> } }[]) {
    const q = c.resources?.requests?.[resource];
    if (q === undefined) {
      request = undefined;
      missingRequestIn = (c as { name?: string }).name;
      break;
    }
    request += Number(quantityMilliValue(q));
  }
  const ready = (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready') as { lastTransitionTime?: string } | undefined;
  const usage = m?.[resource];
  return {
    name: p.metadata.name!,
    request,
    missingRequestIn,
    usage: usage === undefined ? undefined : Number(quantityMilliValue(usage)),
    phase: p.status?.phase ?? 'Pending',
    deleted: !!p.metadata.deletionTimestamp,
    ready: isPodReady(p),
    startTime: p.status?.startTime ? Date.parse(p.status.startTime) : undefined,
    readyTransitionTime: ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : undefined,
  };
}

function statusOf(
  hpa: HorizontalPodAutoscaler,
  current: number,
  desired: number,
  metrics: MetricStatus[] | undefined,
  conds: Condition[],
  lastScaleTime: string | undefined,
): HorizontalPodAutoscalerStatus {
  return {
    ...(hpa.metadata.generation ? { observedGeneration: hpa.metadata.generation } : {}),
    ...(lastScaleTime ? { lastScaleTime } : {}),
    currentReplicas: current,
    desiredReplicas: desired,
    ...(metrics?.length ? { currentMetrics: metrics } : {}),
    conditions: conds,
  };
}
