// PodSpec and pod-template validation (pkg/apis/core/validation): containers,
// ports, env, volumes and mounts, probes, resources, restart and DNS policy,
// tolerations — the checks users actually run into, with Kubernetes' paths
// and wording.
import { isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName as isQualifiedNameMsgs, isValidPortName, isValidPortNum, inclusiveRangeError } from '../names.js';
import { duplicate, forbidden, invalid, isNum, isObj, nonNegative, notFound, notSupported, required, str, type Errs } from './field.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { validateResourceRequirements } from './resources.js';

type J = Record<string, unknown>;

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function dnsLabel(value: string, path: string): Errs {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

/** Volumes: names unique DNS labels, exactly one source, required source fields. Returns the declared names. */
function validateVolumes(volumes: unknown, path: string, errs: Errs): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(volumes)) return names;
  volumes.forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(v)) return;
    const name = str(v.name);
    if (!name) errs.push(required(`${p}.name`));
    else errs.push(...dnsLabel(name, `${p}.name`));
    if (name && names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else if (name) names.add(name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    const src = (k: string) => (isObj(v[k]) ? (v[k] as J) : undefined);
    if (src('configMap') && !str(src('configMap')!.name)) errs.push(required(`${p}.configMap.name`));
    if (src('secret') && !str(src('secret')!.secretName)) errs.push(required(`${p}.secret.secretName`));
    if (src('persistentVolumeClaim') && !str(src('persistentVolumeClaim')!.claimName)) errs.push(required(`${p}.persistentVolumeClaim.claimName`));
    if (src('hostPath') && !str(src('hostPath')!.path)) errs.push(required(`${p}.hostPath.path`));
    if (src('nfs')) {
      if (!str(src('nfs')!.server)) errs.push(required(`${p}.nfs.server`));
      if (!str(src('nfs')!.path)) errs.push(required(`${p}.nfs.path`));
    }
  });
  return names;
}

function validatePortNumOrName(port: unknown, path: string): Errs {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') {
    if (port === '') return [required(path)];
    return isValidPortName(port).map((m) => invalid(path, port, m));
  }
  return [required(path)];
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateHandler(h: J, path: string, handlers: string[]): Errs {
  const errs: Errs = [];
  const present = handlers.filter((k) => h[k] !== undefined && h[k] !== null);
  if (present.length === 0) return [required(path, 'must specify a handler type')];
  for (const extra of present.slice(1)) errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  const kind = present[0];
  const a = isObj(h[kind]) ? (h[kind] as J) : {};
  const p = `${path}.${kind}`;
  switch (kind) {
    case 'exec':
      if (!Array.isArray(a.command) || a.command.length === 0) errs.push(required(`${p}.command`));
      break;
    case 'httpGet':
      if (!str(a.path)) errs.push(required(`${p}.path`));
      errs.push(...validatePortNumOrName(a.port, `${p}.port`));
      if (a.scheme !== undefined && a.scheme !== 'HTTP' && a.scheme !== 'HTTPS') errs.push(notSupported(`${p}.scheme`, a.scheme, ['HTTP', 'HTTPS']));
      break;
    case 'tcpSocket':
      errs.push(...validatePortNumOrName(a.port, `${p}.port`));
      break;
    case 'grpc':
      errs.push(...(isNum(a.port) ? isValidPortNum(a.port).map((m) => invalid(`${p}.port`, a.port, m)) : [required(`${p}.port`)]));
      break;
    case 'sleep':
      break;
  }
  return errs;
}

