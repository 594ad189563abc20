// HorizontalPodAutoscaler autoscaling/v1 ⇄ autoscaling/v2, the conversion the
// Kubernetes API server does (pkg/apis/autoscaling/v1/conversion.go, 1.32).
// v1 has one metric, spec.targetCPUUtilizationPercentage (⇄ a Resource cpu
// metric with a Utilization target) and status.currentCPUUtilizationPercentage
// (⇄ the cpu entry of status.currentMetrics). What v1 cannot express travels in
// annotations so a v1 client that reads and writes an object back loses nothing:
//   autoscaling.alpha.kubernetes.io/metrics          the other metrics (v1 MetricSpec JSON)
//   autoscaling.alpha.kubernetes.io/current-metrics  every current metric (v1 MetricStatus JSON)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior, as Go marshals its internal
//                                                    type: Go field names (ScaleUp, SelectPolicy…)
// v1 → v2 reads them back and removes them; a v1 object without any metric
// gets the old implicit default, 80% cpu. Works on plain JSON: input may be
// anything a client sent, so nothing here trusts its shape.
//
// Deviations, on purpose: v1 `status` is written only when the v2 object has
// one (Go always writes `{currentReplicas: 0, desiredReplicas: 0}`), so that
// v2 → v1 → v2 is exact; unknown v1 spec/status fields are carried over
// unchanged so strict field validation still names them; `tolerance` (1.33+)
// is kept in the behavior annotation when set.
import { badRequest } from '../errors.js';
import { clone, type KubeObject } from '../meta.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
/** autoscaling.DefaultCPUUtilization: the target of a v1 HPA that names none. */
export const DEFAULT_CPU_UTILIZATION = 80;

const ROUND_TRIP = [METRIC_SPECS_ANNOTATION, BEHAVIOR_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION];

type J = Record<string, unknown>;

const isObj = (v: unknown): v is J => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): J => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const has = (o: J, k: string) => o[k] !== undefined && o[k] !== null;

/** Copies `from[k]` to `to[as]` when present. */
function copy(to: J, as: string, from: J, k: string = as): void {
  if (has(from, k)) to[as] = from[k];
}

function ref(r: unknown): J {
  const i = obj(r);
  const out: J = { kind: i.kind ?? '', name: i.name ?? '' };
  copy(out, 'apiVersion', i);
  return out;
}

/** A Resource metric on cpu with a Utilization target: the one v1 spells as targetCPUUtilizationPercentage. */
function isCpuUtilization(m: unknown): boolean {
  const r = obj(obj(m).resource);
  return obj(m).type === 'Resource' && r.name === 'cpu' && has(obj(r.target), 'averageUtilization');
}

function cpuMetric(pct: unknown): J {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } };
}

// ---- metric specs and statuses, v2 shape ⇄ v1 (annotation) shape ----

function identifierToV1(out: J, src: J, selectorKey: string): void {
  const metric = obj(src.metric);
  out.metricName = metric.name ?? '';
  if (has(metric, 'selector')) out[selectorKey] = metric.selector;
}

function identifierToV2(src: J, selectorKey: string): J {
  const id: J = { name: src.metricName ?? '' };
  copy(id, 'selector', src, selectorKey);
  return id;
}

function metricSpecToV1(m: unknown): J {
  const i = obj(m);
  const out: J = { type: i.type ?? '' };
  if (isObj(i.object)) {
    const t = obj(i.object.target);
    const v: J = { target: ref(i.object.describedObject) };
    identifierToV1(v, i.object, 'selector');
    v.targetValue = t.value ?? '0';
    copy(v, 'averageValue', t);
    out.object = v;
  }
  if (isObj(i.pods)) {
    const v: J = {};
    identifierToV1(v, i.pods, 'selector');
    v.targetAverageValue = obj(i.pods.target).averageValue ?? '0';
    out.pods = v;
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = i[key];
    if (!isObj(r)) continue;
    const t = obj(r.target);
    const v: J = { name: r.name ?? '' };
    copy(v, 'targetAverageUtilization', t, 'averageUtilization');
    copy(v, 'targetAverageValue', t, 'averageValue');
    if (key === 'containerResource') v.container = r.container ?? '';
    out[key] = v;
  }
  if (isObj(i.external)) {
    const t = obj(i.external.target);
    const v: J = {};
    identifierToV1(v, i.external, 'metricSelector');
    copy(v, 'targetValue', t, 'value');
    copy(v, 'targetAverageValue', t, 'averageValue');
    out.external = v;
  }
  return out;
}

