// The API server's identity and its in-cluster address. The identity is made before anything else when the API is
// served: its serving certificate, valid for the `kubernetes` Service's names
// and ClusterIP (pods verify it with the kube-root-ca.crt it is published
// as), and the one ServiceAccount token signer the kubelets' mounted tokens
// and the server's checks share.
import type { Api } from '../api/api.js';
import { ServiceAccountTokens } from '../api/auth/sa-token.js';
import { ensureServingCert, type ServingCert } from '../apiserver/index.js';
import type { Controller } from '../controllers/controller.js';
import { KUBERNETES_SERVICE, newKubernetesServiceController } from '../controllers/kubernetes-service.js';
import type { TokenSource } from '../kubelet/volumes/index.js';
import type { Clock } from '../util/clock.js';

export interface ApiIdentity {
  servingCert: ServingCert;
  saTokens: ServiceAccountTokens;
}

export async function prepareApiIdentity(dataDir: string, kubernetesIP: string, clock: Clock): Promise<ApiIdentity> {
  const servingCert = await ensureServingCert(dataDir, {
    dnsNames: [KUBERNETES_SERVICE, `${KUBERNETES_SERVICE}.default`, `${KUBERNETES_SERVICE}.default.svc`, `${KUBERNETES_SERVICE}.default.svc.cluster.local`],
    ips: [kubernetesIP],
  });
  const saTokens = new ServiceAccountTokens({ dir: dataDir, now: () => clock.now() });
  await saTokens.ready();
  return { servingCert, saTokens };
}

/**
 * The kubelets' TokenRequest: a token for the pod's ServiceAccount, bound to
 * the pod, refused (in the API server's words) once either is gone.
 */
export function serviceAccountTokenSource(api: () => Api, tokens: ServiceAccountTokens): TokenSource {
  return async (req) => {
    const sa = api().get('ServiceAccount', req.namespace, req.serviceAccountName);
    if (!sa) throw new Error(`serviceaccounts "${req.serviceAccountName}" not found`);
    const pod = api().get('Pod', req.namespace, req.pod.name);
    if (!pod) throw new Error(`pods "${req.pod.name}" not found`);
    if (pod.metadata.uid !== req.pod.uid) {
      throw new Error(`the UID in the bound object reference (${req.pod.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    return tokens.issue({
      namespace: req.namespace,
      serviceAccountName: req.serviceAccountName,
      serviceAccountUid: sa.metadata.uid ?? '',
      audiences: req.audiences,
      expirationSeconds: req.expirationSeconds,
      boundObject: { kind: 'Pod', name: req.pod.name, uid: req.pod.uid },
    });
  };
}

/**
 * The `kubernetes` Service in `default` at the first ClusterIP, port 443 →
 * the API server's port, and its endpoints at the address it listens on
 * (through the service proxy on kubeterm0, a container reaches it at
 * https://kubernetes.default.svc). Written once before returning, then kept.
 */
export async function startKubernetesService(opts: { api: Api; clock: Clock; clusterIP: string; host: string; port: number }): Promise<Controller> {
  const ip = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === 'localhost' ? '127.0.0.1' : opts.host;
  const c = newKubernetesServiceController({ api: opts.api, clock: opts.clock, clusterIP: opts.clusterIP, endpoint: { ip, port: opts.port } });
  await c.reconcileNow(`default/${KUBERNETES_SERVICE}`);
  c.start();
  return c;
}
