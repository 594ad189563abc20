// The disruption controller (kubernetes pkg/controller/disruption): keeps
// every PodDisruptionBudget's status — expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, disruptedPods, observedGeneration and
// the DisruptionAllowed condition — from the pods its selector covers.
//
// - minAvailable as an integer: desiredHealthy is that number and
//   expectedPods the number of covered pods.
// - minAvailable as a percent, or maxUnavailable: expectedPods is the sum of
//   the scales of the pods' controllers (Deployment through its ReplicaSet, a
//   bare ReplicaSet, a StatefulSet, or any kind with a scale subresource), and
//   the percent is rounded up.
// - A pod counts as healthy when Ready, not terminating, and not an eviction
//   admitted less than two minutes ago (status.disruptedPods, written by the
//   eviction subresource; entries older than that are dropped with a
//   NotDeleted Event, and the budget is looked at again when the next one
//   expires).
// - disruptionsAllowed = currentHealthy − desiredHealthy, never below 0, and 0
//   while no pod is expected. Status is written only when it changed; a sync
//   that cannot compute it writes disruptionsAllowed 0 with DisruptionAllowed
//   False/SyncFailed (failSafe), so evictions stop rather than guess.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import { disruptionConditionUpToDate, isPodReady, pdbCovers, setStatusCondition, withDisruptionAllowedCondition } from '../api/disruption.js';
import { parseApiVersion, qualifiedResource } from '../api/kinds.js';
import { clone, controllerRef, splitNsName, type KubeObject, type OwnerReference } from '../api/meta.js';
import { hasScale, readScale } from '../api/scale-subresource.js';
import { labelSelectorAsString } from '../api/selectors.js';
import type { WatchEvent } from '../api/store-types.js';
import type { IntOrString } from '../api/types/pod.js';
import {
  DISRUPTION_ALLOWED_CONDITION,
  SYNC_FAILED_REASON,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from '../api/types/policy.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';

/** How long an admitted eviction keeps its pod out of currentHealthy (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface DisruptionControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** intstr.GetScaledValueFromIntOrPercent; throws Kubernetes' errors for a non-percent string. */
export function scaledIntOrPercent(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  const n = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(n)) throw new Error(`invalid value "${v}": strconv.Atoi: parsing "${n}": invalid syntax`);
  const f = (Number(n) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

interface Expected {
  expectedCount: number;
  desiredHealthy: number;
  unmanagedPods: string[];
}

/** The pods a budget covers: its namespace, its selector (null covers none, `{}` all). */
export function podsForPdb(api: Api, pdb: PodDisruptionBudget): KubeObject[] {
  return api.list('Pod', { namespace: pdb.metadata.namespace, filter: (p) => pdbCovers(pdb, p.metadata.labels) }).items;
}

/** The scale of the pod's controller, or undefined when no supported controller with that UID exists. */
function controllerScale(api: Api, ref: OwnerReference, namespace: string): { uid: string; scale: number } | undefined {
  const { group } = parseApiVersion(ref.apiVersion ?? '');
  const uidMatches = (o: KubeObject | undefined): o is KubeObject => !!o && o.metadata.uid === ref.uid;
  if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
    const rs = api.get('ReplicaSet', namespace, ref.name);
    if (!uidMatches(rs)) return undefined;
    const owner = controllerRef(rs);
    if (owner?.kind === 'Deployment') {
      // getPodDeployment: the Deployment's scale; a ReplicaSet whose Deployment is gone counts for nothing.
      const d = api.get('Deployment', namespace, owner.name);
      return d && d.metadata.uid === owner.uid ? { uid: d.metadata.uid!, scale: (d.spec?.replicas as number | undefined) ?? 1 } : undefined;
    }
    return { uid: rs.metadata.uid!, scale: (rs.spec?.replicas as number | undefined) ?? 1 };
  }
  if (ref.kind === 'StatefulSet' && group === 'apps') {
    const ss = api.get('StatefulSet', namespace, ref.name);
    return uidMatches(ss) ? { uid: ss.metadata.uid!, scale: (ss.spec?.replicas as number | undefined) ?? 1 } : undefined;
  }
  // getScaleController: any other kind that serves /scale (custom resources).
  const info = api.kinds.all().find((k) => k.kind === ref.kind && k.group === group);
  if (!info) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  const obj = api.get(info.kind, namespace, ref.name);
  if (!hasScale(info)) throw new Error(`${qualifiedResource(info)} does not implement the scale subresource`);
  if (!uidMatches(obj)) return undefined;
  return { uid: obj.metadata.uid!, scale: readScale(info, obj).specReplicas };
}

/** getExpectedScale: the sum of the scales of the covered pods' controllers. */
function expectedScale(api: Api, pods: KubeObject[]): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerRef(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = controllerScale(api, ref, pod.metadata.namespace ?? '');
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const n of scales.values()) expectedCount += n;
  return { expectedCount, unmanagedPods };
}