function metricSpecToV2(m: unknown): J {
  const i = obj(m);
  const out: J = { type: i.type ?? '' };
  if (isObj(i.object)) {
    const o = i.object;
    const target: J = { type: has(o, 'averageValue') ? 'AverageValue' : 'Value', value: o.targetValue ?? '0' };
    copy(target, 'averageValue', o);
    out.object = { describedObject: ref(o.target), metric: identifierToV2(o, 'selector'), target };
  }
  if (isObj(i.pods)) {
    out.pods = { metric: identifierToV2(i.pods, 'selector'), target: { type: 'AverageValue', averageValue: i.pods.targetAverageValue ?? '0' } };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = i[key];
    if (!isObj(r)) continue;
    const target: J = { type: has(r, 'targetAverageUtilization') ? 'Utilization' : 'AverageValue' };
    copy(target, 'averageValue', r, 'targetAverageValue');
    copy(target, 'averageUtilization', r, 'targetAverageUtilization');
    out[key] = key === 'containerResource' ? { name: r.name ?? '', container: r.container ?? '', target } : { name: r.name ?? '', target };
  }
  if (isObj(i.external)) {
    const e = i.external;
    const target: J = { type: has(e, 'targetValue') ? 'Value' : 'AverageValue' };
    copy(target, 'value', e, 'targetValue');
    copy(target, 'averageValue', e, 'targetAverageValue');
    out.external = { metric: identifierToV2(e, 'metricSelector'), target };
  }
  return out;
}

function metricStatusToV1(m: unknown): J {
  const i = obj(m);
  const out: J = { type: i.type ?? '' };
  if (isObj(i.object)) {
    const c = obj(i.object.current);
    const v: J = { target: ref(i.object.describedObject) };
    identifierToV1(v, i.object, 'selector');
    v.currentValue = c.value ?? '0';
    copy(v, 'averageValue', c);
    out.object = v;
  }
  if (isObj(i.pods)) {
    const v: J = {};
    identifierToV1(v, i.pods, 'selector');
    v.currentAverageValue = obj(i.pods.current).averageValue ?? '0';
    out.pods = v;
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = i[key];
    if (!isObj(r)) continue;
    const c = obj(r.current);
    const v: J = { name: r.name ?? '' };
    copy(v, 'currentAverageUtilization', c, 'averageUtilization');
    v.currentAverageValue = c.averageValue ?? '0';
    if (key === 'containerResource') v.container = r.container ?? '';
    out[key] = v;
  }
  if (isObj(i.external)) {
    const c = obj(i.external.current);
    const v: J = {};
    identifierToV1(v, i.external, 'metricSelector');
    v.currentValue = c.value ?? '0';
    copy(v, 'currentAverageValue', c, 'averageValue');
    out.external = v;
  }
  return out;
}

function metricStatusToV2(m: unknown): J {
  const i = obj(m);
  const out: J = { type: i.type ?? '' };
  if (isObj(i.object)) {
    const o = i.object;
    const current: J = { value: o.currentValue ?? '0' };
    copy(current, 'averageValue', o);
    out.object = { metric: identifierToV2(o, 'selector'), current, describedObject: ref(o.target) };
  }
  if (isObj(i.pods)) {
    out.pods = { metric: identifierToV2(i.pods, 'selector'), current: { averageValue: i.pods.currentAverageValue ?? '0' } };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = i[key];
    if (!isObj(r)) continue;
    const current: J = { averageValue: r.currentAverageValue ?? '0' };
    copy(current, 'averageUtilization', r, 'currentAverageUtilization');
    out[key] = key === 'containerResource' ? { name: r.name ?? '', container: r.container ?? '', current } : { name: r.name ?? '', current };
  }
  if (isObj(i.external)) {
    const e = i.external;
    const current: J = { value: e.currentValue ?? '0' };
    copy(current, 'averageValue', e, 'currentAverageValue');
    out.external = { metric: identifierToV2(e, 'metricSelector'), current };
  }
  return out;
}

// ---- behavior: Go's json.Marshal of the internal type (no json tags) ----

const RULE_FIELDS: [string, string][] = [
  ['stabilizationWindowSeconds', 'StabilizationWindowSeconds'],
  ['selectPolicy', 'SelectPolicy'],
  ['policies', 'Policies'],
];
const POLICY_FIELDS: [string, string][] = [
  ['type', 'Type'],
  ['value', 'Value'],
  ['periodSeconds', 'PeriodSeconds'],
];

