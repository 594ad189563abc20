// autoscaling/v2 HorizontalPodAutoscaler.
import type { KubeObject } from '../meta.js';
import { isDNS1123Subdomain } from '../names.js';
import { tryParseQuantity } from '../quantity.js';
import { invalid, isNum, isObj, nonNegative, notSupported, required, str, type Errs } from './field.js';

type J = Record<string, unknown>;

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];
const SOURCE_FIELD: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};

function validateTarget(t: unknown, p: string): Errs {
  if (!isObj(t)) return [required(p)];
  const errs: Errs = [];
  if (!t.type) errs.push(required(`${p}.type`, 'must specify a metric target type'));
  else if (!TARGET_TYPES.includes(str(t.type))) errs.push(notSupported(`${p}.type`, t.type, TARGET_TYPES));
  if (t.averageUtilization !== undefined && !(isNum(t.averageUtilization) && t.averageUtilization > 0)) {
    errs.push(invalid(`${p}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  }
  for (const k of ['value', 'averageValue']) {
    if (t[k] === undefined) continue;
    const q = tryParseQuantity(t[k]);
    if (!q || q.nanos <= 0n) errs.push(invalid(`${p}.${k}`, String(t[k]), 'must be positive'));
  }
  if (t.type === 'Utilization' && t.averageUtilization === undefined) errs.push(required(`${p}.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (t.type === 'Value' && t.value === undefined) errs.push(required(`${p}.value`, 'must set either a target raw value or a target utilization'));
  if (t.type === 'AverageValue' && t.averageValue === undefined) errs.push(required(`${p}.averageValue`, 'must set either a target raw value or a target utilization'));
  return errs;
}

function validateMetric(m: J, p: string): Errs {
  const errs: Errs = [];
  const type = str(m.type);
  if (!type) return [required(`${p}.type`, 'must specify a metric source type')];
  if (!METRIC_TYPES.includes(type)) return [notSupported(`${p}.type`, type, METRIC_TYPES)];
  const field = SOURCE_FIELD[type];
  const present = Object.values(SOURCE_FIELD).filter((f) => m[f] !== undefined);
  if (!isObj(m[field])) errs.push(required(`${p}.${field}`, `must populate information for the given metric source`));
  for (const f of present) if (f !== field) errs.push(invalid(`${p}.${f}`, '', 'must populate the given metric source only'));
  const src = isObj(m[field]) ? (m[field] as J) : undefined;
  if (!src) return errs;
  const sp = `${p}.${field}`;
  if (type === 'Resource' || type === 'ContainerResource') {
    if (!str(src.name)) errs.push(required(`${sp}.name`, 'must specify a resource name'));
    if (type === 'ContainerResource' && !str(src.container)) errs.push(required(`${sp}.container`, 'must specify a container'));
    errs.push(...validateTarget(src.target, `${sp}.target`));
  } else {
    const metric = isObj(src.metric) ? src.metric : {};
    if (!str(metric.name)) errs.push(required(`${sp}.metric.name`, 'must specify a metric name'));
    if (type === 'Object') {
      const d = isObj(src.describedObject) ? src.describedObject : {};
      if (!str(d.kind)) errs.push(required(`${sp}.describedObject.kind`));
      if (!str(d.name)) errs.push(required(`${sp}.describedObject.name`));
    }
    errs.push(...validateTarget(src.target, `${sp}.target`));
  }
  return errs;
}

export function validateHPA(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const ref: J = isObj(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  const rp = 'spec.scaleTargetRef';
  if (!str(ref.kind)) errs.push(required(`${rp}.kind`));
  else if (str(ref.kind).includes('/') || str(ref.kind).includes('%')) errs.push(invalid(`${rp}.kind`, ref.kind, 'may not contain \'/\''));
  if (!str(ref.name)) errs.push(required(`${rp}.name`));
  else for (const m of isDNS1123Subdomain(str(ref.name))) errs.push(invalid(`${rp}.name`, ref.name, m));
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (min !== undefined && min !== null && !(isNum(min) && min >= 1)) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (!isNum(max) || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (isNum(min) && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const metrics = Array.isArray(spec.metrics) ? (spec.metrics as unknown[]) : [];
  metrics.forEach((m, i) => {
    if (isObj(m)) errs.push(...validateMetric(m, `spec.metrics[${i}]`));
  });
  if (isObj(spec.behavior)) {
    for (const dir of ['scaleUp', 'scaleDown']) {
      const r = spec.behavior[dir];
      if (!isObj(r)) continue;
      const p = `spec.behavior.${dir}`;
      const w = r.stabilizationWindowSeconds;
      errs.push(...nonNegative(w, `${p}.stabilizationWindowSeconds`));
      if (isNum(w) && w > 3600) errs.push(invalid(`${p}.stabilizationWindowSeconds`, w, 'must be less than or equal to 3600'));
      if (r.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(str(r.selectPolicy))) {
        errs.push(notSupported(`${p}.selectPolicy`, r.selectPolicy, ['Disabled', 'Max', 'Min']));
      }
      const policies = Array.isArray(r.policies) ? (r.policies as unknown[]) : [];
      policies.forEach((pol, j) => {
        if (!isObj(pol)) return;
        const pp = `${p}.policies[${j}]`;
        if (pol.type !== 'Pods' && pol.type !== 'Percent') errs.push(notSupported(`${pp}.type`, pol.type ?? '', ['Percent', 'Pods']));
        if (!(isNum(pol.value) && pol.value > 0)) errs.push(invalid(`${pp}.value`, pol.value ?? 0, 'must be greater than zero'));
        if (!(isNum(pol.periodSeconds) && pol.periodSeconds > 0)) errs.push(invalid(`${pp}.periodSeconds`, pol.periodSeconds ?? 0, 'must be greater than zero'));
        else if (pol.periodSeconds > 1800) errs.push(invalid(`${pp}.periodSeconds`, pol.periodSeconds, 'must be less than or equal to 1800'));
      });
    }
  }
  return errs;
}
