// The StatefulSet controller (kubernetes pkg/controller/statefulset): pods
// with stable names <set>-<ordinal>, hostnames and a subdomain (the headless
// serviceName) for stable DNS; claims <template>-<set>-<ordinal> made from
// volumeClaimTemplates before their pod and kept or deleted as
// persistentVolumeClaimRetentionPolicy says; OrderedReady creation in order
// (each Running and Ready before the next) and deletion in reverse, or all at
// once with Parallel; rolling updates from the highest ordinal down to the
// partition, or OnDelete; ControllerRevisions for current/update revisions.
// The pure parts (identity, revisions per ordinal, status) are in
// statefulset-pods.ts; this file reads state and writes the difference.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { splitNsName, type KubeObject } from '../api/meta.js';
import type { ControllerRevision, StatefulSet } from '../api/types/apps.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex, type OwnerIndexHandle } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { CONTROLLER_REVISION_HASH, ensureCurrentRevision, ownedRevisions, truncateHistory } from './controller-revision.js';
import { ownerKeys, selfKey } from './informer.js';
import { PodControl, type PodControlMessages } from './pod-control.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pod-util.js';
import {
  claimName,
  claimOwners,
  computeStatus,
  isRollingUpdate,
  isRunningReady,
  isTerminal,
  revisionTemplate,
  splitByOrdinal,
  statefulClaim,
  statefulPod,
  usesCurrentRevision,
} from './statefulset-pods.js';

export { POD_INDEX, STS_POD_NAME, claimName, ordinalOf, statefulPod } from './statefulset-pods.js';

