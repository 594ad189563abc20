// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount),
// on pod create:
//  1. an empty serviceAccountName becomes `default`;
//  2. the ServiceAccount must exist, else the pod is refused in Kubernetes' words:
//       pods "web" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found
//     Kubernetes waits (up to ten tries) for a missing `default` ServiceAccount,
//     which its controller is about to create; kubeterm's admission is
//     synchronous, so a missing `default` in an active namespace is admitted
//     as if it were there (the controller creates it right after the
//     namespace, and the kubelet fetches the token only when it mounts);
//  3. unless automountServiceAccountToken is false (the pod's setting wins over
//     the ServiceAccount's), a projected volume `kube-api-access-<5 random>`
//     (token, expirationSeconds 3607 / kube-root-ca.crt's ca.crt / the
//     namespace) mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount
//     into every init and app container that has no mount at that path;
//  4. the ServiceAccount's imagePullSecrets when the pod names none.
// `mountToken: false` (the engine without an API server: there is no CA to
// publish and nothing to talk to) keeps 1, 2 and 4 only.
import type { KubeObject } from '../meta.js';
import type { Container, Volume } from '../types/pod.js';
import { admissionForbidden } from './forbidden.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access';
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour and seven seconds. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** names.SimpleNameGenerator's alphabet: no vowels, no confusable digits. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface ServiceAccountAdmissionOptions {
  /** Add the kube-api-access volume (default true). */
  mountToken?: boolean;
  /** The 5-character suffix of the volume name (tests pin it). */
  randomSuffix?: () => string;
}

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}

/** TokenVolumeSource(): the projected source of the kube-api-access volume, exactly as Kubernetes writes it. */
export function tokenVolumeSource(): NonNullable<Volume['projected']> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

export function serviceAccountPlugin(opts: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const mountToken = opts.mountToken ?? true;
  const suffix = opts.randomSuffix ?? randomSuffix;
  return {
    name: 'ServiceAccount',
    admit(attrs: AdmissionAttributes): void {
      const pod = attrs.object;
      if (attrs.operation !== 'CREATE' || pod.kind !== 'Pod') return;
      const spec = (pod.spec ??= {});
      // Mirror pods are never changed; they may not name a ServiceAccount at all.
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
        if (spec.serviceAccountName) throw admissionForbidden(pod, 'a mirror pod may not reference service accounts');
        return;
      }
      if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
      // v1 mirrors the deprecated field on the wire.
      spec.serviceAccount = spec.serviceAccountName;
      const ns = pod.metadata.namespace || 'default';
      const name: string = spec.serviceAccountName;
      const sa = lookup(attrs, ns, name);
      if (!sa) throw admissionForbidden(pod, `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`);
      if (mountToken && shouldAutomount(sa, spec)) mount(spec, suffix);
      const pullSecrets = (sa.imagePullSecrets ?? []) as { name?: string }[];
      if (!(spec.imagePullSecrets ?? []).length && pullSecrets.length) spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
    },
  };
}

/** The ServiceAccount, or a stand-in for a `default` one its controller has not created yet in an active namespace. */
function lookup(attrs: AdmissionAttributes, ns: string, name: string): KubeObject | undefined {
  const sa = attrs.store.get('ServiceAccount', ns, name);
  if (sa) return sa;
  if (name !== DEFAULT_SERVICE_ACCOUNT_NAME) return undefined;
  const namespace = attrs.store.get('Namespace', '', ns);
  if (!namespace || namespace.metadata.deletionTimestamp || namespace.status?.phase === 'Terminating') return undefined;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

/** The pod's preference wins, then the ServiceAccount's, else true. */
function shouldAutomount(sa: KubeObject, spec: { automountServiceAccountToken?: boolean }): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  const fromSA = (sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
  if (typeof fromSA === 'boolean') return fromSA;
  return true;
}

function mount(spec: { volumes?: Volume[]; containers?: Container[]; initContainers?: Container[] }, suffix: () => string): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_PREFIX}-`));
  const volumeName = existing?.name ?? `${SERVICE_ACCOUNT_VOLUME_PREFIX}-${suffix()}`;
  let needsVolume = false;
  for (const list of [spec.initContainers, spec.containers]) {
    for (const c of list ?? []) {
      // An existing mount at the path (the user's own token, say) keeps that container as it is.
      if ((c.volumeMounts ?? []).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
      needsVolume = true;
    }
  }
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}
