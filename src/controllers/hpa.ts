// The HorizontalPodAutoscaler controller (autoscaling/v2, kubernetes
// pkg/controller/podautoscaler/horizontal.go): every 15 s it reads the
// target's scale (spec.replicas and selector of a Deployment, ReplicaSet or
// StatefulSet), asks the injected metrics source for pod usage, computes the
// desired count per Resource metric (cpu/memory, Utilization of requests or
// AverageValue), takes the largest, normalizes it (stabilization windows,
// rate policies, min/max) and writes it through the scale operation,
// reporting AbleToScale / ScalingActive / ScalingLimited and Events.
import type { Api } from '../api/api.js';
import { setCondition } from '../api/conditions.js';
import { EventRecorder } from '../api/events.js';
import { splitNsName, type Condition, type KubeObject } from '../api/meta.js';
import { milliQuantity, quantityMilliValue } from '../api/quantity.js';
import { parseSelector } from '../api/selectors.js';
import { hasScale, readScale } from '../api/scale-subresource.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus } from '../api/types/autoscaling.js';
import { formatQuantity } from '../api/quantity.js';
import { rfc3339 } from '../api/time.js';
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

/** Where the current replica count stands against min/max before any metric is read (horizontal.go reconcileAutoscaler). */
export type BoundsDecision = { action: 'disabled' } | { action: 'clamp'; desired: number; reason: string } | { action: 'useMetrics' };

export function replicaBounds(current: number, minReplicas: number, maxReplicas: number): BoundsDecision {
  if (current === 0 && minReplicas !== 0) return { action: 'disabled' };
  if (current > maxReplicas) return { action: 'clamp', desired: maxReplicas, reason: 'Current number of replicas above Spec.MaxReplicas' };
  if (current < minReplicas) return { action: 'clamp', desired: minReplicas, reason: 'Current number of replicas below Spec.MinReplicas' };
  return { action: 'useMetrics' };
}

export type MetricsProposal =
  | { replicas: number; metricName: string; statuses: MetricStatus[] }
  | { replicas: -1; statuses: MetricStatus[]; error: string; invalid: number; total: number; firstError?: string; failReason: string };

/** computeReplicasForMetrics: the largest proposal of the valid metrics, or why none is valid. */
export function metricsProposal(hpa: HorizontalPodAutoscaler, pods: KubeObject[], samples: PodMetricsSample[], fetchError: string | undefined, current: number, now: number): MetricsProposal {
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
}

/** Per-HPA memory between syncs (the stabilization window and the rate-policy history). */
interface HPAMemory {
  recommendations: Recommendation[];
  up: ScaleEvent[];
  down: ScaleEvent[];
}

export function newHPAController(opts: HPAControllerOptions): Controller {
  const { api, clock, metrics } = opts;
  const period = opts.syncPeriodMs ?? 15_000;
  const deps: HPADeps = { api, metrics, period, recorder: new EventRecorder({ api, component: 'horizontal-pod-autoscaler' }), memory: new Map() };
  return new Controller({
    name: 'horizontal-pod-autoscaler',
    api,
    clock,
    reconcile: (key) => new HPASync(deps, key, clock.now()).sync(),
    workers: opts.workers,
    watches: [{ kind: 'HorizontalPodAutoscaler', toKeys: (ev) => (ev.type === 'MODIFIED' && onlyStatusChanged(ev.object, ev.oldObject) ? [] : selfKey(ev)) }],
  });
}

interface HPADeps {
  api: Api;
  metrics: MetricsSource;
  period: number;
  recorder: EventRecorder;
  memory: Map<string, HPAMemory>;
}

/** One sync of one HPA (reconcileAutoscaler): read the scale, compute the desired count, rescale, write status. */
class HPASync {
  private hpa!: HorizontalPodAutoscaler;
  private conds: Condition[] = [];

  constructor(
    private readonly d: HPADeps,
    private readonly key: string,
    private readonly now: number,
  ) {}

  private setCondition(type: string, status: 'True' | 'False', reason: string, message: string): void {
    this.conds = setCondition(this.conds, { type, status, reason, message }, this.now);
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    return this.d.recorder.event(this.hpa, type, reason, message);
  }

