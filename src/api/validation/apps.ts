// apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision
// (pkg/apis/apps/validation plus the selector immutability of the v1 strategies).
import type { KubeObject, LabelSelector } from '../meta.js';
import { isValidPercent } from '../names.js';
import { forbidden, invalid, isObj, nonNegative, notSupported, required, type Errs } from './field.js';
import { goIntOrString, goLabelSelector, goStringMap } from './gofmt.js';
import { selectorIsEmpty, selectorMatches, validateAnnotations, validateLabels, validateLabelSelector } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';

type J = Record<string, unknown>;

function templateLabels(spec: J): Record<string, string> | undefined {
  const t = spec.template;
  return isObj(t) && isObj(t.metadata) ? (t.metadata.labels as Record<string, string> | undefined) : undefined;
}

/**
 * The selector checks every apps kind shares: required, syntactically valid, not
 * empty, and matching the template's labels. Returns whether the selector parsed
 * (Kubernetes skips template checks when it does not).
 */
function validateSelectorAndTemplateLabels(spec: J, kindWord: string, errs: Errs): boolean {
  const sel = spec.selector as LabelSelector | undefined;
  if (!isObj(sel)) {
    errs.push(required('spec.selector'));
    return false;
  }
  const selErrs = validateLabelSelector(sel, 'spec.selector');
  errs.push(...selErrs);
  if (selectorIsEmpty(sel)) errs.push(invalid('spec.selector', sel, `empty selector is invalid for ${kindWord}`, goLabelSelector(sel)));
  if (selErrs.length) {
    errs.push(invalid('spec.selector', sel, 'invalid label selector', goLabelSelector(sel)));
    return false;
  }
  const labels = templateLabels(spec);
  if (!selectorIsEmpty(sel) && !selectorMatches(sel, labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`', goStringMap(labels)));
  }
  return true;
}

/** Templates of Deployments/ReplicaSets/DaemonSets/StatefulSets must restart Always and have no deadline. */
function validateAlwaysRestartTemplate(spec: J, kind: string, errs: Errs): void {
  const t = spec.template;
  const ps = isObj(t) && isObj(t.spec) ? t.spec : {};
  const rp = ps.restartPolicy;
  if (rp !== undefined && rp !== 'Always') {
    errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  }
  if (ps.activeDeadlineSeconds !== undefined && ps.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`));
  }
}

function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  return typeof v === 'number' ? v : 0;
}

/** ValidatePositiveIntOrPercent (also used by policy/v1 PodDisruptionBudgets). */
export function validatePositiveIntOrPercent(v: unknown, path: string): Errs {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, v, m, goIntOrString(v)));
  if (typeof v === 'number') return nonNegative(v, path);
  return [invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: string): Errs {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalid(path, v, 'must not be greater than 100%', goIntOrString(v))] : [];
}

function validateTemplate(spec: J, errs: Errs): void {
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
}

function validateDeploymentStrategy(strategy: unknown, errs: Errs): void {
  const s: J = isObj(strategy) ? strategy : {};
  const ru = isObj(s.rollingUpdate) ? s.rollingUpdate : undefined;
  switch (s.type) {
    case 'Recreate':
      if (ru) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      if (!ru) {
        errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
        break;
      }
      const p = 'spec.strategy.rollingUpdate';
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0', goIntOrString(ru.maxUnavailable ?? 0)));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      break;
    }
    default:
      errs.push(
        notSupported('spec.strategy', s, ['Recreate', 'RollingUpdate'], `apps.DeploymentStrategy{Type:${JSON.stringify(String(s.type ?? ''))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`),
      );
  }
}

