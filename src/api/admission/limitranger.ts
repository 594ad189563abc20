// The LimitRanger admission plugin (plugin/pkg/admission/limitranger): on pod
// create, containers get the namespace's LimitRange `default` limits and
// `defaultRequest` requests where they have none (noted in the
// kubernetes.io/limit-ranger annotation), then every Container/Pod item's
// min, max and maxLimitRequestRatio are enforced with Kubernetes' messages,
// e.g. `pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2`.
// PersistentVolumeClaim items bound the claim's storage request.
import type { KubeObject } from '../meta.js';
import { compareQuantities, formatQuantity, parseQuantity, quantityMilliValue, quantityValue, type Quantity } from '../quantity.js';
import type { LimitRange, LimitRangeItem } from '../types/config.js';
import { admissionForbidden } from './forbidden.js';
import { podLimits, podRequests } from './resources.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
type List = Record<string, string | number>;
const MAX_MILLI_VALUE = 9_223_372_036_854_775n / 1000n; // resource.MaxMilliValue

function str(q: string | number | Quantity): string {
  return formatQuantity(q);
}

function minConstraint(type: string, res: string, enforced: string | number, req: Map<string, Quantity>, lim: Map<string, Quantity>): string | undefined {
  const r = req.get(res);
  const l = lim.get(res);
  if (!r) return `minimum ${res} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (compareQuantities(r, enforced) < 0) return `minimum ${res} usage per ${type} is ${str(enforced)}, but request is ${str(r)}`;
  if (l && compareQuantities(l, enforced) < 0) return `minimum ${res} usage per ${type} is ${str(enforced)}, but limit is ${str(l)}`;
  return undefined;
}

function maxConstraint(type: string, res: string, enforced: string | number, req: Map<string, Quantity>, lim: Map<string, Quantity>): string | undefined {
  const r = req.get(res);
  const l = lim.get(res);
  if (!l) return `maximum ${res} usage per ${type} is ${str(enforced)}.  No limit is specified`;
  if (compareQuantities(l, enforced) > 0) return `maximum ${res} usage per ${type} is ${str(enforced)}, but limit is ${str(l)}`;
  if (r && compareQuantities(r, enforced) > 0) return `maximum ${res} usage per ${type} is ${str(enforced)}, but request is ${str(r)}`;
  return undefined;
}

function ratioConstraint(type: string, res: string, enforced: string | number, req: Map<string, Quantity>, lim: Map<string, Quantity>): string | undefined {
  const r = req.get(res);
  const l = lim.get(res);
  if (!r || compareQuantities(r, 0) === 0) return `${res} max limit to request ratio per ${type} is ${str(enforced)}, but no request is specified or request is 0`;
  if (!l || compareQuantities(l, 0) === 0) return `${res} max limit to request ratio per ${type} is ${str(enforced)}, but no limit is specified or limit is 0`;
  const useMilli = quantityValue(enforced) <= MAX_MILLI_VALUE;
  const rv = Number(useMilli ? quantityMilliValue(r) : quantityValue(r));
  const lv = Number(useMilli ? quantityMilliValue(l) : quantityValue(l));
  const observed = lv / rv;
  const max = Number(useMilli ? quantityMilliValue(enforced) : quantityValue(enforced)) / (useMilli ? 1000 : 1);
  if (observed > max) return `${res} max limit to request ratio per ${type} is ${str(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function check(type: string, item: LimitRangeItem, req: Map<string, Quantity>, lim: Map<string, Quantity>): string[] {
  const errs: string[] = [];
  for (const [res, v] of Object.entries((item.min ?? {}) as List)) {
    const e = minConstraint(type, res, v, req, lim);
    if (e) errs.push(e);
  }
  for (const [res, v] of Object.entries((item.max ?? {}) as List)) {
    const e = maxConstraint(type, res, v, req, lim);
    if (e) errs.push(e);
  }
  for (const [res, v] of Object.entries((item.maxLimitRequestRatio ?? {}) as List)) {
    const e = ratioConstraint(type, res, v, req, lim);
    if (e) errs.push(e);
  }
  return errs;
}

function toMap(l: List | undefined): Map<string, Quantity> {
  return new Map(Object.entries(l ?? {}).map(([k, v]) => [k, parseQuantity(v)]));
}

/** Applies default limits/requests to one container list; returns the annotation notes. */
function applyDefaults(containers: any[], item: LimitRangeItem, notes: { req: string[]; lim: string[] }, init: boolean): void {
  for (const c of containers) {
    const res = (c.resources ??= {});
    const setReq: string[] = [];
    const setLim: string[] = [];
    for (const [k, v] of Object.entries((item.default ?? {}) as List)) {
      if (res.limits?.[k] === undefined) {
        (res.limits ??= {})[k] = v;
        setLim.push(k);
      }
    }
    for (const [k, v] of Object.entries((item.defaultRequest ?? {}) as List)) {
      if (res.requests?.[k] === undefined) {
        (res.requests ??= {})[k] = v;
        setReq.push(k);
      }
    }
    if (setReq.length) notes.req.push(`${setReq.join(', ')} request for ${init ? 'init container' : 'container'} ${c.name}`);
    if (setLim.length) notes.lim.push(`${setLim.join(', ')} limit for ${init ? 'init container' : 'container'} ${c.name}`);
  }
}

export function limitRangerPlugin(): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    admit(attrs: AdmissionAttributes): void {
      const obj = attrs.object;
      if (attrs.operation !== 'CREATE') return;
      if (obj.kind !== 'Pod' && obj.kind !== 'PersistentVolumeClaim') return;
      const ns = obj.metadata.namespace;
      if (!ns) return;
      const ranges = attrs.store.list<LimitRange>('LimitRange', { namespace: ns }).items;
      if (!ranges.length) return;
      const errs: string[] = [];
      if (obj.kind === 'PersistentVolumeClaim') {
        for (const lr of ranges) {
          for (const item of lr.spec?.limits ?? []) {
            if (item.type !== 'PersistentVolumeClaim') continue;
            // Claims are bounded by what they request; their limits are not user input here (as in Kubernetes).
            const req = toMap(obj.spec?.resources?.requests);
            for (const [res, v] of Object.entries((item.min ?? {}) as List)) {
              const e = minConstraint('PersistentVolumeClaim', res, v, req, new Map());
              if (e) errs.push(e);
            }
            for (const [res, v] of Object.entries((item.max ?? {}) as List)) {
              const r = req.get(res);
              if (!r) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${str(v)}.  No request is specified`);
              else if (compareQuantities(r, v) > 0) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${str(v)}, but request is ${str(r)}`);
            }
          }
        }
      } else {
        const spec = (obj.spec ??= {});
        const notes = { req: [] as string[], lim: [] as string[] };
        for (const lr of ranges) {
          for (const item of lr.spec?.limits ?? []) {
            if (item.type !== 'Container') continue;
            applyDefaults(spec.containers ?? [], item, notes, false);
            applyDefaults(spec.initContainers ?? [], item, notes, true);
          }
        }
        if (notes.req.length || notes.lim.length) {
          const parts = [...notes.req, ...notes.lim];
          obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${parts.join('; ')}` };
        }
        for (const lr of ranges) {
          for (const item of lr.spec?.limits ?? []) {
            if (item.type === 'Container') {
              for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
                errs.push(...check('Container', item, toMap(c.resources?.requests), toMap(c.resources?.limits)));
              }
            } else if (item.type === 'Pod') {
              errs.push(...check('Pod', item, podRequests(obj as KubeObject), podLimits(obj as KubeObject)));
            }
          }
        }
      }
      if (errs.length === 1) throw admissionForbidden(obj, errs[0]);
      if (errs.length > 1) throw admissionForbidden(obj, `[${errs.join(', ')}]`);
    },
  };
}
