// The StatefulSet controller's pure parts (kubernetes pkg/controller/statefulset
// stateful_set_utils.go): pod and claim identity, which revision an ordinal
// runs, which pods are condemned, and the status the pods add up to.
// statefulset.ts reads state, calls these and writes what they return.
import { ownerRef } from '../api/api.js';
import { clone, type KubeObject, type OwnerReference } from '../api/meta.js';
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from '../api/types/apps.js';
import type { PodTemplateSpec } from '../api/types/pod.js';
import { CONTROLLER_REVISION_HASH } from './controller-revision.js';
import { isPodAvailable, isPodReady } from './pod-util.js';

export const STS_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX = 'apps.kubernetes.io/pod-index';


export function claimName(template: string, set: string, ordinal: number): string {
  return `${template}-${set}-${ordinal}`;
}

/** The ordinal in `<set>-<n>`, or undefined for foreign names. */
export function ordinalOf(set: string, podName: string): number | undefined {
  const m = new RegExp(`^${set.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(podName);
  return m ? Number(m[1]) : undefined;
}

/** newStatefulSetPod: identity (name, hostname, subdomain, labels) and storage (claims as volumes). */
export function statefulPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, hash: string): KubeObject {
  const name = `${set.metadata.name}-${ordinal}`;
  const t = clone(template);
  const spec: any = t.spec ?? { containers: [] };
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = (spec.volumes ?? []).filter((v: { name: string }) => !(set.spec.volumeClaimTemplates ?? []).some((c) => c.metadata.name === v.name));
  for (const c of set.spec.volumeClaimTemplates ?? []) {
    volumes.push({ name: c.metadata.name, persistentVolumeClaim: { claimName: claimName(c.metadata.name!, set.metadata.name!, ordinal) } });
  }
  if (volumes.length) spec.volumes = volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [STS_POD_NAME]: name, [POD_INDEX]: String(ordinal), [CONTROLLER_REVISION_HASH]: hash },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerRef(set)],
    },
    spec,
  };
}

export function revisionTemplate(rev: ControllerRevision | undefined, fallback: PodTemplateSpec): PodTemplateSpec {
  const t = (rev?.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return fallback;
  const copy = { ...t };
  delete copy.$patch;
  return copy as unknown as PodTemplateSpec;
}

export const isTerminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const isRunningReady = (p: KubeObject) => p.status?.phase === 'Running' && isPodReady(p);
export const isRollingUpdate = (set: StatefulSet) => (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** The pods of ordinals in [start, start+replicas) by ordinal, and the rest (condemned), highest ordinal first. */
export function splitByOrdinal(set: StatefulSet, pods: KubeObject[]): { byOrdinal: Map<number, KubeObject>; condemned: KubeObject[] } {
  const name = set.metadata.name!;
  const start = set.spec.ordinals?.start ?? 0;
  const replicas = set.spec.replicas ?? 1;
  const byOrdinal = new Map<number, KubeObject>();
  const condemned: KubeObject[] = [];
  for (const p of pods) {
    const o = ordinalOf(name, p.metadata.name!);
    if (o === undefined) continue;
    if (o >= start && o < start + replicas) byOrdinal.set(o, p);
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(name, b.metadata.name!)! - ordinalOf(name, a.metadata.name!)!);
  return { byOrdinal, condemned };
}

/** Ordinals below the partition keep the current revision during a RollingUpdate (newVersionedStatefulSetPod). */
export function usesCurrentRevision(set: StatefulSet, ordinal: number, currentHash: string, updateHash: string): boolean {
  const start = set.spec.ordinals?.start ?? 0;
  const partition = isRollingUpdate(set) ? (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
  return currentHash !== updateHash && isRollingUpdate(set) && ordinal < start + partition;
}

/** whenDeleted: Delete gives the claims an owner reference to the set, so the garbage collector removes them with it. */
export function claimOwners(set: StatefulSet, existing: OwnerReference[] | undefined): OwnerReference[] | undefined {
  const others = (existing ?? []).filter((r) => r.uid !== set.metadata.uid);
  if ((set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') !== 'Delete') return others.length ? others : undefined;
  return [...others, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name!, uid: set.metadata.uid!, blockOwnerDeletion: true }];
}

/** The claim volumeClaimTemplate `tpl` makes for `ordinal`. */
export function statefulClaim(set: StatefulSet, tpl: NonNullable<StatefulSet['spec']['volumeClaimTemplates']>[number], ordinal: number): KubeObject {
  const owners = claimOwners(set, undefined);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(tpl.metadata.name!, set.metadata.name!, ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...(tpl.metadata.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
      ...(tpl.metadata.annotations ? { annotations: tpl.metadata.annotations } : {}),
      ...(owners ? { ownerReferences: owners } : {}),
    },
    spec: clone(tpl.spec),
  };
}

/** The set's status from its pods; the update revision becomes current once every replica runs it (completeRollingUpdate). */
export function computeStatus(
  set: StatefulSet,
  pods: KubeObject[],
  currentRevision: string,
  currentHash: string,
  updateRevision: string,
  updateHash: string,
  now: number,
): StatefulSetStatus {
  const minReady = set.spec.minReadySeconds ?? 0;
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const p of pods) {
    if (ordinalOf(set.metadata.name!, p.metadata.name!) === undefined) continue;
    replicas++;
    if (isPodReady(p) && !p.metadata.deletionTimestamp) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
    if (p.metadata.deletionTimestamp) continue;
    const h = p.metadata.labels?.[CONTROLLER_REVISION_HASH];
    if (h === currentHash) current++;
    if (h === updateHash) updated++;
  }
  let curRev = currentRevision;
  const want = set.spec.replicas ?? 1;
  if (isRollingUpdate(set) && updated === want && ready === want && replicas === want) {
    curRev = updateRevision;
    current = updated;
  }
  return {
    ...(set.metadata.generation ? { observedGeneration: set.metadata.generation } : {}),
    replicas,
    readyReplicas: ready,
    currentReplicas: current,
    updatedReplicas: updated,
    currentRevision: curRev,
    updateRevision,
    collisionCount: set.status?.collisionCount ?? 0,
    availableReplicas: available,
  };
}
