// The endpoints controller (kubernetes pkg/controller/endpoint) and its
// EndpointSlice mirror (pkg/controller/endpointslice): for every Service with
// a selector, an Endpoints object of the same name lists the selected pods
// that have an IP — Ready ones under `addresses`, the others under
// `notReadyAddresses` — with each Service port resolved per pod (a named
// targetPort is looked up in that pod's container ports). Terminating and
// finished pods are left out. Services without a selector are not touched, so
// hand-written Endpoints stay. One EndpointSlice per Service carries the same
// set with ready/serving/terminating conditions.
import type { Api } from '../api/api.js';
import { ownerRef } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { splitNsName, type KubeObject } from '../api/meta.js';
import { selectorFromSet } from '../api/selectors.js';
import type { WatchEvent } from '../api/store-types.js';
import type { EndpointAddress, EndpointPort, EndpointSlice, EndpointSubset, Endpoints, Service, ServicePort } from '../api/types/service.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';
import { isPodReady } from './pod-util.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointsControllerOptions {
  api: Api;
  clock: Clock;
  /** Also maintain discovery.k8s.io/v1 EndpointSlices (default true). */
  slices?: boolean;
  workers?: number;
}

interface Container {
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

/**
 * FindPort: a numeric targetPort is used as-is; a named one is the pod's
 * container port of that name and protocol, or undefined when the pod has none.
 */
export function findPort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const proto = sp.protocol ?? 'TCP';
  for (const c of (pod.spec?.containers ?? []) as Container[]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  }
  return undefined;
}

/** ShouldPodBeInEndpoints: has an IP, is not being deleted (unless tolerated) and has not finished. */
function podInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function address(pod: KubeObject, svc: Service): EndpointAddress {
  const a: EndpointAddress = { ip: pod.status.podIP as string };
  // A pod whose subdomain names this Service is reachable as <hostname>.<svc> (StatefulSets).
  if (pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name) a.hostname = pod.spec.hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return a;
}

const addrOrder = (a: EndpointAddress, b: EndpointAddress) =>
  a.ip.localeCompare(b.ip, 'en', { numeric: true }) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');

/** The selected pods of a Service. */
export function selectedPods(api: Api, svc: Service): KubeObject[] {
  const sel = selectorFromSet(svc.spec.selector);
  return api.list('Pod', { namespace: svc.metadata.namespace, filter: (p) => sel.matches(p.metadata.labels) }).items;
}

/**
 * The Endpoints subsets for a Service and its pods, repacked as Kubernetes
 * does: pods that resolve to the same port list share a subset; addresses
 * sorted by IP.
 */
