// core/v1 defaults for Pods, pod templates, containers, probes and volumes
// (pkg/apis/core/v1/defaults.go). Every default sets a field only when it is
// unset, so applying them twice changes nothing.
import { canonicalQuantity, compareQuantities, tryParseQuantity } from '../quantity.js';
import {
  child,
  CONTAINER_ORDER,
  CONTAINER_PORT_ORDER,
  dropEmptyMaps,
  HTTP_GET_ORDER,
  isObj,
  normalizeEmbeddedMeta,
  POD_SPEC_ORDER,
  PROBE_ORDER,
  pruneNullsAndEmptyLists,
  reorder,
  RESOURCES_ORDER,
  setIfUnset,
  setIfZero,
  type Json,
} from './normalize.js';

/** The tag of an image reference; `latest` when neither tag nor digest is given (as the kubelet's parser). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  return !tag && !digest ? 'latest' : tag;
}

/** Quantities are stored in canonical form (`0.5` → `500m`, `1.5Gi` → `1536Mi`), as the API server writes them. */
export function canonicalizeResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const [k, v] of Object.entries(list)) {
    if ((typeof v === 'string' || typeof v === 'number') && tryParseQuantity(v)) list[k] = canonicalQuantity(v);
  }
}

function defaultHTTPGet(h: unknown): void {
  if (!isObj(h)) return;
  setIfUnset(h, 'path', '/');
  setIfUnset(h, 'scheme', 'HTTP');
  reorder(h, HTTP_GET_ORDER);
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setIfZero(p, 'timeoutSeconds', 1);
  setIfZero(p, 'periodSeconds', 10);
  setIfZero(p, 'successThreshold', 1);
  setIfZero(p, 'failureThreshold', 3);
  defaultHTTPGet(p.httpGet);
  reorder(p, PROBE_ORDER);
}

function defaultLifecycle(l: unknown): void {
  if (!isObj(l)) return;
  for (const k of ['postStart', 'preStop']) if (isObj(l[k])) defaultHTTPGet((l[k] as Json).httpGet);
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const e of env) {
    if (isObj(e) && isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) setIfUnset(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
}

export function defaultContainer(c: Json, hostNetwork: boolean): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') {
    c.imagePullPolicy = typeof c.image === 'string' && c.image && imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  // `resources` is a non-pointer struct in Go: always present, `{}` when empty.
  const res = child(c, 'resources');
  dropEmptyMaps(res, ['limits', 'requests']);
  canonicalizeResourceList(res.limits);
  canonicalizeResourceList(res.requests);
  reorder(res, RESOURCES_ORDER);
  if (Array.isArray(c.ports)) {
    for (const p of c.ports) {
      if (!isObj(p)) continue;
      setIfUnset(p, 'protocol', 'TCP');
      if (hostNetwork && p.hostPort === undefined && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
      reorder(p, CONTAINER_PORT_ORDER);
    }
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[k]);
  defaultLifecycle(c.lifecycle);
  defaultEnv(c.env);
  reorder(c, CONTAINER_ORDER);
}

const DEFAULT_MODE = 420; // 0644

function defaultVolume(v: Json): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  if (isObj(v.secret)) setIfUnset(v.secret, 'defaultMode', DEFAULT_MODE);
  if (isObj(v.configMap)) setIfUnset(v.configMap, 'defaultMode', DEFAULT_MODE);
  if (isObj(v.downwardAPI)) setIfUnset(v.downwardAPI, 'defaultMode', DEFAULT_MODE);
  if (isObj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObj(v.projected)) {
    setIfUnset(v.projected, 'defaultMode', DEFAULT_MODE);
    const sourcesList = v.projected.sources;
    if (Array.isArray(sourcesList)) {
      for (const s of sourcesList) {
        if (isObj(s) && isObj(s.serviceAccountToken)) setIfUnset(s.serviceAccountToken, 'expirationSeconds', 3600);
      }
    }
  }
}

/** SetDefaults_PodSpec plus the per-field defaults of everything a PodSpec holds. */
export function defaultPodSpec(spec: Json, opts: { restartPolicy?: boolean } = {}): void {
  pruneNullsAndEmptyLists(spec);
  dropEmptyMaps(spec, ['nodeSelector', 'overhead']);
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  if (opts.restartPolicy !== false) setIfUnset(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  // The deprecated serviceAccount mirrors serviceAccountName on the wire.
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) for (const c of cs) if (isObj(c)) defaultContainer(c, hostNetwork);
  }
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) if (isObj(v)) defaultVolume(v);
  reorder(spec, POD_SPEC_ORDER);
}

/** Pod templates embedded in workloads. `restartPolicy: false` leaves it as given (Jobs, CronJobs). */
export function defaultPodTemplate(holder: Json, key = 'template', opts: { restartPolicy?: boolean } = {}): void {
  const t = holder[key];
  if (!isObj(t)) return;
  normalizeEmbeddedMeta(t);
  defaultPodSpec(child(t, 'spec'), opts);
  reorder(t, ['metadata', 'spec']);
}

/** SetDefaults_Pod: on Pods only (not templates), requests default to limits and service links are on. */
export function defaultPod(pod: Json): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  for (const list of ['initContainers', 'containers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) continue;
      const requests = child(c.resources, 'requests');
      for (const [k, v] of Object.entries(c.resources.limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  reorder(spec, POD_SPEC_ORDER);
  const status = child(pod, 'status');
  setIfUnset(status, 'phase', 'Pending');
  setIfUnset(status, 'qosClass', qosClass(spec));
}

/** The Pod's QoS class from its containers' cpu/memory requests and limits (GetPodQOS). */
export function qosClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [spec.initContainers, spec.containers].flatMap((l) => (Array.isArray(l) ? l : [])).filter(isObj);
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = isObj(c.resources) ? c.resources : {};
    const limits = isObj(res.limits) ? res.limits : {};
    const requests = isObj(res.requests) ? res.requests : {};
    for (const r of ['cpu', 'memory']) {
      const lim = tryParseQuantity(limits[r]);
      const req = tryParseQuantity(requests[r]);
      if ((lim && lim.nanos !== 0n) || (req && req.nanos !== 0n)) any = true;
      if (!lim || lim.nanos === 0n) guaranteed = false;
      else if (req && compareQuantities(req, lim) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
