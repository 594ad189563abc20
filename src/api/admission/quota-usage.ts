// What a ResourceQuota counts (pkg/quota/v1/evaluator/core): pods and their
// requests/limits, PVC counts and storage, object counts by name
// (`services`, `configmaps`, `secrets`, `persistentvolumeclaims`, …) and the
// generic `count/<resource>[.<group>]`. Shared by the quota admission plugin
// (usage of one new object) and the quota controller (status.used).
import { KINDS, kindInfo, type KindInfo } from '../kinds.js';
import type { KubeObject } from '../meta.js';
import { addQuantities, parseQuantity, type Quantity } from '../quantity.js';
import type { ObjectStore } from '../store-types.js';
import { podCountsForQuota, podLimits, podRequests } from './resources.js';

const OBJECT_COUNTS: Record<string, string> = {
  pods: 'Pod',
  services: 'Service',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  replicationcontrollers: 'ReplicationController',
  resourcequotas: 'ResourceQuota',
};

/** The kind a `count/<resource>[.<group>]` name counts. */
function countKind(resourceName: string): KindInfo | undefined {
  if (!resourceName.startsWith('count/')) return undefined;
  const rest = resourceName.slice('count/'.length);
  const dot = rest.indexOf('.');
  const plural = dot < 0 ? rest : rest.slice(0, dot);
  const group = dot < 0 ? '' : rest.slice(dot + 1);
  return KINDS.find((k) => k.plural === plural && k.group === group);
}

/** The usage of resource `name` contributed by one object (undefined: this quota resource does not count it). */
export function objectUsage(obj: KubeObject, name: string): Quantity | undefined {
  const ck = countKind(name);
  if (ck) return ck.kind === obj.kind ? parseQuantity(1) : undefined;
  if (OBJECT_COUNTS[name]) {
    if (OBJECT_COUNTS[name] !== obj.kind) return undefined;
    if (obj.kind === 'Pod' && !podCountsForQuota(obj)) return parseQuantity(0);
    return parseQuantity(1);
  }
  if (obj.kind === 'Service') {
    if (name === 'services.loadbalancers') return parseQuantity(obj.spec?.type === 'LoadBalancer' ? 1 : 0);
    if (name === 'services.nodeports') {
      const np = obj.spec?.type === 'NodePort' || obj.spec?.type === 'LoadBalancer' ? (obj.spec?.ports ?? []).length : 0;
      return parseQuantity(np);
    }
    return undefined;
  }
  if (obj.kind === 'PersistentVolumeClaim') {
    if (name === 'requests.storage') return parseQuantity(obj.spec?.resources?.requests?.storage ?? 0);
    const m = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/.exec(name);
    if (m) {
      if ((obj.spec?.storageClassName ?? '') !== m[1]) return parseQuantity(0);
      return m[2] === 'persistentvolumeclaims' ? parseQuantity(1) : parseQuantity(obj.spec?.resources?.requests?.storage ?? 0);
    }
    return undefined;
  }
  if (obj.kind === 'Pod') {
    if (!podCountsForQuota(obj)) return parseQuantity(0);
    const m = /^(requests|limits)\.(.+)$/.exec(name);
    const [field, res] = m ? [m[1], m[2]] : ['requests', name];
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(res) && !res.includes('/')) return undefined;
    const totals = field === 'limits' ? podLimits(obj) : podRequests(obj);
    return totals.get(res) ?? parseQuantity(0);
  }
  return undefined;
}

/** The kinds a quota resource name counts (for listing usage). */
export function kindsFor(name: string): string[] {
  const ck = countKind(name);
  if (ck) return [ck.kind];
  if (OBJECT_COUNTS[name]) return [OBJECT_COUNTS[name]];
  if (name.startsWith('services.')) return ['Service'];
  if (name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/')) return ['PersistentVolumeClaim'];
  if (/^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/.test(name) || /^(requests|limits)\./.test(name)) return ['Pod'];
  return [];
}

/** Whether a pod resource must be specified for this quota to evaluate it (requests.cpu needs a cpu request). */
export function requiredPodResource(name: string): { field: 'requests' | 'limits'; res: string } | undefined {
  const m = /^(requests|limits)\.(cpu|memory)$/.exec(name) ?? /^()(cpu|memory)$/.exec(name);
  if (!m) return undefined;
  return { field: (m[1] || 'requests') as 'requests' | 'limits', res: m[2] };
}

/** status.used for the quota's hard resources in `namespace`, optionally leaving one object out (an update replaces it). */
export function namespaceUsage(store: Pick<ObjectStore, 'list'>, namespace: string, names: string[], except?: { kind: string; name: string }): Map<string, Quantity> {
  const used = new Map<string, Quantity>();
  const cache = new Map<string, KubeObject[]>();
  for (const name of names) {
    let total = parseQuantity(0);
    for (const kind of kindsFor(name)) {
      if (!kindInfo(kind)) continue;
      if (!cache.has(kind)) cache.set(kind, store.list(kind, { namespace }).items);
      for (const o of cache.get(kind)!) {
        if (except && o.kind === except.kind && o.metadata.name === except.name) continue;
        const u = objectUsage(o, name);
        if (u) total = addQuantities(total, u);
      }
    }
    used.set(name, total);
  }
  return used;
}