function behaviorToGo(b: J): J {
  const rules = (r: unknown): unknown => {
    if (!isObj(r)) return null;
    const out: J = {};
    for (const [k, g] of RULE_FIELDS) {
      out[g] = k === 'policies' && Array.isArray(r.policies) ? r.policies.map((p) => Object.fromEntries(POLICY_FIELDS.map(([pk, pg]) => [pg, obj(p)[pk] ?? (pk === 'type' ? '' : 0)]))) : (r[k] ?? null);
    }
    if (has(r, 'tolerance')) out.Tolerance = r.tolerance;
    return out;
  };
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

/** encoding/json matches keys exactly, else case-insensitively. */
function field(o: J, name: string): unknown {
  if (name in o) return o[name];
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}

function behaviorFromGo(g: unknown): J | undefined {
  if (!isObj(g)) return undefined;
  const rules = (r: unknown): J | undefined => {
    if (!isObj(r)) return undefined;
    const out: J = {};
    for (const [k, gk] of RULE_FIELDS) {
      const v = field(r, gk);
      if (v === undefined || v === null) continue;
      out[k] = k === 'policies' && Array.isArray(v) ? v.map((p) => Object.fromEntries(POLICY_FIELDS.map(([pk, pg]) => [pk, field(obj(p), pg)]))) : v;
    }
    const tol = field(r, 'Tolerance');
    if (tol !== undefined && tol !== null) out.tolerance = tol;
    return out;
  };
  const out: J = {};
  const up = rules(field(g, 'ScaleUp'));
  const down = rules(field(g, 'ScaleDown'));
  if (up) out.scaleUp = up;
  if (down) out.scaleDown = down;
  return Object.keys(out).length ? out : undefined;
}

// ---- annotations ----

/** DropRoundTripHorizontalPodAutoscalerAnnotations: an annotations map it empties goes too. */
function dropRoundTrip(meta: J): void {
  const a = meta.annotations;
  if (!isObj(a)) return;
  for (const k of ROUND_TRIP) delete a[k];
  if (Object.keys(a).length === 0) delete meta.annotations;
}

function annotate(meta: J, key: string, value: unknown): void {
  const a = isObj(meta.annotations) ? meta.annotations : (meta.annotations = {});
  a[key] = JSON.stringify(value);
}

function readAnnotation(annotations: J, key: string): unknown {
  const raw = annotations[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(String(raw));
  } catch (e) {
    throw badRequest(`the annotation ${key} does not hold valid JSON: ${(e as Error).message}`);
  }
}

// ---- the two directions ----

const V1_SPEC = new Set(['scaleTargetRef', 'minReplicas', 'maxReplicas', 'targetCPUUtilizationPercentage']);
const V1_STATUS = new Set(['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas', 'currentCPUUtilizationPercentage']);
// v2 fields a v1 object cannot carry in place: dropped if a client sends them under v1.
const V2_ONLY_SPEC = new Set(['metrics', 'behavior']);
const V2_ONLY_STATUS = new Set(['currentMetrics', 'conditions']);

/** An autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 (a new object; the input is not touched). */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const { spec: inSpecRaw, status: inStatusRaw, ...rest } = clone(v2) as J;
  const inSpec = obj(inSpecRaw);
  const out = { ...rest, apiVersion: 'autoscaling/v1' } as J;
  const meta = (out.metadata = { ...obj(out.metadata) });
  dropRoundTrip(meta);

  const metrics = arr(inSpec.metrics);
  const spec: J = { scaleTargetRef: ref(inSpec.scaleTargetRef) };
  copy(spec, 'minReplicas', inSpec);
  spec.maxReplicas = inSpec.maxReplicas ?? 0;
  // The first cpu Resource metric decides; only a Utilization target has a v1 spelling.
  const cpu = metrics.find((m) => obj(m).type === 'Resource' && obj(obj(m).resource).name === 'cpu');
  if (cpu && isCpuUtilization(cpu)) spec.targetCPUUtilizationPercentage = obj(obj(obj(cpu).resource).target).averageUtilization;
  out.spec = spec;

  const current = isObj(inStatusRaw) ? arr(inStatusRaw.currentMetrics) : [];
  if (isObj(inStatusRaw)) {
    const s = inStatusRaw;
    const status: J = {};
    copy(status, 'observedGeneration', s);
    copy(status, 'lastScaleTime', s);
    status.currentReplicas = s.currentReplicas ?? 0;
    status.desiredReplicas = s.desiredReplicas ?? 0;
    // No break upstream: the last cpu utilization wins.
    for (const m of current) {
      const r = obj(obj(m).resource);
      if (obj(m).type === 'Resource' && r.name === 'cpu' && has(obj(r.current), 'averageUtilization')) {
        status.currentCPUUtilizationPercentage = obj(r.current).averageUtilization;
      }
    }
    out.status = status;
  }

  const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  if (others.length) annotate(meta, METRIC_SPECS_ANNOTATION, others);
  if (current.length) annotate(meta, METRIC_STATUSES_ANNOTATION, current.map(metricStatusToV1));
  if (isObj(inSpec.behavior)) annotate(meta, BEHAVIOR_ANNOTATION, behaviorToGo(inSpec.behavior));
  const conditions = isObj(inStatusRaw) ? arr(inStatusRaw.conditions) : [];
  if (conditions.length) annotate(meta, CONDITIONS_ANNOTATION, conditions);
  return out as unknown as KubeObject;
}

