// A container's environment, resolved the way the kubelet's
// makeEnvironmentVariables does it:
//  1. envFrom first (ConfigMaps / Secrets, each key optionally prefixed), in order;
//  2. then env in declaration order, overriding same-named envFrom entries:
//     - `value` with `$(VAR)` references expanded against everything defined so
//       far (`$$` escapes a `$`; an unknown `$(VAR)` stays as written),
//     - or `valueFrom`: configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef.
// Service link variables (`WEB_SERVICE_HOST`, `WEB_PORT_80_TCP`…) come from
// serviceEnvVars() and are added last, as the kubelet does.
// A missing ConfigMap/Secret or key (not marked optional) is an error with the
// kubelet's own wording; the pod worker shows it as the container's waiting
// reason CreateContainerConfigError. Secret values are stored base64: decoded here.
//
// Pure: every cluster read goes through the injected lookups.
import type { KubeObject } from '../api/meta.js';
import { quantityMilliValue, quantityValue } from '../api/quantity.js';
import type { ConfigMap, Secret } from '../api/types/config.js';
import type { Container, EnvVar as SpecEnvVar, ResourceFieldSelector } from '../api/types/pod.js';
import type { EnvVar } from './runtime/types.js';

export interface EnvLookups {
  configMap(namespace: string, name: string): ConfigMap | KubeObject | undefined;
  secret(namespace: string, name: string): Secret | KubeObject | undefined;
  /** The pod's IP (status.podIP); falls back to pod.status.podIP. */
  podIP?: string;
  podIPs?: string[];
  /** The node's IP (status.hostIP); falls back to pod.status.hostIP. */
  hostIP?: string;
  /**
   * Service link variables (from serviceEnvVars): usable in $(VAR) references
   * and appended after the container's own variables, which win on a clash.
   */
  serviceEnv?: EnvVar[];
  /** Used for resourceFieldRef limits.* when the container sets no limit (the kubelet uses node allocatable). */
  nodeAllocatable?: { cpu?: string | number; memory?: string | number; 'ephemeral-storage'?: string | number };
}

export type EnvResult = { env: EnvVar[] } | { error: string };

interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: any;
  status?: any;
}

export function resolveEnv(pod: PodLike, container: Container, lookups: EnvLookups): EnvResult {
  const ns = pod.metadata.namespace || 'default';
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const getConfigMap = (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, lookups.configMap(ns, name) as ConfigMap | undefined);
    return configMaps.get(name);
  };
  const getSecret = (name: string) => {
    if (!secrets.has(name)) secrets.set(name, lookups.secret(ns, name) as Secret | undefined);
    return secrets.get(name);
  };
  // Insertion-ordered: envFrom keys first, env entries after (an override keeps its first position).
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = getConfigMap(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return { error: `configmap "${name}" not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) if (validKey(prefix + k)) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = getSecret(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        return { error: `secret "${name}" not found` };
      }
      for (const [k, v] of Object.entries(secretData(s))) if (validKey(prefix + k)) env.set(prefix + k, v);
    }
  }

  const services = new Map((lookups.serviceEnv ?? []).map((e) => [e.name, e.value]));
  for (const e of container.env ?? []) {
    const r = resolveOne(e);
    if (r === SKIP) continue;
    if (typeof r === 'object') return r;
    env.set(e.name, r);
  }
  for (const [name, value] of services) if (!env.has(name)) env.set(name, value);
  return { env: [...env].map(([name, value]) => ({ name, value })) };

  function resolveOne(e: SpecEnvVar): string | { error: string } | typeof SKIP {
    if (e.value !== undefined && e.value !== '') return expandVars(e.value, (name) => env.get(name) ?? services.get(name));
    const from = e.valueFrom;
    if (!from) return e.value ?? '';
    if (from.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const cm = getConfigMap(name);
      if (!cm) return optional ? SKIP : { error: `configmap "${name}" not found` };
      const v = cm.data?.[key];
      if (v === undefined) return optional ? SKIP : { error: `couldn't find key ${key} in ConfigMap ${ns}/${name}` };
      return v;
    }
    if (from.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const s = getSecret(name);
      if (!s) return optional ? SKIP : { error: `secret "${name}" not found` };
      const v = secretData(s)[key];
      if (v === undefined) return optional ? SKIP : { error: `couldn't find key ${key} in Secret ${ns}/${name}` };
      return v;
    }
    if (from.fieldRef) return fieldRefValue(pod, from.fieldRef.fieldPath, lookups);
    if (from.resourceFieldRef) return resourceFieldValue(pod, container, from.resourceFieldRef, lookups);
    return '';
  }
}

const SKIP = Symbol('skip');

/** Kubernetes (1.34+) accepts any printable ASCII but `=` in env names. */
function validKey(k: string): boolean {
  return k.length > 0 && !k.includes('=') && /^[\x20-\x7e]+$/.test(k);
}