export function validateDeployment(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [...nonNegative(spec.replicas, 'spec.replicas')];
  if (validateSelectorAndTemplateLabels(spec, 'deployment', errs)) {
    validateTemplate(spec, errs);
    validateAlwaysRestartTemplate(spec, 'ReplicaSet', errs);
  }
  validateDeploymentStrategy(spec.strategy, errs);
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds !== null) {
    const pds = nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
    errs.push(...pds);
    if (!pds.length && Number(spec.progressDeadlineSeconds) <= Number(spec.minReadySeconds ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export function validateReplicaSet(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  // Kubernetes reuses the Deployment wording for ReplicaSets' empty selectors.
  if (validateSelectorAndTemplateLabels(spec, 'deployment', errs) && spec.template !== undefined) {
    validateTemplate(spec, errs);
    validateAlwaysRestartTemplate(spec, 'ReplicaSet', errs);
  }
  return errs;
}

export function validateStatefulSet(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us: J = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  const ru = isObj(us.rollingUpdate) ? us.rollingUpdate : undefined;
  switch (us.type) {
    case undefined:
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (ru) errs.push(invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        errs.push(...nonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition'));
        if (ru.maxUnavailable !== undefined) {
          const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(p, ru.maxUnavailable, 'cannot be 0', goIntOrString(ru.maxUnavailable)));
          errs.push(...notMoreThan100Percent(ru.maxUnavailable, p));
        }
      }
      break;
    default:
      errs.push(
        invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'", `apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(String(us.type))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`),
      );
  }
  const ret = spec.persistentVolumeClaimRetentionPolicy;
  if (isObj(ret)) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      if (ret[k] !== 'Retain' && ret[k] !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, ret[k] ?? '', ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (isObj(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  if (validateSelectorAndTemplateLabels(spec, 'statefulset', errs)) {
    // Kubernetes checks only the template's labels and annotations here; kubeterm also checks its PodSpec so a
    // bad template is refused up front instead of failing every Pod the controller creates. Mounts may name
    // the volumeClaimTemplates.
    const claims = Array.isArray(spec.volumeClaimTemplates)
      ? spec.volumeClaimTemplates.map((c) => (isObj(c) && isObj(c.metadata) ? String(c.metadata.name ?? '') : '')).filter(Boolean)
      : [];
    errs.push(...validatePodTemplateSpec(spec.template, 'spec.template', { extraVolumes: claims }));
  } else if (isObj(spec.template) && isObj(spec.template.metadata)) {
    errs.push(...validateLabels(spec.template.metadata.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(spec.template.metadata.annotations, 'spec.template.annotations'));
  }
  validateAlwaysRestartTemplate(spec, 'StatefulSet', errs);
  return errs;
}

export function validateDaemonSet(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const sel = spec.selector as LabelSelector | undefined;
  errs.push(...validateLabelSelector(sel, 'spec.selector'));
  const labels = templateLabels(spec);
  if (isObj(sel) && !selectorIsEmpty(sel) && !selectorMatches(sel, labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`', goStringMap(labels)));
  }
  if (!isObj(sel)) errs.push(required('spec.selector'));
  else if (selectorIsEmpty(sel)) errs.push(invalid('spec.selector', sel, 'empty selector is invalid for daemonset', goLabelSelector(sel)));
  validateTemplate(spec, errs);
  validateAlwaysRestartTemplate(spec, 'DaemonSet', errs);
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const us: J = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  if (us.type === 'RollingUpdate') {
    const ru = isObj(us.rollingUpdate) ? us.rollingUpdate : undefined;
    if (!ru) errs.push(required('spec.updateStrategy.rollingUpdate'));
    else {
      const p = 'spec.updateStrategy.rollingUpdate';
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero', goIntOrString(ru.maxSurge)));
      if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
    }
  } else if (us.type !== 'OnDelete') {
    errs.push(
      notSupported('spec.updateStrategy', us, ['RollingUpdate', 'OnDelete'], `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(String(us.type ?? ''))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`),
    );
  }
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateControllerRevision(obj: KubeObject): Errs {
  const errs: Errs = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
}

/** spec.selector cannot change once set (apps/v1 strategies). */
export function validateSelectorImmutable(obj: KubeObject, old: KubeObject): Errs {
  const a = obj.spec?.selector;
  const b = old.spec?.selector;
  if (JSON.stringify(canonicalSelector(a)) === JSON.stringify(canonicalSelector(b))) return [];
  return [invalid('spec.selector', a ?? null, 'field is immutable', goLabelSelector(a))];
}

function canonicalSelector(sel: unknown): unknown {
  if (!isObj(sel)) return null;
  const ml = isObj(sel.matchLabels) ? Object.fromEntries(Object.entries(sel.matchLabels).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : {};
  return { matchLabels: ml, matchExpressions: Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [] };
}

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): Errs {
  const strip = (o: KubeObject) => {
    const s: J = { ...(isObj(o.spec) ? o.spec : {}) };
    for (const k of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) delete s[k];
    return JSON.stringify(sortKeys(s));
  };
  if (strip(obj) !== strip(old)) {
    return [
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  }
  return [];
}

export function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): Errs {
  return JSON.stringify(sortKeys(obj.data)) === JSON.stringify(sortKeys(old.data)) ? [] : [invalid('data', obj.data ?? null, 'field is immutable')];
}

/** Key-order-independent JSON comparison helper. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