function validateProbe(probe: unknown, path: string, mustSucceedOnce: boolean): Errs {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, path, PROBE_HANDLERS);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(probe[k], `${path}.${k}`));
  }
  if (mustSucceedOnce && isNum(probe.successThreshold) && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && isNum(probe.terminationGracePeriodSeconds) && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateEnv(env: unknown, path: string): Errs {
  const errs: Errs = [];
  if (!Array.isArray(env)) return errs;
  env.forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(e)) return;
    const name = str(e.name);
    if (!name) errs.push(required(`${p}.name`));
    else for (const m of isEnvVarName(name)) errs.push(invalid(`${p}.name`, name, m));
    if (!isObj(e.valueFrom)) return;
    const vf = e.valueFrom;
    const vp = `${p}.valueFrom`;
    const refs = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => isObj(vf[k]));
    if (str(e.value)) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    if (refs.length === 0) errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (refs.length > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      if (!isObj(vf[k])) continue;
      const ref = vf[k] as J;
      if (!str(ref.key)) errs.push(required(`${vp}.${k}.key`));
      if (!str(ref.name)) errs.push(required(`${vp}.${k}.name`));
    }
    if (isObj(vf.fieldRef) && !str(vf.fieldRef.fieldPath)) errs.push(required(`${vp}.fieldRef.fieldPath`));
    if (isObj(vf.resourceFieldRef) && !str(vf.resourceFieldRef.resource)) errs.push(required(`${vp}.resourceFieldRef.resource`));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: string): Errs {
  const errs: Errs = [];
  if (!Array.isArray(mounts)) return errs;
  const mountPoints = new Set<string>();
  mounts.forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(m)) return;
    const name = str(m.name);
    if (!name) errs.push(required(`${p}.name`));
    else if (!volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(required(`${p}.mountPath`));
    else if (mountPoints.has(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must be unique'));
    else mountPoints.add(mountPath);
    const sub = str(m.subPath);
    if (sub) {
      if (sub.startsWith('/')) errs.push(invalid(`${p}.subPath`, sub, 'must be a relative path'));
      if (sub.split('/').includes('..')) errs.push(invalid(`${p}.subPath`, sub, "must not contain '..'"));
    }
  });
  return errs;
}