export interface StatefulSetControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** StatefulPodControl's wording of delete Events. */
const STATEFUL_POD_MESSAGES: PodControlMessages = {
  deleted: (pod, set) => `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
  deleteFailed: (pod, set, err) => `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${err.message}`,
};

export function newStatefulSetController(opts: StatefulSetControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'statefulset-controller' });
  const ownedPods = sharedOwnerIndex(api, 'Pod');
  const deps: StatefulSetDeps = { api, recorder, ownedPods, podControl: new PodControl(api, recorder, STATEFUL_POD_MESSAGES) };
  return new Controller({
    name: 'statefulset-controller',
    api,
    clock,
    reconcile: (key) => new StatefulSetSync(deps, clock.now()).sync(key),
    workers: opts.workers,
    caches: [ownedPods],
    watches: [
      { kind: 'StatefulSet', toKeys: selfKey },
      { kind: 'Pod', toKeys: ownerKeys('StatefulSet') },
    ],
  });
}

interface StatefulSetDeps {
  api: Api;
  recorder: EventRecorder;
  ownedPods: OwnerIndexHandle;
  podControl: PodControl;
}

/** One sync of one StatefulSet (updateStatefulSet): revisions, replicas in order, scale down, rolling update, claims, status. */
class StatefulSetSync {
  private set!: StatefulSet;
  private updateRev!: ControllerRevision;
  private updateHash = '';
  private currentRev!: ControllerRevision;
  private currentHash = '';
  private requeue?: number;

  constructor(
    private readonly d: StatefulSetDeps,
    private readonly now: number,
  ) {}

  private get monotonic(): boolean {
    return (this.set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  }

  private get minReady(): number {
    return this.set.spec.minReadySeconds ?? 0;
  }

  private owned(): KubeObject[] {
    return this.d.ownedPods.owned(this.set.metadata.uid, this.set.metadata.namespace ?? '');
  }

  async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitNsName(key);
    const set = this.d.api.get('StatefulSet', namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    this.set = set;
    await this.resolveRevisions();
    await this.syncPods();
    const start = set.spec.ordinals?.start ?? 0;
    await this.deleteScaledClaims(start + (set.spec.replicas ?? 1));
    const pods = this.owned();
    await truncateHistory(this.d.api, set, new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')), this.updateHash);
    await this.writeStatus(pods);
    if (this.minReady > 0 && this.requeue === undefined) {
      const waits = pods.filter((p) => isPodReady(p) && !isPodAvailable(p, this.minReady, this.now)).map((p) => msUntilAvailable(p, this.minReady, this.now) ?? 1);
      if (waits.length) this.requeue = Math.max(1, Math.min(...waits));
    }
    return this.requeue !== undefined ? { requeueAfterMs: this.requeue } : undefined;
  }

  /** The update revision is the template's; the current one is status.currentRevision's, else the update one. */
  private async resolveRevisions(): Promise<void> {
    const { hash, revision } = await ensureCurrentRevision(this.d.api, this.set);
    this.updateHash = hash;
    this.updateRev = revision;
    const revisions = ownedRevisions(this.d.api, this.set);
    this.currentRev = revisions.find((r) => r.metadata.name === this.set.status?.currentRevision) ?? revision;
    this.currentHash = this.currentRev.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? hash;
  }

  private podFor(ordinal: number): KubeObject {
    const useCurrent = usesCurrentRevision(this.set, ordinal, this.currentHash, this.updateHash);
    const rev = useCurrent ? this.currentRev : this.updateRev;
    return statefulPod(this.set, revisionTemplate(rev, this.set.spec.template), ordinal, useCurrent ? this.currentHash : this.updateHash);
  }

  /** Each step returns false when an OrderedReady set must stop for this sync. */
  private async syncPods(): Promise<void> {
    const { byOrdinal, condemned } = splitByOrdinal(this.set, this.owned());
    if (!(await this.syncReplicas(byOrdinal))) return;
    if (!(await this.scaleDown(condemned))) return;
    await this.rollingUpdate(byOrdinal);
  }

  /** Replace terminated pods and create missing ones, lowest ordinal first; OrderedReady waits for each to be Running, Ready and available. */
  private async syncReplicas(byOrdinal: Map<number, KubeObject>): Promise<boolean> {
    const { set, monotonic, minReady, now } = this;
    const start = set.spec.ordinals?.start ?? 0;
    for (let o = start; o < start + (set.spec.replicas ?? 1); o++) {
      const p = byOrdinal.get(o);
      if (p && isTerminal(p) && !p.metadata.deletionTimestamp) {
        const failed = p.status?.phase === 'Failed';
        await this.d.recorder.event(set, 'Warning', failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${p.metadata.name}`);
        await this.d.podControl.deletePod(set, p);
        if (monotonic) return false;
        continue;
      }
      if (!p) {
        await this.createClaims(o);
        await this.createPod(o);
        if (monotonic) return false;
        continue;
      }
      if (p.metadata.deletionTimestamp) {
        if (monotonic) return false;
        continue;
      }
      if (monotonic && !isRunningReady(p)) return false;
      if (monotonic && !isPodAvailable(p, minReady, now)) {
        this.requeue = Math.max(1, msUntilAvailable(p, minReady, now) ?? 1);
        return false;
      }
      await this.ensureClaimOwners(o);
    }
    return true;
  }

  /** Highest ordinal first, one at a time when ordered (an unhealthy one may go first). */
  private async scaleDown(condemned: KubeObject[]): Promise<boolean> {
    let unhealthyFirst = true;
    for (const p of condemned) {
      if (p.metadata.deletionTimestamp) {
        if (this.monotonic) return false;
        continue;
      }
      if (this.monotonic && !isRunningReady(p) && !unhealthyFirst) return false;
      unhealthyFirst = false;
      await this.d.podControl.deletePod(this.set, p);
      if (this.monotonic) return false;
    }
    return true;
  }

  /** From the highest ordinal down to the partition, one pod at a time. */
  private async rollingUpdate(byOrdinal: Map<number, KubeObject>): Promise<void> {
    const { set } = this;
    if (!isRollingUpdate(set)) return;
    const start = set.spec.ordinals?.start ?? 0;
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let o = start + (set.spec.replicas ?? 1) - 1; o >= start + partition; o--) {
      const p = byOrdinal.get(o);
      if (!p) return;
      if (p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== this.updateHash && !p.metadata.deletionTimestamp) {
        await this.d.podControl.deletePod(set, p);
        return;
      }
      if (p.metadata.deletionTimestamp || !isRunningReady(p) || !isPodAvailable(p, this.minReady, this.now)) return;
    }
  }

  private async createPod(ordinal: number): Promise<void> {
    const { set } = this;
    try {
      const pod = await this.d.api.create(this.podFor(ordinal));
      await this.d.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isStatusError(e, 'AlreadyExists')) return;
      await this.d.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
  }

  private async createClaims(ordinal: number): Promise<void> {
    const { set, d } = this;
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const claim = statefulClaim(set, tpl, ordinal);
      const cname = claim.metadata.name!;
      if (d.api.get('PersistentVolumeClaim', claim.metadata.namespace!, cname)) continue;
      try {
        await d.api.create(claim);
        await d.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${cname} Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (isStatusError(e, 'AlreadyExists')) continue;
        await d.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${cname} for Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
        throw e;
      }
    }
  }

  /** Keeps the claims' owner references in step with a changed whenDeleted policy. */
  private async ensureClaimOwners(ordinal: number): Promise<void> {
    const { set, d } = this;
    const ns = set.metadata.namespace ?? 'default';
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const cname = claimName(tpl.metadata.name!, set.metadata.name!, ordinal);
      const pvc = d.api.get('PersistentVolumeClaim', ns, cname);
      if (!pvc) continue;
      const want = claimOwners(set, pvc.metadata.ownerReferences);
      if (JSON.stringify(want ?? []) === JSON.stringify(pvc.metadata.ownerReferences ?? [])) continue;
      await d.api.modify('PersistentVolumeClaim', ns, cname, (c) => {
        if (want) c.metadata.ownerReferences = want;
        else delete c.metadata.ownerReferences;
      });
    }
  }

  /** whenScaled: Delete removes the claims of ordinals past the end once their pod is gone. */
  private async deleteScaledClaims(end: number): Promise<void> {
    const { set, d } = this;
    if ((set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') !== 'Delete') return;
    const ns = set.metadata.namespace ?? 'default';
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const prefix = `${tpl.metadata.name}-${set.metadata.name}-`;
      for (const pvc of d.api.list('PersistentVolumeClaim', { namespace: ns }).items) {
        const n = pvc.metadata.name!;
        if (!n.startsWith(prefix) || !/^\d+$/.test(n.slice(prefix.length))) continue;
        const ordinal = Number(n.slice(prefix.length));
        if (ordinal < end || pvc.metadata.deletionTimestamp) continue;
        if (d.api.get('Pod', ns, `${set.metadata.name}-${ordinal}`)) continue;
        try {
          await d.api.delete('PersistentVolumeClaim', ns, n);
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
        }
      }
    }
  }

  private async writeStatus(pods: KubeObject[]): Promise<void> {
    const { set, d } = this;
    const status = computeStatus(set, pods, this.currentRev.metadata.name!, this.currentHash, this.updateRev.metadata.name!, this.updateHash, this.now);
    const ns = set.metadata.namespace ?? '';
    const fresh = d.api.get('StatefulSet', ns, set.metadata.name!);
    if (fresh && JSON.stringify(status) !== JSON.stringify(fresh.status ?? {})) {
      await d.api.modify<StatefulSet>('StatefulSet', ns, set.metadata.name!, (o) => {
        o.status = status;
      }, { status: true });
    }
  }
}

