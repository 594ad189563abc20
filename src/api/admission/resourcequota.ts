// The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota):
// a create that would push any quota of the namespace past `hard` is refused
// with Kubernetes' message, e.g.
//   pods "web" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=3, limited: requests.cpu=4
// and a pod without a request the quota tracks is refused with
//   failed quota: compute: must specify requests.cpu
// Usage is counted live from the store, so it never lags behind status.used.
import { addQuantities, compareQuantities, formatQuantity, type Quantity } from '../quantity.js';
import type { ResourceQuota } from '../types/config.js';
import { admissionForbidden } from './forbidden.js';
import { namespaceUsage, objectUsage, requiredPodResource } from './quota-usage.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

function pretty(m: Map<string, Quantity | string>): string {
  return [...m.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(m.get(k)!)}`)
    .join(',');
}

export function resourceQuotaPlugin(): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    admit(attrs: AdmissionAttributes): void {
      const obj = attrs.object;
      const ns = obj.metadata.namespace;
      if (!ns) return;
      const quotas = attrs.store.list<ResourceQuota>('ResourceQuota', { namespace: ns }).items;
      if (!quotas.length) return;
      for (const q of [...quotas].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
        const hard = q.spec?.hard ?? {};
        const names = Object.keys(hard);
        const relevant = names.filter((n) => objectUsage(obj, n) !== undefined);
        if (!relevant.length) continue;
        if (obj.kind === 'Pod') {
          const missing: string[] = [];
          for (const n of relevant) {
            const req = requiredPodResource(n);
            if (!req) continue;
            const has = ((obj.spec?.containers ?? []) as { resources?: Record<string, Record<string, unknown>> }[]).every(
              (c) => c.resources?.[req.field]?.[req.res] !== undefined,
            );
            if (!has) missing.push(n);
          }
          if (missing.length) throw admissionForbidden(obj, `failed quota: ${q.metadata.name}: must specify ${missing.sort().join(',')}`);
        }
        const used = namespaceUsage(attrs.store, ns, relevant, attrs.operation === 'UPDATE' ? { kind: obj.kind, name: obj.metadata.name ?? '' } : undefined);
        const reqd = new Map<string, Quantity>();
        const usedF = new Map<string, Quantity>();
        const hardF = new Map<string, string>();
        for (const n of relevant) {
          const delta = objectUsage(obj, n)!;
          if (compareQuantities(delta, 0) === 0 && attrs.operation === 'CREATE') continue;
          // An update is refused only for what it increases.
          const before = attrs.oldObject ? objectUsage(attrs.oldObject, n) : undefined;
          if (attrs.operation === 'UPDATE' && before && compareQuantities(delta, before) <= 0) continue;
          const after = addQuantities(used.get(n)!, delta);
          if (compareQuantities(after, hard[n]) > 0) {
            reqd.set(n, delta);
            usedF.set(n, used.get(n)!);
            hardF.set(n, String(hard[n]));
          }
        }
        if (reqd.size) {
          throw admissionForbidden(obj, `exceeded quota: ${q.metadata.name}, requested: ${pretty(reqd)}, used: ${pretty(usedF)}, limited: ${pretty(hardF)}`);
        }
      }
    },
  };
}
