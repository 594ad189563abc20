// The VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding),
// kept to what kubeterm's volumes need:
// - PreFilter: every claim the pod mounts must exist, not be Lost or being
//   deleted, and unbound claims must be of a WaitForFirstConsumer class —
//   otherwise the pod waits with `pod has unbound immediate
//   PersistentVolumeClaims` (UnschedulableAndUnresolvable: no node helps).
// - Filter: a bound claim's volume node affinity must match the node; an
//   unbound WaitForFirstConsumer claim needs a node its class can provision
//   on (or an Available static volume that fits there), and a claim already
//   carrying `volume.kubernetes.io/selected-node` only that node.
// - PreBind: unbound WaitForFirstConsumer claims get the selected-node
//   annotation, which tells the provisioner where to put the volume.
import { compareQuantities } from '../api/quantity.js';
import type { Pod } from '../api/types/pod.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/storage.js';
import type { NodeInfo } from './cache.js';
import { labelSelectorMatches, nodeSelectorMatches } from './match.js';

export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_VOLUME_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_VOLUME_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** Read access to the storage objects (the scheduler passes the Api's synchronous getters). */
export interface VolumeLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  volumes(): PersistentVolume[];
}

export interface DelayedClaim {
  claim: PersistentVolumeClaim;
  cls?: StorageClass;
}

/** What PreFilter learnt about the pod's claims, for Filter and PreBind. */
export interface PodVolumes {
  bound: { claim: PersistentVolumeClaim; pv?: PersistentVolume }[];
  delayed: DelayedClaim[];
  lookup: VolumeLookup;
  /** Static volumes, listed once per cycle and only when needed. */
  staticVolumes?: PersistentVolume[];
}

export type VolumePreFilter = { ok: true; volumes?: PodVolumes } | { ok: false; message: string };

export function claimClass(c: PersistentVolumeClaim): string {
  return c.spec?.storageClassName ?? c.metadata.annotations?.[BETA_CLASS_ANNOTATION] ?? '';
}

function claimNames(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
  }
  return out;
}

export function volumePreFilter(pod: Pod, lookup: VolumeLookup): VolumePreFilter {
  const names = claimNames(pod);
  if (!names.length) return { ok: true };
  const ns = pod.metadata.namespace ?? 'default';
  const claims: PersistentVolumeClaim[] = [];
  for (const name of names) {
    const c = lookup.claim(ns, name);
    if (!c) return { ok: false, message: `persistentvolumeclaim "${name}" not found` };
    if (c.status?.phase === 'Lost') {
      return { ok: false, message: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${c.spec?.volumeName ?? ''}"` };
    }
    if (c.metadata.deletionTimestamp) return { ok: false, message: `persistentvolumeclaim "${name}" is being deleted` };
    claims.push(c);
  }
  const out: PodVolumes = { bound: [], delayed: [], lookup };
  let immediate = false;
  for (const c of claims) {
    if (c.spec?.volumeName && c.metadata.annotations?.[BIND_COMPLETED] !== undefined) {
      out.bound.push({ claim: c, pv: lookup.volume(c.spec.volumeName) });
      continue;
    }
    const className = claimClass(c);
    const cls = className ? lookup.storageClass(className) : undefined;
    if (cls?.volumeBindingMode === 'WaitForFirstConsumer') out.delayed.push({ claim: c, cls });
    else immediate = true;
  }
  if (immediate) return { ok: false, message: ERR_UNBOUND_IMMEDIATE };
  return { ok: true, volumes: out };
}

function pvNodeAffinityMatches(pv: PersistentVolume, ni: NodeInfo): boolean {
  const req = pv.spec?.nodeAffinity?.required;
  if (!req) return true;
  return nodeSelectorMatches(req.nodeSelectorTerms ?? [], ni.name, ni.labels);
}

function topologyAllows(cls: StorageClass, ni: NodeInfo): boolean {
  const terms = cls.allowedTopologies ?? [];
  if (!terms.length) return true;
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(ni.labels[e.key])));
}

/** An Available volume (or one pre-bound to this claim) that satisfies the claim on this node. */
function staticMatch(d: DelayedClaim, pvs: PersistentVolume[], ni: NodeInfo): boolean {
  const c = d.claim;
  const want = String(c.spec?.resources?.requests?.storage ?? '0');
  const modes = c.spec?.accessModes ?? [];
  for (const pv of pvs) {
    const ref = pv.spec?.claimRef;
    if (ref && !(ref.name === c.metadata.name && (ref.namespace ?? 'default') === c.metadata.namespace)) continue;
    if (pv.metadata.deletionTimestamp || (pv.status?.phase && pv.status.phase !== 'Available' && !ref)) continue;
    if ((pv.spec?.storageClassName ?? '') !== claimClass(c)) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) continue;
    if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) continue;
    if (compareQuantities(String(pv.spec?.capacity?.storage ?? '0'), want) < 0) continue;
    if (c.spec?.selector && !labelSelectorMatches(c.spec.selector, pv.metadata.labels)) continue;
    if (!pvNodeAffinityMatches(pv, ni)) continue;
    return true;
  }
  return false;
}

function canProvision(d: DelayedClaim, ni: NodeInfo): boolean {
  if (!d.cls || !d.cls.provisioner || d.cls.provisioner === NO_PROVISIONER) return false;
  return topologyAllows(d.cls, ni);
}

/** The Filter step; reasons are UnschedulableAndUnresolvable as in Kubernetes. */
export function volumeFilterReasons(v: PodVolumes, ni: NodeInfo): string[] {
  const reasons: string[] = [];
  let pvMissing = false;
  let conflict = false;
  for (const b of v.bound) {
    if (!b.pv) pvMissing = true;
    else if (!pvNodeAffinityMatches(b.pv, ni)) conflict = true;
  }
  let unboundOk = true;
  for (const d of v.delayed) {
    const selected = d.claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if (selected !== undefined) {
      if (selected !== ni.name) unboundOk = false;
      continue;
    }
    if (canProvision(d, ni)) continue;
    v.staticVolumes ??= v.lookup.volumes();
    if (!staticMatch(d, v.staticVolumes, ni)) unboundOk = false;
  }
  if (conflict) reasons.push(ERR_VOLUME_NODE_CONFLICT);
  if (!unboundOk) reasons.push(ERR_VOLUME_BIND_CONFLICT);
  if (pvMissing) reasons.push(ERR_PV_NOT_EXIST);
  return reasons;
}

/** Claims that PreBind annotates with the chosen node (those the provisioner will create a volume for). */
export function claimsToSelectNode(v: PodVolumes | undefined, ni: NodeInfo): PersistentVolumeClaim[] {
  if (!v) return [];
  return v.delayed
    .filter((d) => d.claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === undefined && canProvision(d, ni))
    .map((d) => d.claim);
}