/** A Secret's data, base64-decoded (stringData, if a writer left it in, wins as the API server would merge it). */
export function secretData(s: Secret | KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(((s as Secret).data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(((s as Secret).stringData ?? {}) as Record<string, string>)) out[k] = v;
  return out;
}

/**
 * `$(VAR)` expansion of Kubernetes (third_party/forked/golang/expansion): `$$` → `$`,
 * `$(NAME)` → its value when defined, else left as `$(NAME)`; any other `$` is literal.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cur = 0; cur < input.length; cur++) {
    if (input[cur] !== '$' || cur + 1 >= input.length) continue;
    out += input.slice(checkpoint, cur);
    const next = input[cur + 1];
    let advance = 1;
    if (next === '$') out += '$';
    else if (next === '(') {
      const close = input.indexOf(')', cur + 2);
      if (close < 0) out += '$(';
      else {
        const name = input.slice(cur + 2, close);
        const v = lookup(name);
        out += v === undefined ? `$(${name})` : v;
        advance = close - cur;
      }
    } else out += '$' + next;
    cur += advance;
    checkpoint = cur + 1;
  }
  return out + input.slice(checkpoint);
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** The downward API value of a fieldRef (env flavour); unsupported paths are an error, as in the kubelet. */
export function fieldRefValue(pod: PodLike, fieldPath: string, lookups: Pick<EnvLookups, 'podIP' | 'podIPs' | 'hostIP'>): string | { error: string } {
  const m = SUBSCRIPT.exec(fieldPath);
  if (m) {
    const map = (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
    return map[m[2]] ?? '';
  }
  const podIP = lookups.podIPs?.[0] ?? lookups.podIP ?? pod.status?.podIP ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
      return podIP;
    case 'status.podIPs':
      return (lookups.podIPs ?? (podIP ? [podIP] : [])).join(',');
    case 'status.hostIP':
    case 'status.hostIPs':
      return lookups.hostIP ?? pod.status?.hostIP ?? '';
    default:
      return { error: `unsupported fieldPath: ${fieldPath}` };
  }
}

/** `key="value"` lines sorted by key, as the downward API writes labels and annotations. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/** resourceFieldRef: a limit or request divided by the divisor, rounded up (cpu in cores by default, memory in bytes). */
export function resourceFieldValue(
  pod: PodLike,
  container: Container,
  sel: ResourceFieldSelector,
  lookups: Pick<EnvLookups, 'nodeAllocatable'>,
): string | { error: string } {
  const target = sel.containerName ? ((pod.spec?.containers ?? []) as Container[]).concat(pod.spec?.initContainers ?? []).find((c) => c.name === sel.containerName) : container;
  if (!target) return { error: `container ${sel.containerName} not found` };
  const [kind, res] = splitOnce(sel.resource, '.');
  if ((kind !== 'limits' && kind !== 'requests') || !res) return { error: `unsupported container resource : ${sel.resource}` };
  let q = target.resources?.[kind]?.[res];
  // Unset limits read as node allocatable, as the kubelet defaults them for the downward API.
  if (q === undefined && kind === 'limits') q = lookups.nodeAllocatable?.[res as 'cpu' | 'memory'];
  if (q === undefined) q = 0;
  try {
    if (res === 'cpu') {
      const div = quantityMilliValue(sel.divisor ?? '1');
      return ceilDiv(quantityMilliValue(q), div === 0n ? 1000n : div).toString();
    }
    if (res === 'memory' || res === 'ephemeral-storage' || res.startsWith('hugepages-')) {
      const div = quantityValue(sel.divisor ?? '1');
      return ceilDiv(quantityValue(q), div === 0n ? 1n : div).toString();
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { error: `unsupported container resource : ${sel.resource}` };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a % b === 0n ? a / b : a / b + (a > 0n === b > 0n ? 1n : 0n);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

interface ServiceLike {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

/**
 * The service link variables the kubelet gives every container: for
 * default/kubernetes always, and for every Service of the pod's namespace when
 * enableServiceLinks is true (the default). Headless Services get none.
 */
export function serviceEnvVars(services: ServiceLike[], namespace: string, enableServiceLinks = true): EnvVar[] {
  const chosen = new Map<string, ServiceLike>();
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None' || !svc.spec?.ports?.length) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && name === 'kubernetes') {
      if (!chosen.has(name)) chosen.set(name, svc); // a same-namespace `kubernetes` Service wins
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) chosen.set(name, svc);
  }
  const out: EnvVar[] = [];
  for (const name of [...chosen.keys()].sort()) {
    const svc = chosen.get(name)!;
    const ip = svc.spec!.clusterIP!;
    const ports = svc.spec!.ports!;
    const prefix = envVarName(name);
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip }, { name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarName(p.name)}`, value: String(p.port) });
    ports.forEach((p, i) => {
      const proto = (p.protocol || 'TCP').toLowerCase();
      const url = `${proto}://${ip}:${p.port}`;
      if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: pp, value: url }, { name: `${pp}_PROTO`, value: proto }, { name: `${pp}_PORT`, value: String(p.port) }, { name: `${pp}_ADDR`, value: ip });
    });
  }
  return out;
}

/** `my-svc.x` → `MY_SVC_X`; a leading digit gets an underscore. */
function envVarName(s: string): string {
  const n = s.replace(/[.-]/g, '_').toUpperCase();
  return /^[0-9]/.test(n) ? `_${n}` : n;
}
