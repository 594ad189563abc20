// The StatefulSet controller (kubernetes pkg/controller/statefulset): pods
// with stable names <set>-<ordinal>, hostnames and a subdomain (the headless
// serviceName) for stable DNS; claims <template>-<set>-<ordinal> made from
// volumeClaimTemplates before their pod and kept or deleted as
// persistentVolumeClaimRetentionPolicy says; OrderedReady creation in order
// (each Running and Ready before the next) and deletion in reverse, or all at
// once with Parallel; rolling updates from the highest ordinal down to the
// partition, or OnDelete; ControllerRevisions for current/update revisions.
import { ownerRef, type Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, splitNsName, type KubeObject, type OwnerReference } from '../api/meta.js';
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from '../api/types/apps.js';
import type { PodTemplateSpec } from '../api/types/pod.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { CONTROLLER_REVISION_HASH, ensureCurrentRevision, ownedRevisions, truncateHistory } from './controller-revision.js';
import { ownerKeys, selfKey } from './informer.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pod-util.js';

export const STS_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX = 'apps.kubernetes.io/pod-index';

export interface StatefulSetControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

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

function revisionTemplate(rev: ControllerRevision | undefined, fallback: PodTemplateSpec): PodTemplateSpec {
  const t = (rev?.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return fallback;
  const copy = { ...t };
  delete copy.$patch;
  return copy as unknown as PodTemplateSpec;
}

const isTerminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isRunningReady = (p: KubeObject) => p.status?.phase === 'Running' && isPodReady(p);

export function newStatefulSetController(opts: StatefulSetControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'statefulset-controller' });
  const ownedPods = sharedOwnerIndex(api, 'Pod');

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const set = api.get<StatefulSet>('StatefulSet', namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const now = clock.now();
    const { hash: updateHash, revision: updateRev } = await ensureCurrentRevision(api, set);
    const revisions = ownedRevisions(api, set);
    const currentRevName = set.status?.currentRevision;
    const currentRev = revisions.find((r) => r.metadata.name === currentRevName) ?? updateRev;
    const currentHash = currentRev.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? updateHash;
    const start = set.spec.ordinals?.start ?? 0;
    const replicaCount = set.spec.replicas ?? 1;
    const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = set.spec.minReadySeconds ?? 0;
    const uid = set.metadata.uid;
    const owned = () => ownedPods.owned(uid, namespace);
    const partition = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' ? (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    let requeue: number | undefined;

    const podFor = (ordinal: number) => {
      const useCurrent =
        currentHash !== updateHash && (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && ordinal < start + partition;
      const rev = useCurrent ? currentRev : updateRev;
      const hash = useCurrent ? currentHash : updateHash;
      return statefulPod(set, revisionTemplate(rev, set.spec.template), ordinal, hash);
    };

    const run = async (): Promise<void> => {
      const pods = owned();
      const byOrdinal = new Map<number, KubeObject>();
      const condemned: KubeObject[] = [];
      for (const p of pods) {
        const o = ordinalOf(name, p.metadata.name!);
        if (o === undefined) continue;
        if (o >= start && o < start + replicaCount) byOrdinal.set(o, p);
        else condemned.push(p);
      }
      condemned.sort((a, b) => ordinalOf(name, b.metadata.name!)! - ordinalOf(name, a.metadata.name!)!);
      let unhealthyFirst = true;
      for (let o = start; o < start + replicaCount; o++) {
        const p = byOrdinal.get(o);
        if (p && isTerminal(p) && !p.metadata.deletionTimestamp) {
          await recorder.event(set, 'Warning', p.status?.phase === 'Failed' ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod', `StatefulSet ${namespace}/${name} is recreating ${p.status?.phase === 'Failed' ? 'failed' : 'terminated'} Pod ${p.metadata.name}`);
          await deletePod(set, p);
          if (monotonic) return;
          continue;
        }
        if (!p) {
          await createClaims(set, o);
          try {
            const pod = await api.create(podFor(o));
            await recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${name} successful`);
          } catch (e) {
            if (!isStatusError(e, 'AlreadyExists')) {
              await recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${name}-${o} in StatefulSet ${name} failed error: ${(e as Error).message}`);
              throw e;
            }
          }
          if (monotonic) return;
          continue;
        }
        if (p.metadata.deletionTimestamp) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && !isRunningReady(p)) return;
        if (monotonic && !isPodAvailable(p, minReady, now)) {
          requeue = Math.max(1, msUntilAvailable(p, minReady, now) ?? 1);
          return;
        }
        await ensureClaimOwners(set, o);
      }
      // Scale down: highest ordinal first, one at a time when ordered.
      for (const p of condemned) {
        if (p.metadata.deletionTimestamp) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && !isRunningReady(p) && !unhealthyFirst) return;
        unhealthyFirst = false;
        await deletePod(set, p);
        if (monotonic) return;
      }
      // Rolling update: from the highest ordinal down to the partition, one pod at a time.
      if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
      for (let o = start + replicaCount - 1; o >= start + partition; o--) {
        const p = byOrdinal.get(o);
        if (!p) return;
        if (p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== updateHash && !p.metadata.deletionTimestamp) {
          await deletePod(set, p);
          return;
        }
        if (p.metadata.deletionTimestamp || !isRunningReady(p) || !isPodAvailable(p, minReady, now)) return;
      }
    };

    await run();
    await retainOrDeleteScaledClaims(set, start + replicaCount);

    const pods = owned();
    await truncateHistory(api, set, new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')), updateHash);
    const status = computeStatus(set, pods, currentRev.metadata.name!, currentHash, updateRev.metadata.name!, updateHash, now);
    const fresh = api.get<StatefulSet>('StatefulSet', namespace, name);
    if (fresh && JSON.stringify(status) !== JSON.stringify(fresh.status ?? {})) {
      await api.modify<StatefulSet>('StatefulSet', namespace, name, (o) => {
        o.status = status;
      }, { status: true });
    }
    if (minReady > 0 && requeue === undefined) {
      const waits = pods.filter((p) => isPodReady(p) && !isPodAvailable(p, minReady, now)).map((p) => msUntilAvailable(p, minReady, now) ?? 1);
      if (waits.length) requeue = Math.max(1, Math.min(...waits));
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  };

  const deletePod = async (set: StatefulSet, pod: KubeObject): Promise<void> => {
    try {
      await api.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      await recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      await recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
  };

  /** whenDeleted: Delete gives the claims an owner reference to the set, so the garbage collector removes them with it. */
  const claimOwners = (set: StatefulSet, existing: OwnerReference[] | undefined): OwnerReference[] | undefined => {
    const others = (existing ?? []).filter((r) => r.uid !== set.metadata.uid);
    if ((set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') !== 'Delete') return others.length ? others : undefined;
    return [...others, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name!, uid: set.metadata.uid!, blockOwnerDeletion: true }];
  };

  const createClaims = async (set: StatefulSet, ordinal: number): Promise<void> => {
    const ns = set.metadata.namespace ?? 'default';
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const cname = claimName(tpl.metadata.name!, set.metadata.name!, ordinal);
      if (api.get('PersistentVolumeClaim', ns, cname)) continue;
      const owners = claimOwners(set, undefined);
      const claim: KubeObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: cname,
          namespace: ns,
          labels: { ...(tpl.metadata.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
          ...(tpl.metadata.annotations ? { annotations: tpl.metadata.annotations } : {}),
          ...(owners ? { ownerReferences: owners } : {}),
        },
        spec: clone(tpl.spec),
      };
      try {
        await api.create(claim);
        await recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${cname} Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (isStatusError(e, 'AlreadyExists')) continue;
        await recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${cname} for Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
        throw e;
      }
    }
  };

  /** Keeps the claims' owner references in step with a changed whenDeleted policy. */
  const ensureClaimOwners = async (set: StatefulSet, ordinal: number): Promise<void> => {
    const ns = set.metadata.namespace ?? 'default';
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const cname = claimName(tpl.metadata.name!, set.metadata.name!, ordinal);
      const pvc = api.get('PersistentVolumeClaim', ns, cname);
      if (!pvc) continue;
      const want = claimOwners(set, pvc.metadata.ownerReferences);
      if (JSON.stringify(want ?? []) === JSON.stringify(pvc.metadata.ownerReferences ?? [])) continue;
      await api.modify('PersistentVolumeClaim', ns, cname, (c) => {
        if (want) c.metadata.ownerReferences = want;
        else delete c.metadata.ownerReferences;
      });
    }
  };

  /** whenScaled: Delete removes the claims of ordinals past the end once their pod is gone. */
  const retainOrDeleteScaledClaims = async (set: StatefulSet, end: number): Promise<void> => {
    if ((set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') !== 'Delete') return;
    const ns = set.metadata.namespace ?? 'default';
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const prefix = `${tpl.metadata.name}-${set.metadata.name}-`;
      for (const pvc of api.list('PersistentVolumeClaim', { namespace: ns }).items) {
        const n = pvc.metadata.name!;
        if (!n.startsWith(prefix) || !/^\d+$/.test(n.slice(prefix.length))) continue;
        const ordinal = Number(n.slice(prefix.length));
        if (ordinal < end || pvc.metadata.deletionTimestamp) continue;
        if (api.get('Pod', ns, `${set.metadata.name}-${ordinal}`)) continue;
        try {
          await api.delete('PersistentVolumeClaim', ns, n);
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
        }
      }
    }
  };

  return new Controller({
    name: 'statefulset-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    caches: [ownedPods],
    watches: [
      { kind: 'StatefulSet', toKeys: selfKey },
      { kind: 'Pod', toKeys: ownerKeys('StatefulSet') },
    ],
  });
}

function computeStatus(
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
  // completeRollingUpdate: once every replica runs the update revision it becomes current.
  const want = set.spec.replicas ?? 1;
  if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && updated === want && ready === want && replicas === want) {
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