function validatePorts(ports: unknown, path: string): Errs {
  const errs: Errs = [];
  if (!Array.isArray(ports)) return errs;
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(port)) return;
    const name = str(port.name);
    if (name) {
      for (const m of isValidPortName(name)) errs.push(invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(required(`${p}.containerPort`));
    else if (typeof port.containerPort !== 'number') errs.push(invalid(`${p}.containerPort`, port.containerPort, inclusiveRangeError(1, 65535)));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(`${p}.containerPort`, port.containerPort, m));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const m of isValidPortNum(Number(port.hostPort))) errs.push(invalid(`${p}.hostPort`, port.hostPort, m));
    }
    if (!port.protocol) errs.push(required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(str(port.protocol))) errs.push(notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

function validateContainer(c: J, path: string, volumes: Set<string>, kind: 'container' | 'init' | 'sidecar'): Errs {
  const errs: Errs = [];
  // validateContainerCommon's order: name, image, terminationMessagePolicy, ports, env, envFrom, imagePullPolicy.
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...dnsLabel(name, `${path}.name`));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validatePorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  if (Array.isArray(c.envFrom)) {
    c.envFrom.forEach((ef, i) => {
      if (!isObj(ef)) return;
      const p = `${path}.envFrom[${i}]`;
      const refs = ['configMapRef', 'secretRef'].filter((k) => isObj(ef[k]));
      if (refs.length === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
      else if (refs.length > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
      for (const k of refs) if (!str((ef[k] as J).name)) errs.push(required(`${p}.${k}.name`));
    });
  }
  if (!c.imagePullPolicy) errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(str(c.imagePullPolicy))) errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  if (kind === 'init') {
    for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) {
      if (c[k] !== undefined) errs.push(forbidden(`${path}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    errs.push(...validateProbe(c.livenessProbe, `${path}.livenessProbe`, true));
    errs.push(...validateProbe(c.readinessProbe, `${path}.readinessProbe`, false));
    errs.push(...validateProbe(c.startupProbe, `${path}.startupProbe`, true));
    if (isObj(c.readinessProbe) && c.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
    if (isObj(c.lifecycle)) {
      for (const k of ['postStart', 'preStop']) {
        const h = c.lifecycle[k];
        if (isObj(h)) errs.push(...validateHandler(h, `${path}.lifecycle.${k}`, ['exec', 'httpGet', 'tcpSocket', 'sleep']));
      }
    }
  }
  if (kind === 'container' && c.restartPolicy !== undefined) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  if (kind !== 'container' && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    errs.push(notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  return errs;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

export interface PodSpecOptions {
  /** Checks that only apply to Pods themselves, not templates. */
  isPod?: boolean;
  /** Volume names provided from outside the PodSpec (a StatefulSet's volumeClaimTemplates). */
  extraVolumes?: string[];
}

export function validatePodSpec(specIn: unknown, path: string, opts: PodSpecOptions = {}): Errs {
  const errs: Errs = [];
  if (!isObj(specIn)) return [required(path)];
  const spec = specIn;
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errs);
  for (const v of opts.extraVolumes ?? []) volumes.add(v);
  const names = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.push(required(`${path}.containers`));
  else {
    spec.containers.forEach((c, i) => {
      if (!isObj(c)) return;
      const p = `${path}.containers[${i}]`;
      errs.push(...validateContainer(c, p, volumes, 'container'));
      const n = str(c.name);
      if (n && names.has(n)) errs.push(duplicate(`${p}.name`, n));
      else if (n) names.add(n);
    });
  }
  if (Array.isArray(spec.initContainers)) {
    spec.initContainers.forEach((c, i) => {
      if (!isObj(c)) return;
      const p = `${path}.initContainers[${i}]`;
      errs.push(...validateContainer(c, p, volumes, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
      const n = str(c.name);
      if (n && names.has(n)) errs.push(duplicate(`${p}.name`, n));
      else if (n) names.add(n);
    });
  }
  const rp = spec.restartPolicy;
  if (rp === undefined || rp === '') errs.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(str(rp))) errs.push(notSupported(`${path}.restartPolicy`, rp, RESTART_POLICIES));
  const dp = spec.dnsPolicy;
  if (dp === undefined || dp === '') errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(str(dp))) errs.push(notSupported(`${path}.dnsPolicy`, dp, DNS_POLICIES));
  if (dp === 'None' && !(isObj(spec.dnsConfig) && Array.isArray(spec.dnsConfig.nameservers) && spec.dnsConfig.nameservers.length > 0)) {
    errs.push(required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  for (const k of ['serviceAccountName', 'nodeName']) {
    const v = str(spec[k]);
    if (v) for (const m of isDNS1123Subdomain(v)) errs.push(invalid(`${path}.${k}`, v, m));
  }
  for (const k of ['hostname', 'subdomain']) {
    const v = str(spec[k]);
    if (v) errs.push(...dnsLabel(v, `${path}.${k}`));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (!isNum(v) || v < 1 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, 2147483647)));
  }
  if (Array.isArray(spec.tolerations)) {
    spec.tolerations.forEach((t, i) => {
      if (!isObj(t)) return;
      const p = `${path}.tolerations[${i}]`;
      if (t.key !== undefined && t.key !== '') for (const m of isQualifiedNameMsgs(str(t.key))) errs.push(invalid(`${p}.key`, t.key, m));
      if (!t.key && t.operator !== 'Exists') errs.push(invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
      if (t.operator === 'Exists' && str(t.value)) errs.push(invalid(`${p}.operator`, t.value, 'value must be empty when `operator` is \'Exists\''));
      else if (t.operator !== undefined && t.operator !== '' && t.operator !== 'Equal' && t.operator !== 'Exists') {
        errs.push(notSupported(`${p}.operator`, t.operator, ['Equal', 'Exists']));
      }
      if (t.effect !== undefined && t.effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(str(t.effect))) {
        errs.push(notSupported(`${p}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
      }
      if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
        errs.push(invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
    });
  }
  // Pods themselves (not templates): images without surrounding whitespace (validateContainersOnlyForPod).
  if (opts.isPod) {
    for (const list of ['containers', 'initContainers']) {
      const cs = Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];
      cs.forEach((c, i) => {
        const image = isObj(c) ? str(c.image) : '';
        if (image && image.trim() !== image) errs.push(invalid(`${path}.${list}[${i}].image`, image, 'must not have leading or trailing whitespace'));
      });
    }
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations and its PodSpec. */
export function validatePodTemplateSpec(template: unknown, path: string, opts: PodSpecOptions = {}): Errs {
  if (!isObj(template)) return [required(path)];
  const meta = isObj(template.metadata) ? template.metadata : {};
  return [
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validatePodSpec(template.spec, `${path}.spec`, opts),
  ];
}