/** An autoscaling/v1 HorizontalPodAutoscaler as autoscaling/v2 (a new object). Malformed round-trip annotations are a 400. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const { spec: inSpecRaw, status: inStatusRaw, ...rest } = clone(v1) as J;
  const inSpec = obj(inSpecRaw);
  const out = { ...rest, apiVersion: 'autoscaling/v2' } as J;
  const meta = (out.metadata = isObj(out.metadata) ? { ...out.metadata } : out.metadata === undefined ? {} : out.metadata) as J;
  const annotations = isObj(meta.annotations) ? meta.annotations : {};

  const spec: J = {};
  if (inSpec.scaleTargetRef !== undefined) spec.scaleTargetRef = isObj(inSpec.scaleTargetRef) ? ref(inSpec.scaleTargetRef) : inSpec.scaleTargetRef;
  copy(spec, 'minReplicas', inSpec);
  copy(spec, 'maxReplicas', inSpec);
  for (const [k, v] of Object.entries(inSpec)) if (!V1_SPEC.has(k) && !V2_ONLY_SPEC.has(k)) spec[k] = v;
  let metrics: J[] = has(inSpec, 'targetCPUUtilizationPercentage') ? [cpuMetric(inSpec.targetCPUUtilizationPercentage)] : [];
  const others = readAnnotation(annotations, METRIC_SPECS_ANNOTATION);
  // The annotation's metrics first, then the one the v1 field gave (as upstream orders them).
  if (Array.isArray(others)) metrics = [...others.map(metricSpecToV2), ...metrics];
  const behavior = behaviorFromGo(readAnnotation(annotations, BEHAVIOR_ANNOTATION));
  if (behavior) spec.behavior = behavior;
  spec.metrics = metrics.length ? metrics : [cpuMetric(DEFAULT_CPU_UTILIZATION)];
  // A spec that is not an object is passed on for validation to name.
  out.spec = isObj(inSpecRaw) || inSpecRaw === undefined ? spec : inSpecRaw;

  const current = readAnnotation(annotations, METRIC_STATUSES_ANNOTATION);
  const conditions = readAnnotation(annotations, CONDITIONS_ANNOTATION);
  if (isObj(inStatusRaw) || Array.isArray(current) || Array.isArray(conditions)) {
    const s = obj(inStatusRaw);
    const status: J = {};
    copy(status, 'observedGeneration', s);
    copy(status, 'lastScaleTime', s);
    copy(status, 'currentReplicas', s);
    status.desiredReplicas = s.desiredReplicas ?? 0;
    for (const [k, v] of Object.entries(s)) if (!V1_STATUS.has(k) && !V2_ONLY_STATUS.has(k)) status[k] = v;
    // The annotation has more than the v1 field (raw values, other metrics): it wins.
    if (Array.isArray(current)) status.currentMetrics = current.map(metricStatusToV2);
    else if (has(s, 'currentCPUUtilizationPercentage')) {
      status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: s.currentCPUUtilizationPercentage } } }];
    }
    if (Array.isArray(conditions)) status.conditions = conditions;
    out.status = status;
  }
  dropRoundTrip(meta);
  return out as unknown as KubeObject;
}

/**
 * The v1 name of a field a v2 validation error names, for errors answered to a
 * v1 client: the cpu utilization target is `spec.targetCPUUtilizationPercentage`;
 * every other path reads the same in both versions (or has no v1 spelling).
 */
export function hpaV1FieldPath(v2Field: string, v2: KubeObject | undefined): string {
  const m = /^spec\.metrics\[(\d+)\]\.resource\.target\.averageUtilization$/.exec(v2Field);
  if (!m) return v2Field;
  const metric = arr(obj(v2?.spec).metrics)[Number(m[1])];
  return isCpuUtilization(metric) ? 'spec.targetCPUUtilizationPercentage' : v2Field;
}
