// The PersistentVolume controller's pure decisions (kubernetes
// pkg/controller/volume/persistentvolume): which volume fits a claim, what a
// claim naming its volume or a volume's claimRef calls for, and the volume
// the local provisioner makes. pv-controller.ts reads state, asks these, and
// writes the difference.
import type { KubeObject } from '../api/meta.js';
import { compareQuantities } from '../api/quantity.js';
import { selectorMatches } from '../api/selectors.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/storage.js';

export const LOCAL_PROVISIONER = 'kubeterm.io/local';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export function requestOf(pvc: PersistentVolumeClaim): string {
  return String(pvc.spec.resources?.requests?.storage ?? '0');
}

/** The claims a pod mounts. */
export function podClaims(pod: KubeObject): string[] {
  return ((pod.spec?.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => !!n);
}

/** findBestMatchForClaim: the smallest Available volume that satisfies the claim; a volume pre-bound to it wins. */
export function findBestMatch(pvc: PersistentVolumeClaim, volumes: PersistentVolume[], claimClass: string): PersistentVolume | undefined {
  const want = requestOf(pvc);
  const modes = pvc.spec.accessModes ?? [];
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    const ref = pv.spec.claimRef;
    if (ref) {
      const mine = ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
      if (!mine) continue;
    }
    if (pv.metadata.deletionTimestamp) continue;
    if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') continue;
    if ((pv.spec.storageClassName ?? '') !== claimClass) continue;
    if ((pv.spec.volumeMode ?? 'Filesystem') !== (pvc.spec.volumeMode ?? 'Filesystem')) continue;
    if (!modes.every((m) => (pv.spec.accessModes ?? []).includes(m))) continue;
    const cap = String(pv.spec.capacity?.storage ?? '0');
    if (compareQuantities(cap, want) < 0) continue;
    if (pvc.spec.selector && !selectorMatches(pvc.spec.selector, pv.metadata.labels)) continue;
    if (pvc.spec.volumeName && pvc.spec.volumeName !== pv.metadata.name) continue;
    if (ref) return pv; // pre-bound to this claim
    if (!best || compareQuantities(cap, String(best.spec.capacity?.storage ?? '0')) < 0) best = pv;
  }
  return best;
}

/** What a claim that names its volume (spec.volumeName) needs (syncBoundClaim / pre-bound syncUnboundClaim). */
export type NamedVolumeDecision =
  | { action: 'lost' }
  | { action: 'volumeMissing' }
  | { action: 'confirmBound'; claimPhase: boolean; volumePhase: boolean }
  | { action: 'boundElsewhere' }
  | { action: 'bind' }
  | { action: 'mismatch' };

export function namedVolumeDecision(pvc: PersistentVolumeClaim, pv: PersistentVolume | undefined): NamedVolumeDecision {
  if (!pv) return pvc.status?.phase === 'Bound' ? { action: 'lost' } : { action: 'volumeMissing' };
  const ref = pv.spec.claimRef;
  if (ref?.uid === pvc.metadata.uid) return { action: 'confirmBound', claimPhase: pvc.status?.phase !== 'Bound', volumePhase: pv.status?.phase !== 'Bound' };
  const name = pvc.metadata.name;
  const namespace = pvc.metadata.namespace;
  if (ref && !(ref.name === name && (ref.namespace ?? 'default') === namespace && !ref.uid)) return { action: 'boundElsewhere' };
  return findBestMatch(pvc, [pv], pvc.spec.storageClassName ?? pv.spec.storageClassName ?? '') ? { action: 'bind' } : { action: 'mismatch' };
}

/** What a volume's claimRef says of it (syncVolume): Available, Bound, or Released and reclaimed. */
export type VolumeDecision = { phase?: 'Available' | 'Bound' | 'Released'; reclaim?: 'delete' | 'unsupported' };

export function volumeDecision(pv: PersistentVolume, claim: KubeObject | undefined): VolumeDecision {
  const ref = pv.spec.claimRef;
  // No claimRef, or pre-bound (no uid) and waiting for its claim.
  if (!ref || !ref.uid) return pv.status?.phase !== 'Available' ? { phase: 'Available' } : {};
  if (claim && claim.metadata.uid === ref.uid) return claim.spec?.volumeName === pv.metadata.name && pv.status?.phase !== 'Bound' ? { phase: 'Bound' } : {};
  // The claim is gone: the volume is Released and reclaimed by its policy.
  const out: VolumeDecision = pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed' ? { phase: 'Released' } : {};
  if ((pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') !== 'Delete') return out;
  return { ...out, reclaim: pv.metadata.annotations?.[PROVISIONED_BY] === LOCAL_PROVISIONER ? 'delete' : 'unsupported' };
}

/** The volume the local provisioner makes for `pvc` in `dir`, pinned to `node` when one was selected. */
export function provisionedVolume(pvc: PersistentVolumeClaim, sc: StorageClass, node: string | undefined, dir: string): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${pvc.metadata.uid}`, annotations: { [PROVISIONED_BY]: sc.provisioner } },
    spec: {
      capacity: { storage: requestOf(pvc) },
      accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
      ...(node
        ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } }
        : {}),
    },
  };
}
