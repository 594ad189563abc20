// ConfigMap, Secret, ResourceQuota, LimitRange, PriorityClass, Lease, ServiceAccount, Event.
import type { KubeObject } from '../meta.js';
import { isConfigMapKey } from '../names.js';
import { forbidden, invalid, isObj, notSupported, required, str, tooLong, type Errs } from './field.js';
import { validateResourceList } from './resources.js';

const MAX_SIZE = 1024 * 1024;

function validateKeys(map: unknown, path: string, errs: Errs): number {
  let size = 0;
  if (!isObj(map)) return size;
  for (const [k, v] of Object.entries(map)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`${path}[${k}]`, k, m));
    size += String(v ?? '').length;
  }
  return size;
}

export function validateConfigMap(obj: KubeObject): Errs {
  const errs: Errs = [];
  let size = validateKeys(obj.data, 'data', errs);
  size += validateKeys(obj.binaryData, 'binaryData', errs);
  if (isObj(obj.data) && isObj(obj.binaryData)) {
    for (const k of Object.keys(obj.binaryData)) if (k in obj.data) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
  }
  if (size > MAX_SIZE) errs.push(tooLong('', `must have at most ${MAX_SIZE} bytes`));
  return errs;
}

/** ConfigMaps and Secrets marked `immutable: true` cannot change their data or drop the mark. */
export function validateImmutableData(obj: KubeObject, old: KubeObject): Errs {
  if (old.immutable !== true) return [];
  const errs: Errs = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const k of ['data', 'binaryData']) {
    if (JSON.stringify(obj[k] ?? {}) !== JSON.stringify(old[k] ?? {})) errs.push(forbidden(k, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function validateSecret(obj: KubeObject): Errs {
  const errs: Errs = [];
  const size = validateKeys(obj.data, 'data', errs);
  if (isObj(obj.data)) {
    for (const [k, v] of Object.entries(obj.data)) {
      if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) {
        errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'must be base64-encoded'));
      }
    }
  }
  if (size > MAX_SIZE) errs.push(tooLong('data', `must have at most ${MAX_SIZE} bytes`));
  const data = isObj(obj.data) ? obj.data : {};
  switch (obj.type) {
    case 'kubernetes.io/tls':
      for (const k of ['tls.crt', 'tls.key']) if (!(k in data)) errs.push(required(`data[${k}]`));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!('.dockerconfigjson' in data)) errs.push(required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/dockercfg':
      if (!('.dockercfg' in data)) errs.push(required('data[.dockercfg]'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) errs.push(required('data[username]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!('ssh-privatekey' in data)) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
  }
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): Errs {
  const errs = validateImmutableData(obj, old);
  if ((obj.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(invalid('type', obj.type ?? '', 'field is immutable'));
  return errs;
}

export function validateResourceQuota(obj: KubeObject): Errs {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs = validateResourceList(spec.hard, 'spec.hard');
  if (Array.isArray(spec.scopes)) {
    const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];
    spec.scopes.forEach((s, i) => {
      if (!scopes.includes(str(s))) errs.push(notSupported(`spec.scopes[${i}]`, s, scopes));
    });
  }
  return errs;
}

export function validateLimitRange(obj: KubeObject): Errs {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const limits = Array.isArray(spec.limits) ? (spec.limits as unknown[]) : [];
  limits.forEach((l, i) => {
    if (!isObj(l)) return;
    const p = `spec.limits[${i}]`;
    if (!str(l.type)) errs.push(required(`${p}.type`));
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) errs.push(...validateResourceList(l[k], `${p}.${k}`));
    if (l.type === 'Pod' && (l.default !== undefined || l.defaultRequest !== undefined)) {
      errs.push(forbidden(`${p}.default`, 'may not be specified when `type` is \'Pod\''));
    }
  });
  return errs;
}

export function validatePriorityClass(obj: KubeObject): Errs {
  const errs: Errs = [];
  const name = str(obj.metadata?.name);
  if (name.startsWith('system-') && !['system-cluster-critical', 'system-node-critical'].includes(name)) {
    errs.push(invalid('metadata.name', name, "priority class names with 'system-' prefix are reserved"));
  }
  if (typeof obj.value !== 'number' || !Number.isInteger(obj.value)) errs.push(required('value'));
  else if (obj.value > 1000000000 && !name.startsWith('system-')) errs.push(invalid('value', obj.value, 'maximum allowed value of a user defined priority is 1000000000'));
  if (obj.preemptionPolicy !== undefined && obj.preemptionPolicy !== 'PreemptLowerPriority' && obj.preemptionPolicy !== 'Never') {
    errs.push(notSupported('preemptionPolicy', obj.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): Errs {
  return obj.value !== old.value ? [forbidden('value', 'may not be changed in an update.')] : [];
}

export function validateLease(obj: KubeObject): Errs {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const d = spec.leaseDurationSeconds;
  if (d !== undefined && d !== null && !(typeof d === 'number' && d > 0)) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  const t = spec.leaseTransitions;
  if (typeof t === 'number' && t < 0) errs.push(invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
  return errs;
}

export function validateEvent(obj: KubeObject): Errs {
  const errs: Errs = [];
  const io = obj.involvedObject;
  const ns = obj.metadata?.namespace ?? '';
  if (!isObj(io)) return [required('involvedObject')];
  const ions = str(io.namespace);
  if (ions && ions !== ns) errs.push(invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
  if (obj.type !== undefined && obj.type !== 'Normal' && obj.type !== 'Warning') errs.push(notSupported('type', obj.type, ['Normal', 'Warning']));
  const reason = str(obj.reason);
  if (reason.length > 128) errs.push(tooLong('reason', 'must have at most 128 bytes'));
  if (str(obj.message).length > 1024) errs.push(tooLong('message', 'must have at most 1024 bytes'));
  return errs;
}

export function validateServiceAccount(obj: KubeObject): Errs {
  const errs: Errs = [];
  if (Array.isArray(obj.secrets)) {
    obj.secrets.forEach((s, i) => {
      if (!isObj(s) || !str(s.name)) errs.push(required(`secrets[${i}].name`));
    });
  }
  return errs;
}
