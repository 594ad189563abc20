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
//   annotation, which tells the provisioner where to put the volume; a claim
//   that an Available volume on the node satisfies gets that volume
//   pre-bound (its claimRef). Then the pod is bound only once every such
//   claim is fully bound (checkBindings below) — so the kubelet never sees a
//   pod whose claim has no volume yet.
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
    // Bound for the kubelet too: it refuses a claim whose phase is not Bound yet (the PV controller's last write).
    if (claimFullyBound(c) && c.status?.phase === 'Bound') {
      out.bound.push({ claim: c, pv: lookup.volume(c.spec.volumeName ?? '') });
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

/**
 * The smallest Available volume (or one pre-bound to this claim) that
 * satisfies the claim on this node, skipping volumes already `chosen` for
 * another claim of the same pod (FindMatchingVolume).
 */
function staticMatch(d: DelayedClaim, pvs: PersistentVolume[], ni: NodeInfo, chosen?: Set<string>): PersistentVolume | undefined {
  const c = d.claim;
  const want = String(c.spec?.resources?.requests?.storage ?? '0');
  const modes = c.spec?.accessModes ?? [];
  let best: PersistentVolume | undefined;
  for (const pv of pvs) {
    const ref = pv.spec?.claimRef;
    if (ref && !(ref.name === c.metadata.name && (ref.namespace ?? 'default') === c.metadata.namespace)) continue;
    if (pv.metadata.deletionTimestamp || (pv.status?.phase && pv.status.phase !== 'Available' && !ref)) continue;
    if (chosen?.has(pv.metadata.name ?? '')) continue;
    if ((pv.spec?.storageClassName ?? '') !== claimClass(c)) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) continue;
    if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) continue;
    const cap = String(pv.spec?.capacity?.storage ?? '0');
    if (compareQuantities(cap, want) < 0) continue;
    if (c.spec?.selector && !labelSelectorMatches(c.spec.selector, pv.metadata.labels)) continue;
    if (!pvNodeAffinityMatches(pv, ni)) continue;
    if (ref) return pv; // pre-bound to this claim
    if (!best || compareQuantities(cap, String(best.spec?.capacity?.storage ?? '0')) < 0) best = pv;
  }
  return best;
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
  if (conflict) reasons.push(ERR_VOLUME_NODE_CONFLICT);
  if (!preBindPlan(v, ni)) reasons.push(ERR_VOLUME_BIND_CONFLICT);
  if (pvMissing) reasons.push(ERR_PV_NOT_EXIST);
  return reasons;
}

/** What PreBind does for a pod's WaitForFirstConsumer claims on the chosen node. */
export interface PreBindPlan {
  /** Claims to annotate with the selected node, for the provisioner. */
  provision: PersistentVolumeClaim[];
  /** Claims to pre-bind to an Available volume on the node (the volume's claimRef). */
  bindings: { claim: PersistentVolumeClaim; pv: PersistentVolume }[];
  /** Every WaitForFirstConsumer claim of the pod: the pod is bound once all are fully bound. */
  waitFor: PersistentVolumeClaim[];
}

/**
 * FindPodVolumes for one node: a claim already carrying a selected node must
 * name this node; otherwise an Available volume on the node is matched first
 * (each volume once), else the class must be able to provision here.
 * undefined when the node cannot satisfy every claim.
 */
export function preBindPlan(v: PodVolumes | undefined, ni: NodeInfo): PreBindPlan | undefined {
  const plan: PreBindPlan = { provision: [], bindings: [], waitFor: [] };
  if (!v) return plan;
  const chosen = new Set<string>();
  for (const d of v.delayed) {
    plan.waitFor.push(d.claim);
    const selected = d.claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if (selected !== undefined) {
      if (selected !== ni.name) return undefined;
      continue; // provisioning already under way for this node
    }
    v.staticVolumes ??= v.lookup.volumes();
    const pv = staticMatch(d, v.staticVolumes, ni, chosen);
    if (pv) {
      chosen.add(pv.metadata.name ?? '');
      plan.bindings.push({ claim: d.claim, pv });
      continue;
    }
    if (!canProvision(d, ni)) return undefined;
    plan.provision.push(d.claim);
  }
  return plan;
}

/** isPVCFullyBound: a volume name and the bind-completed annotation the PV controller sets last. */
export function claimFullyBound(c: PersistentVolumeClaim): boolean {
  return !!c.spec?.volumeName && c.metadata.annotations?.[BIND_COMPLETED] !== undefined;
}

/**
 * checkBindings, after PreBind's writes: true once every claim the pod waits
 * for is fully bound, false while binding or provisioning is still under
 * way; throws (with Kubernetes' wording) when it can no longer succeed and
 * scheduling must be retried.
 */
export function checkBindings(plan: PreBindPlan, nodeName: string, nodeLabels: Record<string, string>, lookup: VolumeLookup): boolean {
  const provisioning = new Set(plan.provision.map((c) => c.metadata.name));
  const prebound = new Map(plan.bindings.map((b) => [b.claim.metadata.name, b.pv.metadata.name]));
  let done = true;
  for (const want of plan.waitFor) {
    const name = want.metadata.name ?? '';
    const ns = want.metadata.namespace ?? 'default';
    const pvc = lookup.claim(ns, name);
    if (!pvc || pvc.metadata.uid !== want.metadata.uid) throw new Error(`failed to check provisioning pvc: persistentvolumeclaim "${name}" not found`);
    if (provisioning.has(name) || want.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== undefined) {
      // The provisioner drops the annotation when it gives up, to ask for another node.
      if (pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== nodeName) throw new Error(`provisioning failed for PVC "${name}"`);
    }
    const pvName = prebound.get(name);
    if (pvName) {
      const pv = lookup.volume(pvName);
      if (!pv) throw new Error(`failed to check binding: persistentvolume "${pvName}" not found`);
      const ref = pv.spec?.claimRef;
      if (!ref?.uid) throw new Error(`ClaimRef got reset for pv "${pvName}"`);
      if (ref.uid !== pvc.metadata.uid) throw new Error(`pv "${pvName}" got bound to another claim`);
    }
    if (pvc.spec?.volumeName) {
      const pv = lookup.volume(pvc.spec.volumeName);
      if (!pv) {
        done = false; // not seen yet; a deleted volume makes the claim Lost later
        continue;
      }
      const req = pv.spec?.nodeAffinity?.required;
      if (req && !nodeSelectorMatches(req.nodeSelectorTerms ?? [], nodeName, nodeLabels)) {
        throw new Error(`pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms`);
      }
    }
    // isPVCFullyBound, and the Bound phase the PV controller writes right after:
    // the kubelet refuses to mount a claim whose phase is not Bound yet.
    if (!claimFullyBound(pvc) || pvc.status?.phase !== 'Bound') done = false;
  }
  return done;
}

/** Claims that PreBind annotates with the chosen node (those the provisioner will create a volume for). */
export function claimsToSelectNode(v: PodVolumes | undefined, ni: NodeInfo): PersistentVolumeClaim[] {
  return preBindPlan(v, ni)?.provision ?? [];
}
