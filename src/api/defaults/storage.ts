// Defaults for PersistentVolume, PersistentVolumeClaim and StorageClass.
import { child, isObj, setIfUnset, type Json } from './normalize.js';
import { canonicalizeResourceList } from './pod.js';

export function defaultPVCSpec(spec: Json): void {
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  if (isObj(spec.resources)) {
    canonicalizeResourceList(spec.resources.requests);
    canonicalizeResourceList(spec.resources.limits);
  }
}

export function defaultPVC(obj: Json): void {
  defaultPVCSpec(child(obj, 'spec'));
  setIfUnset(child(obj, 'status'), 'phase', 'Pending');
}

export function defaultPV(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfUnset(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(spec.capacity);
  if (isObj(spec.hostPath) && spec.hostPath.type === undefined) spec.hostPath.type = '';
  setIfUnset(child(obj, 'status'), 'phase', 'Pending');
}

export function defaultStorageClass(obj: Json): void {
  setIfUnset(obj, 'reclaimPolicy', 'Delete');
  setIfUnset(obj, 'volumeBindingMode', 'Immediate');
}
