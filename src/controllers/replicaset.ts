// The ReplicaSet controller (kubernetes pkg/controller/replicaset): keeps
// spec.replicas active pods matching the selector. It adopts matching orphans,
// releases owned pods whose labels no longer match, creates missing pods from
// the template in slow-start batches, deletes the most deletable surplus
// (ActivePods order) and writes status. The store is synchronous, so reading
// it after our own writes have resolved replaces client-go's expectations.
import { ownerRef, type Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, controllerRef, splitNsName, type Condition, type KubeObject } from '../api/meta.js';
import type { ReplicaSet } from '../api/types/apps.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';
import { controllerOwnerKey, selfKey } from './informer.js';
import { sharedOwnerIndex, type OwnerIndexHandle } from './owner-index.js';
import { labelSelectorAsSelector, selectorMatches } from '../api/selectors.js';
import { compareForDeletion, isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from './pod-util.js';
import { PodControl } from './pod-control.js';
import { rfc3339 } from '../api/time.js';

/** Kubernetes' burstReplicas: at most this many creates/deletes per sync. */
const BURST_REPLICAS = 500;

export interface ReplicaSetControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

export function newReplicaSetController(opts: ReplicaSetControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'replicaset-controller' });
  const pods = sharedOwnerIndex(api, 'Pod');

  /** Pod events → the owning ReplicaSet, or for orphans every ReplicaSet that selects them. */
  const podKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>();
    for (const pod of [ev.object, ev.oldObject]) {
      if (!pod) continue;
      const k = controllerOwnerKey(pod, 'ReplicaSet');
      if (k) keys.add(k);
      else if (!controllerRef(pod)) {
        for (const rs of api.list('ReplicaSet', { namespace: pod.metadata.namespace }).items) {
          if (selectorMatches(rs.spec.selector, pod.metadata.labels)) keys.add(`${rs.metadata.namespace}/${rs.metadata.name}`);
        }
      }
    }
    return [...keys];
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const rs = api.get('ReplicaSet', namespace, name);
    if (!rs) return;
    const claimed = await claimPods(api, pods, rs);
    let manageErr: unknown;
    if (!rs.metadata.deletionTimestamp) {
      try {
        await manageReplicas(api, recorder, rs, claimed);
      } catch (e) {
        manageErr = e;
      }
    }
    const fresh = api.get('ReplicaSet', namespace, name);
    if (!fresh) return;
    const uid = fresh.metadata.uid;
    const owned = pods.owned(uid, namespace).filter(isPodActive);
    const now = clock.now();
    const status = calculateStatus(fresh, owned, now, manageErr);
    await api.modify<ReplicaSet>('ReplicaSet', namespace, name, (o) => {
      o.status = status;
    }, { status: true });
    if (manageErr) throw manageErr;
    // Re-sync when the next Ready pod passes minReadySeconds, so availableReplicas moves without another event.
    const minReady = fresh.spec.minReadySeconds ?? 0;
    if (minReady > 0) {
      const waits = owned
        .filter((p) => isPodReady(p) && !isPodAvailable(p, minReady, now))
        .map((p) => msUntilAvailable(p, minReady, now) ?? 0);
      if (waits.length) return { requeueAfterMs: Math.max(1, Math.min(...waits)) };
    }
  };

  return new Controller({
    name: 'replicaset-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    caches: [pods],
    watches: [
      { kind: 'ReplicaSet', toKeys: selfKey },
      { kind: 'Pod', toKeys: podKeys },
    ],
  });
}

/**
 * Active pods this ReplicaSet controls after adopting matching orphans and
 * releasing owned pods that no longer match (ControllerRefManager.ClaimPods).
 */
