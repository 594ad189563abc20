// Two small per-namespace controllers that make a namespace usable by pods
// that talk to the API:
//
//  - the ServiceAccount controller (kubernetes pkg/controller/serviceaccount):
//    a `default` ServiceAccount in every active namespace, created again when
//    deleted. A namespace being deleted gets none (its contents are going).
//  - the root CA publisher (pkg/controller/certificates/rootcacertpublisher):
//    a `kube-root-ca.crt` ConfigMap in every active namespace whose `ca.crt`
//    is the bundle that verifies the API server (kubeterm's self-signed serving
//    certificate), with Kubernetes' description annotation; an edited or
//    deleted one is put back. It runs only when the engine serves the API: the
//    engine passes the PEM as config (rootCACertPublisherFactory).
//
// Both key work by namespace name and read fresh state in reconcile.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface ServiceAccountControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** The namespace exists and is not being deleted. */
function activeNamespace(api: Api, name: string): boolean {
  const ns = api.get('Namespace', '', name);
  return !!ns && !ns.metadata.deletionTimestamp && ns.status?.phase !== 'Terminating';
}

const namespaceKeys = (ev: WatchEvent): string[] => (ev.type === 'DELETED' ? [] : [ev.object.metadata.name ?? '']);

/** Keys for events on a namespaced object of one name (the ServiceAccount or ConfigMap the controller keeps). */
function namedKeys(name: string, types: WatchEvent['type'][]) {
  return (ev: WatchEvent): string[] => (ev.object.metadata.name === name && types.includes(ev.type) && ev.object.metadata.namespace ? [ev.object.metadata.namespace] : []);
}

/** Creates, tolerating a namespace that went away or began terminating meanwhile (as Kubernetes does not retry those). */
async function createQuietly(api: Api, obj: KubeObject): Promise<void> {
  try {
    await api.create(obj);
  } catch (e) {
    if (isStatusError(e, 'AlreadyExists') || isStatusError(e, 'NotFound')) return;
    if (!activeNamespace(api, obj.metadata.namespace ?? '')) return;
    throw e;
  }
}

export function newServiceAccountController(opts: ServiceAccountControllerOptions): Controller {
  const { api, clock } = opts;
  const reconcile = async (namespace: string): Promise<void> => {
    if (!activeNamespace(api, namespace)) return;
    if (api.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    await createQuietly(api, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
  };
  return new Controller({
    name: 'serviceaccount-controller',
    api,
    clock,
    workers: opts.workers,
    reconcile,
    watches: [
      { kind: 'Namespace', toKeys: namespaceKeys },
      { kind: 'ServiceAccount', toKeys: namedKeys(DEFAULT_SERVICE_ACCOUNT, ['DELETED']) },
    ],
  });
}

export interface RootCACertPublisherOptions extends ServiceAccountControllerOptions {
  /** PEM of the CA bundle that verifies the API server's serving certificate. */
  caPEM: string;
}

export function newRootCACertPublisher(opts: RootCACertPublisherOptions): Controller {
  const { api, clock, caPEM } = opts;
  if (!caPEM) throw new Error('root CA publisher: caPEM is required');
  const reconcile = async (namespace: string): Promise<void> => {
    if (!activeNamespace(api, namespace)) return;
    const cm = api.get('ConfigMap', namespace, ROOT_CA_CONFIGMAP);
    if (!cm) {
      await createQuietly(api, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
        data: { 'ca.crt': caPEM },
      });
      return;
    }
    const data = (cm.data ?? {}) as Record<string, string>;
    const keys = Object.keys(data);
    const same = keys.length === 1 && data['ca.crt'] === caPEM && !cm.binaryData;
    if (same && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    try {
      await api.modify('ConfigMap', namespace, ROOT_CA_CONFIGMAP, (o) => {
        o.data = { 'ca.crt': caPEM };
        delete o.binaryData;
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION };
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  };
  return new Controller({
    name: 'root-ca-cert-publisher',
    api,
    clock,
    workers: opts.workers,
    reconcile,
    watches: [
      { kind: 'Namespace', toKeys: namespaceKeys },
      { kind: 'ConfigMap', toKeys: namedKeys(ROOT_CA_CONFIGMAP, ['MODIFIED', 'DELETED']) },
    ],
  });
}

/** The publisher as a ControllerFactory, for the engine to add when it serves the API with this CA. */
export function rootCACertPublisherFactory(caPEM: string) {
  return (deps: { api: Api; clock: Clock }): Controller => newRootCACertPublisher({ ...deps, caPEM });
}
