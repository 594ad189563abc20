// Defaults for Namespace, Node, Secret, HPA, LimitRange and PriorityClass.
import { child, isObj, setIfUnset, type Json } from './normalize.js';

export function defaultNamespace(obj: Json): void {
  const meta = child(obj, 'metadata');
  // Every namespace carries its own name as a label, so namespaceSelectors can pick it.
  if (typeof meta.name === 'string' && meta.name) child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  const spec = child(obj, 'spec');
  if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  setIfUnset(child(obj, 'status'), 'phase', 'Active');
}

export function defaultNode(obj: Json): void {
  const status = obj.status;
  if (isObj(status) && isObj(status.capacity) && !isObj(status.allocatable)) status.allocatable = { ...status.capacity };
}

/** stringData is write-only: it is merged into data (base64) and dropped, as Kubernetes' conversion does. */
export function defaultSecret(obj: Json): void {
  setIfUnset(obj, 'type', 'Opaque');
  if (isObj(obj.stringData)) {
    const data = child(obj, 'data');
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
    delete obj.stringData;
  }
}

function defaultScalingRules(rules: Json, up: boolean): void {
  if (rules.stabilizationWindowSeconds === undefined) rules.stabilizationWindowSeconds = up ? 0 : 300;
  setIfUnset(rules, 'selectPolicy', 'Max');
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) {
    rules.policies = up
      ? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  }
}

export function defaultHPA(obj: Json): void {
  const spec = child(obj, 'spec');
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  if (isObj(spec.behavior)) {
    defaultScalingRules(child(spec.behavior, 'scaleUp'), true);
    defaultScalingRules(child(spec.behavior, 'scaleDown'), false);
  }
}

export function defaultLimitRange(obj: Json): void {
  const spec = obj.spec;
  if (!isObj(spec) || !Array.isArray(spec.limits)) return;
  for (const item of spec.limits) {
    if (!isObj(item) || item.type !== 'Container') continue;
    const def: Json = isObj(item.default) ? item.default : {};
    const defReq: Json = isObj(item.defaultRequest) ? item.defaultRequest : {};
    // Default limit falls back to max; default request to the default limit, then to min.
    if (isObj(item.max)) for (const [k, v] of Object.entries(item.max)) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    if (isObj(item.min)) for (const [k, v] of Object.entries(item.min)) if (defReq[k] === undefined) defReq[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
}

export function defaultPriorityClass(obj: Json): void {
  setIfUnset(obj, 'preemptionPolicy', 'PreemptLowerPriority');
}