async function claimPods(api: Api, index: OwnerIndexHandle, rs: ReplicaSet): Promise<KubeObject[]> {
  const ns = rs.metadata.namespace ?? 'default';
  const uid = rs.metadata.uid;
  const out: KubeObject[] = [];
  const selector = labelSelectorAsSelector(rs.spec.selector);
  // Only the candidates: pods this ReplicaSet controls and orphans it may adopt (others' pods are skipped below anyway).
  const candidates = [...index.owned(uid, ns), ...index.orphans(ns)].sort(byName);
  for (const pod of candidates) {
    if (!isPodActive(pod)) continue;
    const ref = controllerRef(pod);
    if (ref && ref.uid !== uid) continue; // someone else's: the common case, decided before any label work
    const matches = selector.matches(pod.metadata.labels);
    if (ref) {
      if (matches) {
        out.push(pod);
      } else if (!rs.metadata.deletionTimestamp) {
        await patchPodOwners(api, pod, (refs) => refs.filter((r) => r.uid !== uid));
      }
      continue;
    }
    if (!matches || rs.metadata.deletionTimestamp) continue;
    const adopted = await patchPodOwners(api, pod, (refs) => (refs.some((r) => r.controller) ? undefined : [...refs, ownerRef(rs)]));
    if (adopted && controllerRef(adopted)?.uid === uid) out.push(adopted);
  }
  return out;
}

function byName(a: KubeObject, b: KubeObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

async function patchPodOwners(
  api: Api,
  pod: KubeObject,
  change: (refs: NonNullable<KubeObject['metadata']['ownerReferences']>) => KubeObject['metadata']['ownerReferences'] | undefined,
): Promise<KubeObject | undefined> {
  try {
    return await api.modify('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '', (p) => {
      const next = change(p.metadata.ownerReferences ?? []);
      if (next === undefined) return undefined;
      if (next.length) p.metadata.ownerReferences = next;
      else delete p.metadata.ownerReferences;
      return p;
    });
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return undefined;
    throw e;
  }
}

async function manageReplicas(api: Api, recorder: EventRecorder, rs: ReplicaSet, pods: KubeObject[]): Promise<void> {
  const pods_ = new PodControl(api, recorder);
  const want = rs.spec.replicas ?? 1;
  const diff = pods.length - want;
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    await slowStartBatch(count, async () => {
      await pods_.createPod(rs, podFromTemplate(rs));
    });
  } else if (diff > 0) {
    const victims = [...pods].sort(compareForDeletion).slice(0, Math.min(diff, BURST_REPLICAS));
    // In parallel, as Kubernetes does: many deletes share one state-file write (group commit).
    const results = await Promise.allSettled(
      victims.map((pod) => pods_.deletePod(rs, pod)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Runs `fn` count times in batches of 1, 2, 4, … and stops after a batch with
 * a failure, so a template that cannot be created costs one call, not 500.
 */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<number> {
  let done = 0;
  let batch = 1;
  while (done < count) {
    const n = Math.min(batch, count - done);
    const results = await Promise.allSettled(Array.from({ length: n }, () => fn()));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    done += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) throw failed.reason;
    batch *= 2;
  }
  return done;
}

/** GetPodFromTemplate: labels, annotations and finalizers from the template, generateName `<rs>-`. */
export function podFromTemplate(rs: ReplicaSet): KubeObject {
  const t = clone(rs.spec.template ?? { spec: { containers: [] } });
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [ownerRef(rs)],
    },
    spec: t.spec,
  };
}

function calculateStatus(rs: ReplicaSet, pods: KubeObject[], now: number, manageErr: unknown): ReplicaSet['status'] {
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const conditions: Condition[] = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const prevFailure = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageErr) {
    const want = rs.spec.replicas ?? 1;
    const reason = pods.length < want ? 'FailedCreate' : 'FailedDelete';
    const message = (manageErr as Error).message ?? String(manageErr);
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      reason,
      message,
      lastTransitionTime: prevFailure?.reason === reason ? prevFailure.lastTransitionTime : rfc3339(now),
    });
  }
  // apps/v1 ReplicaSetStatus: replicas is always written, the other counts are omitempty.
  return {
    replicas: pods.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}