  private async write(st: HorizontalPodAutoscalerStatus): Promise<ReconcileResult> {
    await this.d.api.modify<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', this.hpa.metadata.namespace ?? '', this.hpa.metadata.name ?? '', (o) => {
      o.status = st;
    }, { status: true });
    return { requeueAfterMs: this.d.period };
  }

  async sync(): Promise<ReconcileResult | void> {
    const { namespace, name } = splitNsName(this.key);
    const hpa = this.d.api.get('HorizontalPodAutoscaler', namespace, name);
    if (!hpa) {
      this.d.memory.delete(this.key);
      return;
    }
    if (hpa.metadata.deletionTimestamp) return;
    this.hpa = hpa;
    this.conds = structuredClone((hpa.status?.conditions ?? []) as Condition[]);
    const prev = hpa.status;
    const ref = hpa.spec.scaleTargetRef;
    // Any served kind with a scale subresource: the built-in workloads and custom kinds whose CRD declares one.
    const targetInfo = this.d.api.kinds.get(ref.kind);
    const scalable = hasScale(targetInfo);
    const target = scalable ? this.d.api.get(ref.kind, namespace, ref.name) : undefined;
    if (!target) {
      const why = scalable && targetInfo
        ? `${targetInfo.plural}${targetInfo.group ? `.${targetInfo.group}` : ''} "${ref.name}" not found`
        : `the server could not find the requested resource (kind ${ref.kind} has no scale subresource)`;
      this.setCondition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${why}`);
      await this.event('Warning', 'FailedGetScale', why);
      return this.write({ ...(prev ?? {}), desiredReplicas: prev?.desiredReplicas ?? 0, conditions: this.conds });
    }
    this.setCondition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const scale = readScale(targetInfo!, target);
    const current: number = scale.specReplicas;
    const desired = await this.desiredReplicas(current, scale.selector);
    if ('failed' in desired) return this.write(statusOf(hpa, current, current, desired.metrics, this.conds, prev?.lastScaleTime));
    if (!desired.rescale) return this.write(statusOf(hpa, current, current, desired.metrics, this.conds, prev?.lastScaleTime));
    return this.rescale(current, desired.replicas, desired.reason, desired.metrics);
  }

  /** The count to scale to, with the conditions that explain it; `failed` when no metric gave one. */
  private async desiredReplicas(current: number, selector: string): Promise<{ failed: true; metrics?: MetricStatus[] } | { rescale: boolean; replicas: number; reason: string; metrics?: MetricStatus[] }> {
    const { hpa, now } = this;
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const maxReplicas = hpa.spec.maxReplicas;
    const bounds = replicaBounds(current, minReplicas, maxReplicas);
    const prevMetrics = hpa.status?.currentMetrics;
    if (bounds.action === 'disabled') {
      this.setCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      return { rescale: false, replicas: current, reason: '', metrics: prevMetrics };
    }
    if (bounds.action === 'clamp') return { rescale: true, replicas: bounds.desired, reason: bounds.reason, metrics: prevMetrics };
    const computed = await this.proposal(selector, current);
    if ('error' in computed) {
      this.setCondition('ScalingActive', 'False', computed.failReason, `the HPA was unable to compute the replica count: ${computed.error}`);
      await this.event('Warning', computed.failReason, computed.error);
      await this.event('Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${computed.invalid} invalid out of ${computed.total}), first error is: ${computed.firstError}`);
      return { failed: true, metrics: computed.statuses };
    }
    this.setCondition('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${computed.metricName}`);
    const mem = this.memory();
    const b = hpa.spec.behavior;
    const n = b
      ? normalizeWithBehavior(mem.recommendations, mem.up, mem.down, now, current, computed.replicas, minReplicas, maxReplicas, b.scaleUp, b.scaleDown)
      : normalizeClassic(mem.recommendations, now, current, computed.replicas, minReplicas, maxReplicas);
    this.setCondition('AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message);
    this.setCondition('ScalingLimited', n.limited.status, n.limited.reason, n.limited.message);
    const reason = n.desired > current ? `${computed.metricName} above target` : 'All metrics below target';
    return { rescale: n.desired !== current, replicas: n.desired, reason, metrics: computed.statuses };
  }

  private memory(): HPAMemory {
    let m = this.d.memory.get(this.key);
    if (!m) this.d.memory.set(this.key, (m = { recommendations: [], up: [], down: [] }));
    return m;
  }

  /** The pods the target selects and their metrics, turned into a proposal. */
  private async proposal(selectorText: string, current: number): Promise<MetricsProposal> {
    const namespace = this.hpa.metadata.namespace ?? 'default';
    const selector = parseSelector(selectorText);
    const pods = this.d.api.list('Pod', { namespace, filter: (p) => selector.matches(p.metadata.labels) }).items;
    let samples: PodMetricsSample[] = [];
    let fetchError: string | undefined;
    try {
      samples = await this.d.metrics.podMetrics(namespace);
    } catch (e) {
      fetchError = (e as Error).message;
    }
    return metricsProposal(this.hpa, pods, samples, fetchError, current, this.now);
  }

  /** Writes the new count through the scale subresource and remembers the change for the rate policies. */
  private async rescale(current: number, desired: number, reason: string, metrics: MetricStatus[] | undefined): Promise<ReconcileResult> {
    const { hpa, now } = this;
    const ref = hpa.spec.scaleTargetRef;
    try {
      await this.d.api.scale(ref.kind, hpa.metadata.namespace ?? '', ref.name, desired);
    } catch (e) {
      const msg = (e as Error).message;
      await this.event('Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
      this.setCondition('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
      return this.write(statusOf(hpa, current, current, metrics, this.conds, hpa.status?.lastScaleTime));
    }
    this.setCondition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    await this.event('Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
    if (hpa.spec.behavior) {
      const mem = this.d.memory.get(this.key);
      if (desired > current) mem?.up.push({ change: desired - current, at: now });
      else mem?.down.push({ change: current - desired, at: now });
    }
    return this.write(statusOf(hpa, current, desired, metrics, this.conds, rfc3339(now)));
  }
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
