// Namespace, Node, PersistentVolume, PersistentVolumeClaim, StorageClass.
import type { KubeObject } from '../meta.js';
import { isQualifiedName, isValidLabelValue } from '../names.js';
import { tryParseQuantity } from '../quantity.js';
import { forbidden, invalid, isObj, notSupported, required, str, type Errs } from './field.js';
import { validateLabelSelector } from './meta.js';
import { validateResourceList } from './resources.js';
import { sortKeys } from './apps.js';

type J = Record<string, unknown>;

export function validateNamespace(obj: KubeObject): Errs {
  const errs: Errs = [];
  const fins = isObj(obj.spec) && Array.isArray(obj.spec.finalizers) ? (obj.spec.finalizers as unknown[]) : [];
  fins.forEach((f, i) => {
    const s = str(f);
    for (const m of isQualifiedName(s)) errs.push(invalid(`spec.finalizers[${i}]`, s, m));
  });
  return errs;
}

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

export function validateNode(obj: KubeObject): Errs {
  const errs: Errs = [];
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const taints = Array.isArray(spec.taints) ? (spec.taints as unknown[]) : [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    if (!isObj(t)) return;
    const p = `spec.taints[${i}]`;
    const key = str(t.key);
    for (const m of isQualifiedName(key)) errs.push(invalid(`${p}.key`, key, m));
    if (t.value !== undefined) for (const m of isValidLabelValue(str(t.value))) errs.push(invalid(`${p}.value`, t.value, m));
    if (!t.effect) errs.push(required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(str(t.effect))) errs.push(notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const k = `${key}:${str(t.effect)}`;
    if (seen.has(k)) errs.push(invalid(`spec.taints`, '', `taints must be unique by key and effect pair`));
    seen.add(k);
  });
  if (isObj(obj.status)) {
    errs.push(...validateResourceList(obj.status.capacity, 'status.capacity'));
    errs.push(...validateResourceList(obj.status.allocatable, 'status.allocatable'));
  }
  return errs;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function validateAccessModes(modes: unknown, path: string): Errs {
  const list = Array.isArray(modes) ? (modes as unknown[]) : [];
  if (list.length === 0) return [required(path, 'at least 1 access mode is required')];
  const errs: Errs = [];
  for (const m of list) if (!ACCESS_MODES.includes(str(m))) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec; `path` is `spec` for claims, `spec.volumeClaimTemplates[i].spec` in StatefulSets. */
export function validatePVCSpec(specIn: unknown, path: string): Errs {
  const spec: J = isObj(specIn) ? specIn : {};
  const errs: Errs = [...validateAccessModes(spec.accessModes, `${path}.accessModes`)];
  if (spec.selector !== undefined) errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const res: J = isObj(spec.resources) ? spec.resources : {};
  const requests: J = isObj(res.requests) ? res.requests : {};
  if (requests.storage === undefined) errs.push(required(`${path}.resources[storage]`));
  else {
    const q = tryParseQuantity(requests.storage);
    if (!q) errs.push(...validateResourceList({ storage: requests.storage }, `${path}.resources.requests`));
    else if (q.nanos <= 0n) errs.push(invalid(`${path}.resources[storage]`, String(requests.storage), 'must be greater than zero'));
  }
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(str(spec.volumeMode))) errs.push(notSupported(`${path}.volumeMode`, spec.volumeMode, VOLUME_MODES));
  return errs;
}

export function validatePVC(obj: KubeObject): Errs {
  return validatePVCSpec(obj.spec, 'spec');
}

/** A claim's spec is fixed except for storage requests (expansion), and the binder's volumeName/storageClassName fills. */
export function validatePVCUpdate(obj: KubeObject, old: KubeObject): Errs {
  const norm = (o: KubeObject, other: KubeObject) => {
    const s: J = { ...(isObj(o.spec) ? o.spec : {}) };
    const os: J = isObj(other.spec) ? other.spec : {};
    delete s.resources;
    delete s.volumeAttributesClassName;
    if (!s.volumeName && os.volumeName) s.volumeName = os.volumeName;
    if (!s.storageClassName && os.storageClassName) s.storageClassName = os.storageClassName;
    return JSON.stringify(sortKeys(s));
  };
  if (norm(obj, old) !== norm(old, obj)) {
    return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
  }
  return [];
}

const PV_SOURCES = ['hostPath', 'local', 'nfs', 'csi', 'gcePersistentDisk', 'awsElasticBlockStore', 'iscsi', 'fc', 'cephfs', 'rbd', 'azureDisk', 'azureFile', 'vsphereVolume', 'flexVolume', 'cinder', 'glusterfs', 'portworxVolume', 'scaleIO', 'storageos', 'photonPersistentDisk', 'quobyte', 'flocker'];

export function validatePV(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [...validateAccessModes(spec.accessModes, 'spec.accessModes')];
  const cap: J = isObj(spec.capacity) ? spec.capacity : {};
  const keys = Object.keys(cap);
  if (keys.length === 0) errs.push(required('spec.capacity'));
  else if (!('storage' in cap) || keys.length > 1) errs.push(notSupported('spec.capacity', keys, ['storage'], `core.ResourceList{${keys.map((k) => JSON.stringify(k)).join(', ')}}`));
  errs.push(...validateResourceList(spec.capacity, 'spec.capacity'));
  const sources = PV_SOURCES.filter((s) => isObj(spec[s]));
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  if (isObj(spec.hostPath) && !str(spec.hostPath.path)) errs.push(required('spec.hostPath.path'));
  if (isObj(spec.local) && !str(spec.local.path)) errs.push(required('spec.local.path'));
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp !== undefined && !['Delete', 'Recycle', 'Retain'].includes(str(rp))) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, ['Delete', 'Recycle', 'Retain']));
  }
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(str(spec.volumeMode))) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  if (isObj(spec.local) && !isObj(spec.nodeAffinity)) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  return errs;
}

export function validateStorageClass(obj: KubeObject): Errs {
  const errs: Errs = [];
  const prov = str(obj.provisioner);
  if (!prov) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(invalid('provisioner', prov, m));
  if (obj.reclaimPolicy !== undefined && obj.reclaimPolicy !== 'Delete' && obj.reclaimPolicy !== 'Retain') {
    errs.push(notSupported('reclaimPolicy', obj.reclaimPolicy, ['Delete', 'Retain']));
  }
  const vbm = obj.volumeBindingMode;
  if (vbm !== undefined && vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') {
    errs.push(notSupported('volumeBindingMode', vbm, ['Immediate', 'WaitForFirstConsumer']));
  }
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  if (JSON.stringify(sortKeys(obj.parameters ?? {})) !== JSON.stringify(sortKeys(old.parameters ?? {}))) {
    errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  }
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((obj.reclaimPolicy ?? 'Delete') !== (old.reclaimPolicy ?? 'Delete')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if ((obj.volumeBindingMode ?? '') !== (old.volumeBindingMode ?? '')) errs.push(forbidden('volumeBindingMode', 'field is immutable'));
  return errs;
}