/** getExpectedPodCount. */
export function expectedPodCount(api: Api, pdb: PodDisruptionBudget, pods: KubeObject[]): Expected {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(api, pods);
    const max = scaledIntOrPercent(maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - max), unmanagedPods };
  }
  if (minAvailable !== undefined && minAvailable !== null) {
    if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
    const { expectedCount, unmanagedPods } = expectedScale(api, pods);
    return { expectedCount, desiredHealthy: scaledIntOrPercent(minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

/**
 * buildDisruptedPodMap: the admitted evictions still pending (pod present, not
 * terminating, admitted less than DeletionTimeout ago), the ones that expired,
 * and when the next one expires.
 */
export function disruptedPodMap(pdb: PodDisruptionBudget, pods: KubeObject[], now: number): { kept: Record<string, string>; expired: KubeObject[]; recheckAt?: number } {
  const recorded = pdb.status?.disruptedPods ?? {};
  const kept: Record<string, string> = {};
  const expired: KubeObject[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name ?? ''];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) expired.push(pod);
    else {
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
      kept[pod.metadata.name ?? ''] = at;
    }
  }
  return { kept, expired, recheckAt };
}

/** countHealthyPods. */
export function countHealthyPods(pods: KubeObject[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/** The status updatePdbStatus would write, or undefined when the stored one is already right. */
export function nextPdbStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>, now: number): PodDisruptionBudgetStatus | undefined {
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const s = pdb.status;
  const generation = pdb.metadata.generation ?? 0;
  const sameDisrupted = JSON.stringify(sortKeys(s?.disruptedPods ?? {})) === JSON.stringify(sortKeys(disruptedPods));
  if (
    s &&
    s.currentHealthy === currentHealthy &&
    s.desiredHealthy === desiredHealthy &&
    s.expectedPods === expectedPods &&
    s.disruptionsAllowed === disruptionsAllowed &&
    sameDisrupted &&
    (s.observedGeneration ?? 0) === generation &&
    disruptionConditionUpToDate(pdb)
  ) {
    return undefined;
  }
  const next: PodDisruptionBudgetStatus = {
    observedGeneration: generation,
    ...(Object.keys(disruptedPods).length ? { disruptedPods: sortKeys(disruptedPods) } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    ...(s?.conditions ? { conditions: clone(s.conditions) } : {}),
  };
  return withDisruptionAllowedCondition(next, now);
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}

export function newDisruptionController(opts: DisruptionControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'controllermanager' });

  /** Pod events → every budget of the pod's namespace covering its old or new labels. */
  const podKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>();
    const ns = ev.object.metadata.namespace;
    const pdbs = api.list('PodDisruptionBudget', { namespace: ns }).items;
    if (!pdbs.length) return [];
    for (const pod of [ev.object, ev.oldObject]) {
      if (!pod) continue;
      for (const pdb of pdbs) if (pdbCovers(pdb, pod.metadata.labels)) keys.add(`${ns}/${pdb.metadata.name}`);
    }
    return [...keys];
  };

  const writeStatus = async (pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> => {
    // A resourceVersion-checked write: an eviction that decremented the budget meanwhile wins, and we re-sync.
    await api.updateStatus<PodDisruptionBudget>({ ...pdb, status });
  };

  const trySync = async (pdb: PodDisruptionBudget): Promise<number | undefined> => {
    const now = clock.now();
    const pods = podsForPdb(api, pdb);
    if (!pods.length) await recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected: Expected;
    try {
      expected = expectedPodCount(api, pdb, pods);
    } catch (e) {
      await recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(e as Error).message}`);
      throw e;
    }
    if (expected.unmanagedPods.length) {
      await recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorAsString(pdb.spec?.selector)}) were found to be unmanaged. ` +
          'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      );
    }
    const { kept, expired, recheckAt } = disruptedPodMap(pdb, pods, now);
    for (const pod of expired) {
      await recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(pods, kept, now);
    const next = nextPdbStatus(pdb, currentHealthy, expected.desiredHealthy, expected.expectedCount, kept, now);
    if (next) await writeStatus(pdb, next);
    return recheckAt === undefined ? undefined : Math.max(0, recheckAt - now);
  };

  /** failSafe: at least stop evictions when the status cannot be computed. */
  const failSafe = async (pdb: PodDisruptionBudget, err: unknown): Promise<void> => {
    const s: PodDisruptionBudgetStatus = clone(pdb.status) ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    const status: PodDisruptionBudgetStatus = {
      ...s,
      disruptionsAllowed: 0,
      conditions: setStatusCondition(
        s.conditions,
        { type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: SYNC_FAILED_REASON, message: (err as Error)?.message ?? String(err), observedGeneration: s.observedGeneration },
        clock.now(),
      ),
    };
    if (JSON.stringify(status) === JSON.stringify(pdb.status)) return;
    await writeStatus(pdb, status);
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const pdb = api.get('PodDisruptionBudget', namespace, name);
    if (!pdb) return;
    let recheckMs: number | undefined;
    try {
      recheckMs = await trySync(pdb);
    } catch (e) {
      if (isStatusError(e, 'Conflict') || isStatusError(e, 'NotFound')) throw e;
      await failSafe(pdb, e);
      return;
    }
    return recheckMs === undefined ? undefined : { requeueAfterMs: recheckMs };
  };

  return new Controller({
    name: 'disruption-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    watches: [
      { kind: 'PodDisruptionBudget', toKeys: (ev) => [`${ev.object.metadata.namespace}/${ev.object.metadata.name}`] },
      { kind: 'Pod', toKeys: podKeys },
    ],
  });
}

