// policy/v1 PodDisruptionBudget (pkg/apis/policy/validation): minAvailable and
// maxUnavailable are exclusive, each a non-negative integer or a percent of at
// most 100%, the selector is a valid label selector, and
// unhealthyPodEvictionPolicy is one of the two known policies. The spec may be
// changed after creation (policy/v1 lifted the old immutability).
import type { KubeObject } from '../meta.js';
import { notMoreThan100Percent, validatePositiveIntOrPercent } from './apps.js';
import { invalid, isObj, notSupported, type Errs } from './field.js';
import { validateLabelSelector } from './meta.js';

type J = Record<string, unknown>;

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'] as const;

const set = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Go's %#v of the internal PodDisruptionBudgetSpec, as the API server prints it
 * in "minAvailable and maxUnavailable cannot be both set". Go shows the
 * addresses of the set pointers, which differ on every request; a fixed
 * stand-in keeps the message stable.
 */
function goPdbSpec(spec: J): string {
  const ptr = (type: string, v: unknown) => `(*${type})(${set(v) ? '0xc000000000' : 'nil'})`;
  return (
    `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr('intstr.IntOrString', spec.minAvailable)}, ` +
    `Selector:${ptr('v1.LabelSelector', spec.selector)}, MaxUnavailable:${ptr('intstr.IntOrString', spec.maxUnavailable)}, ` +
    `UnhealthyPodEvictionPolicy:${ptr('policy.UnhealthyPodEvictionPolicyType', spec.unhealthyPodEvictionPolicy)}}`
  );
}

export function validatePodDisruptionBudget(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  if (set(spec.minAvailable) && set(spec.maxUnavailable)) {
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set', goPdbSpec(spec)));
  }
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    if (!set(spec[f])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`));
    errs.push(...notMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (set(policy) && !(UNHEALTHY_POD_EVICTION_POLICIES as readonly unknown[]).includes(policy)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}