export function buildSubsets(svc: Service, pods: KubeObject[]): EndpointSubset[] {
  const tolerate = !!svc.spec.publishNotReadyAddresses;
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  const headlessNoPorts = svc.spec.clusterIP === 'None' && !(svc.spec.ports ?? []).length;
  for (const pod of pods) {
    if (!podInEndpoints(pod, tolerate)) continue;
    const ports: EndpointPort[] = [];
    if (!headlessNoPorts) {
      for (const sp of svc.spec.ports ?? []) {
        const port = findPort(pod, sp);
        if (port === undefined) continue; // this pod does not expose the named port
        ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
      }
      if (!ports.length) continue;
    }
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, ready: [], notReady: [] }));
    (tolerate || isPodReady(pod) ? g.ready : g.notReady).push(address(pod, svc));
  }
  const out: EndpointSubset[] = [];
  for (const g of [...groups.values()].sort((a, b) => JSON.stringify(a.ports).localeCompare(JSON.stringify(b.ports)))) {
    out.push({
      ...(g.ready.length ? { addresses: g.ready.sort(addrOrder) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(addrOrder) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    });
  }
  return out;
}

/** The EndpointSlice endpoints: every pod with an IP, terminating ones flagged. */
export function buildSliceEndpoints(svc: Service, pods: KubeObject[]): { endpoints: EndpointSlice['endpoints']; ports: EndpointPort[] } {
  const endpoints: EndpointSlice['endpoints'] = [];
  const portSet = new Map<string, EndpointPort>();
  for (const pod of pods) {
    if (!podInEndpoints(pod, true)) continue;
    for (const sp of svc.spec.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      portSet.set(`${sp.name ?? ''}/${sp.protocol ?? 'TCP'}`, { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const terminating = !!pod.metadata.deletionTimestamp;
    const ready = isPodReady(pod);
    const a = address(pod, svc);
    endpoints.push({
      addresses: [a.ip],
      conditions: { ready: (ready || !!svc.spec.publishNotReadyAddresses) && !terminating, serving: ready, terminating },
      ...(a.hostname ? { hostname: a.hostname } : {}),
      ...(a.targetRef ? { targetRef: a.targetRef } : {}),
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    });
  }
  endpoints.sort((a, b) => a.addresses[0].localeCompare(b.addresses[0], 'en', { numeric: true }));
  return { endpoints, ports: [...portSet.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')) };
}

function endpointLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

export function newEndpointsController(opts: EndpointsControllerOptions): Controller {
  const { api, clock } = opts;
  const slices = opts.slices ?? true;

  /** Pod events → every Service in the pod's namespace whose selector matches the old or new labels. */
  const podKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>();
    const ns = ev.object.metadata.namespace;
    const services = api.list('Service', { namespace: ns }).items;
    for (const pod of [ev.object, ev.oldObject]) {
      if (!pod) continue;
      for (const svc of services) {
        if (!svc.spec?.selector) continue;
        if (selectorFromSet(svc.spec.selector).matches(pod.metadata.labels)) keys.add(`${ns}/${svc.metadata.name}`);
      }
    }
    return [...keys];
  };
  /** Our own objects changed by someone else: put them back (only for Services we manage). */
  const ownedKeys = (ev: WatchEvent): string[] => {
    const ns = ev.object.metadata.namespace ?? 'default';
    let svcName = ev.object.metadata.name ?? '';
    if (ev.object.kind === 'EndpointSlice') {
      if (ev.object.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return [];
      svcName = ev.object.metadata.labels?.[SERVICE_NAME_LABEL] ?? '';
    }
    const svc = api.get('Service', ns, svcName);
    return svc?.spec?.selector && svc.spec.type !== 'ExternalName' ? [`${ns}/${svcName}`] : [];
  };

  const reconcile = async (key: string): Promise<void> => {
    const { namespace, name } = splitNsName(key);
    const svc = api.get('Service', namespace, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      // The Service is gone: so are its Endpoints (slices go with their owner reference, or here).
      await deleteIfPresent(api, 'Endpoints', namespace, name, (ep) => !!ep);
      if (slices) for (const s of ourSlices(api, namespace, name)) await deleteIfPresent(api, 'EndpointSlice', namespace, s.metadata.name!, () => true);
      return;
    }
    if (!svc.spec?.selector || svc.spec.type === 'ExternalName') return; // user-managed Endpoints
    const pods = selectedPods(api, svc);
    await syncEndpoints(api, svc, buildSubsets(svc, pods));
    if (slices) await syncSlice(api, svc, buildSliceEndpoints(svc, pods));
  };

  return new Controller({
    name: 'endpoint-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    watches: [
      { kind: 'Service', toKeys: (ev) => [`${ev.object.metadata.namespace}/${ev.object.metadata.name}`] },
      { kind: 'Pod', toKeys: podKeys },
      { kind: 'Endpoints', toKeys: (ev) => (ev.type === 'ADDED' ? [] : ownedKeys(ev)) },
      ...(slices ? [{ kind: 'EndpointSlice', toKeys: (ev: WatchEvent) => (ev.type === 'ADDED' ? [] : ownedKeys(ev)) }] : []),
    ],
  });
}

async function syncEndpoints(api: Api, svc: Service, subsets: EndpointSubset[]): Promise<void> {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name!;
  const labels = endpointLabels(svc);
  const cur = api.get('Endpoints', ns, name);
  if (!cur) {
    // AlreadyExists (created meanwhile) is retried through the queue against the fresh object.
    await api.create<Endpoints>({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, ...(Object.keys(labels).length ? { labels } : {}) }, ...(subsets.length ? { subsets } : {}) });
    return;
  }
  await api.modify<Endpoints>('Endpoints', ns, name, (ep) => {
    if (Object.keys(labels).length) ep.metadata.labels = labels;
    else delete ep.metadata.labels;
    if (subsets.length) ep.subsets = subsets;
    else delete ep.subsets;
  });
}

function ourSlices(api: Api, ns: string, svcName: string): EndpointSlice[] {
  return api.list('EndpointSlice', {
    namespace: ns,
    filter: (s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svcName && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
  }).items;
}

async function syncSlice(api: Api, svc: Service, want: { endpoints: EndpointSlice['endpoints']; ports: EndpointPort[] }): Promise<void> {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name!;
  const labels = { ...endpointLabels(svc), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
  const existing = ourSlices(api, ns, name).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const [keep, ...extra] = existing;
  for (const s of extra) await deleteIfPresent(api, 'EndpointSlice', ns, s.metadata.name!, () => true);
  if (!keep) {
    await api.create<EndpointSlice>({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: [{ ...ownerRef(svc), apiVersion: 'v1', kind: 'Service' }] },
      addressType: 'IPv4',
      endpoints: want.endpoints,
      ports: want.ports,
    });
    return;
  }
  await api.modify<EndpointSlice>('EndpointSlice', ns, keep.metadata.name!, (s) => {
    s.metadata.labels = labels;
    s.endpoints = want.endpoints;
    s.ports = want.ports;
  });
}

async function deleteIfPresent(api: Api, kind: string, ns: string, name: string, ok: (o: KubeObject | undefined) => boolean): Promise<void> {
  if (!ok(api.get(kind, ns, name))) return;
  try {
    await api.delete(kind, ns, name);
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}
