// The `kubernetes` Service in `default` (kubernetes
// pkg/controlplane/controller/kubernetesservice and its endpoint reconciler):
// the API server reachable from inside pods at the first ClusterIP of the
// service range, port 443 named `https`, targetPort the API server's own
// port, with an Endpoints (labelled skip-mirror) and an EndpointSlice naming
// the address the API server listens on. Runs only while the engine serves
// the API; the Service has no selector, so the endpoints controller leaves
// both alone. A deleted or edited object is put back; a Service whose
// ClusterIP is not the wanted one (the service range changed between runs) is
// deleted and made again, as a ClusterIP cannot be edited.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { EndpointSlice, Endpoints, Service, ServicePort } from '../api/types/service.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';
import { SERVICE_NAME_LABEL } from './endpoints.js';

export const KUBERNETES_SERVICE = 'kubernetes';
export const KUBERNETES_SERVICE_NAMESPACE = 'default';
export const KUBERNETES_SERVICE_KEY = `${KUBERNETES_SERVICE_NAMESPACE}/${KUBERNETES_SERVICE}`;
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
const SERVICE_LABELS = { component: 'apiserver', provider: 'kubernetes' };

export interface KubernetesServiceOptions {
  api: Api;
  clock: Clock;
  /** The first address of the service range. */
  clusterIP: string;
  /** Where the API server listens (an address of this machine) and its port. */
  endpoint: { ip: string; port: number };
  /** The Service port (default 443). */
  servicePort?: number;
}

export function newKubernetesServiceController(opts: KubernetesServiceOptions): Controller {
  const { api, clock, clusterIP, endpoint } = opts;
  if (!clusterIP) throw new Error('kubernetes service: clusterIP is required');
  if (!endpoint?.ip || !Number.isInteger(endpoint.port) || endpoint.port <= 0) throw new Error('kubernetes service: endpoint ip and port are required');
  const ns = KUBERNETES_SERVICE_NAMESPACE;
  const name = KUBERNETES_SERVICE;
  const port: ServicePort = { name: 'https', protocol: 'TCP', port: opts.servicePort ?? 443, targetPort: endpoint.port };
  const epPorts = [{ name: 'https', port: endpoint.port, protocol: 'TCP' as const }];
  const subsets = [{ addresses: [{ ip: endpoint.ip }], ports: epPorts }];
  const sliceEndpoints = [{ addresses: [endpoint.ip], conditions: { ready: true } }];

  const reconcile = async (): Promise<void> => {
    // A ClusterIP outside today's range (the service range changed between runs) cannot be edited: the Service is made again.
    const old = api.get('Service', ns, name);
    if (old && !old.metadata.deletionTimestamp && old.spec?.clusterIP !== clusterIP) {
      try {
        await api.delete('Service', ns, name, { preconditions: { uid: old.metadata.uid } });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    }
    await ensure<Service>(
      'Service',
      () => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels: { ...SERVICE_LABELS } },
        spec: { type: 'ClusterIP', clusterIP, ports: [port], sessionAffinity: 'None' },
      }) as Service,
      (s) => s.spec?.type === 'ClusterIP' && samePorts(s.spec.ports ?? [], [port]) && hasLabels(s, SERVICE_LABELS),
      (s) => {
        s.metadata.labels = { ...(s.metadata.labels ?? {}), ...SERVICE_LABELS };
        s.spec = { ...s.spec, type: 'ClusterIP', ports: [port] };
      },
    );
    await ensure<Endpoints>(
      'Endpoints',
      () => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels: { [SKIP_MIRROR_LABEL]: 'true' } }, subsets }) as Endpoints,
      (e) => JSON.stringify(e.subsets ?? []) === JSON.stringify(subsets) && hasLabels(e, { [SKIP_MIRROR_LABEL]: 'true' }),
      (e) => {
        e.metadata.labels = { ...(e.metadata.labels ?? {}), [SKIP_MIRROR_LABEL]: 'true' };
        e.subsets = subsets;
      },
    );
    await ensure<EndpointSlice>(
      'EndpointSlice',
      () =>
        ({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name, namespace: ns, labels: { [SERVICE_NAME_LABEL]: name } },
          addressType: 'IPv4',
          endpoints: sliceEndpoints,
          ports: epPorts,
        }) as EndpointSlice,
      (s) =>
        s.addressType === 'IPv4' &&
        JSON.stringify((s.endpoints ?? []).map((e) => ({ addresses: e.addresses, conditions: { ready: e.conditions?.ready } }))) === JSON.stringify(sliceEndpoints) &&
        JSON.stringify(s.ports ?? []) === JSON.stringify(epPorts) &&
        hasLabels(s, { [SERVICE_NAME_LABEL]: name }),
      (s) => {
        s.metadata.labels = { ...(s.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name };
        s.endpoints = sliceEndpoints;
        s.ports = epPorts;
      },
    );
  };

  /** Creates the object when missing, fixes it when `ok` says it drifted; nothing when it is as wanted. */
  async function ensure<T extends KubeObject>(kind: string, build: () => T, ok: (o: T) => boolean, fix: (o: T) => void): Promise<void> {
    // The kind is given with its builder: what is stored under it is that builder's type.
    const cur = api.get(kind, ns, name) as T | undefined;
    if (cur && !cur.metadata.deletionTimestamp && ok(cur)) return;
    if (!cur) {
      try {
        await api.create(build());
      } catch (e) {
        if (!isStatusError(e, 'AlreadyExists')) throw e;
      }
      return;
    }
    if (cur.metadata.deletionTimestamp) return; // recreated once it is gone
    await api.modify<T>(kind, ns, name, (o) => {
      fix(o);
    });
  }

  const ours = (ev: WatchEvent): string[] => (ev.object.metadata.namespace === ns && ev.object.metadata.name === name ? [KUBERNETES_SERVICE_KEY] : []);
  return new Controller({
    name: 'kubernetes-service-controller',
    api,
    clock,
    reconcile,
    watches: [
      { kind: 'Service', toKeys: ours },
      { kind: 'Endpoints', toKeys: ours },
      { kind: 'EndpointSlice', toKeys: ours },
    ],
  });
}

function samePorts(have: ServicePort[], want: ServicePort[]): boolean {
  if (have.length !== want.length) return false;
  return have.every((p, i) => p.name === want[i].name && (p.protocol ?? 'TCP') === want[i].protocol && p.port === want[i].port && String(p.targetPort ?? p.port) === String(want[i].targetPort));
}

function hasLabels(o: KubeObject, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => o.metadata.labels?.[k] === v);
}
