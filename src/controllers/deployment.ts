// Length: one DeploymentSync following pkg/controller/deployment's sync.go, rolling.go, recreate.go and progress.go function by function; its pure helpers live in deployment-util.ts.
// The Deployment controller (kubernetes pkg/controller/deployment): one
// ReplicaSet per pod template, named <deployment>-<pod-template-hash>; rolling
// updates bounded by maxSurge/maxUnavailable or Recreate; proportional
// scaling; pause; revisions; progress deadline; history cleanup. Each step
// follows the Kubernetes function of the same name so behaviour (and Events)
// match what `kubectl rollout status` and `kubectl describe` expect.
import { type Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, controllerRef, splitNsName, type KubeObject, type OwnerReference } from '../api/meta.js';
import { REVISION_ANNOTATION } from '../api/rollout.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../api/types/apps.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';
import * as u from './deployment-util.js';
import { controllerOwnerKey, selfKey } from './informer.js';
import { selectorMatches } from '../api/selectors.js';
import { equalIgnoreHash, podTemplateHash, POD_TEMPLATE_HASH, templateFingerprint } from './template-hash.js';

export interface DeploymentControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

export function newDeploymentController(opts: DeploymentControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'deployment-controller' });

  const deploymentsSelecting = (obj: KubeObject): string[] =>
    api
      .list('Deployment', { namespace: obj.metadata.namespace })
      .items.filter((d) => selectorMatches(d.spec.selector, obj.metadata.labels))
      .map((d) => `${d.metadata.namespace}/${d.metadata.name}`);

  /** ReplicaSet events → owning Deployment; orphans → every Deployment selecting them. */
  const rsKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>();
    for (const rs of [ev.object, ev.oldObject]) {
      if (!rs) continue;
      const k = controllerOwnerKey(rs, 'Deployment');
      if (k) keys.add(k);
      else if (!controllerRef(rs) && ev.type !== 'DELETED') for (const d of deploymentsSelecting(rs)) keys.add(d);
    }
    return [...keys];
  };

  /** A deleted pod can unblock a Recreate rollout (it waits for old pods to be gone). */
  const podKeys = (ev: WatchEvent): string[] => {
    if (ev.type !== 'DELETED') return [];
    const ref = controllerRef(ev.object);
    if (!ref || ref.kind !== 'ReplicaSet') return [];
    const rs = api.get('ReplicaSet', ev.object.metadata.namespace ?? '', ref.name);
    const k = rs && controllerOwnerKey(rs, 'Deployment');
    return k ? [k] : [];
  };

  return new Controller({
    name: 'deployment-controller',
    api,
    clock,
    workers: opts.workers,
    reconcile: (key) => new DeploymentSync(api, recorder, clock).sync(key),
    watches: [
      { kind: 'Deployment', toKeys: selfKey },
      { kind: 'ReplicaSet', toKeys: rsKeys },
      { kind: 'Pod', toKeys: podKeys },
    ],
  });
}

/** One reconcile of one Deployment. `d` is a private copy kept in step with what we wrote. */
class DeploymentSync {
  private d!: Deployment;
  private requeueAfterMs?: number;
  /** The Deployment template's fingerprint, computed once per sync (the template does not change within one). */
  private templateFp?: string;

  constructor(
    private readonly api: Api,
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
  ) {}

  private get now(): number {
    return this.clock.now();
  }

  async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitNsName(key);
    const stored = this.api.get('Deployment', namespace, name);
    if (!stored) return;
    this.d = clone(stored);
    const d = this.d;
    if (isEmptySelector(d.spec.selector)) {
      await this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.writeStatus({ ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }
    const rsList = await this.claimReplicaSets();
    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly(rsList);
      return;
    }
    await this.checkPausedConditions();
    if (this.d.spec.paused) {
      await this.syncScaling(rsList);
      return;
    }
    if (await this.isScalingEvent(rsList)) {
      await this.syncScaling(this.ownedReplicaSets());
      return;
    }
    if (u.isRollingUpdate(this.d)) await this.rolloutRolling(this.ownedReplicaSets());
    else await this.rolloutRecreate(this.ownedReplicaSets());
    return this.requeueAfterMs !== undefined ? { requeueAfterMs: this.requeueAfterMs } : undefined;
  }

  // ---- ReplicaSet ownership ------------------------------------------------

  private ownedReplicaSets(): ReplicaSet[] {
    const uid = this.d.metadata.uid;
    return this.api
      .list('ReplicaSet', { namespace: this.d.metadata.namespace, filter: (rs) => controllerRef(rs)?.uid === uid })
      .items;
  }

  /** ClaimReplicaSets: adopt matching orphans, release owned ones that stopped matching. */
  private async claimReplicaSets(): Promise<ReplicaSet[]> {
    const d = this.d;
    const uid = d.metadata.uid;
    for (const rs of this.api.list('ReplicaSet', { namespace: d.metadata.namespace }).items) {
      const ref = controllerRef(rs);
      const matches = selectorMatches(d.spec.selector, rs.metadata.labels);
      if (ref && ref.uid === uid && !matches && !d.metadata.deletionTimestamp) {
        await this.patchOwners(rs, (refs) => refs.filter((r) => r.uid !== uid));
      } else if (!ref && matches && !d.metadata.deletionTimestamp) {
        await this.patchOwners(rs, (refs) => [...refs, deploymentRef(d)]);
      }
    }
    return this.ownedReplicaSets();
  }

  private async patchOwners(rs: ReplicaSet, change: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    try {
      await this.api.modify('ReplicaSet', rs.metadata.namespace ?? '', rs.metadata.name ?? '', (o) => {
        const next = change(o.metadata.ownerReferences ?? []);
        if (next.length) o.metadata.ownerReferences = next;
        else delete o.metadata.ownerReferences;
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  // ---- writes ----------------------------------------------------------------

  private async writeStatus(status: DeploymentStatus): Promise<void> {
    const d = this.d;
    const out = await this.api.modify<Deployment>('Deployment', d.metadata.namespace ?? '', d.metadata.name ?? '', (o) => {
      o.status = clone(status);
    }, { status: true });
    if (out) this.d = clone(out);
  }

  /** Persists the Deployment's annotations (the revision) — Kubernetes does this through UpdateStatus. */
  private async writeAnnotations(): Promise<void> {
    const d = this.d;
    const annotations = d.metadata.annotations;
    const status = d.status;
    const out = await this.api.modify<Deployment>('Deployment', d.metadata.namespace ?? '', d.metadata.name ?? '', (o) => {
      if (JSON.stringify(o.metadata.annotations ?? {}) === JSON.stringify(annotations ?? {})) return undefined;
      o.metadata.annotations = clone(annotations);
    });
    if (out) this.d = { ...clone(out), status: clone(status) } as Deployment;
  }

  private async updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const out = await this.api.update(rs);
    return clone(out);
  }

  // ---- revisions and the new ReplicaSet -------------------------------------

  /** FindNewReplicaSet: the oldest owned ReplicaSet whose template equals the Deployment's. */
  private findNewReplicaSet(rsList: ReplicaSet[]): ReplicaSet | undefined {
    const want = (this.templateFp ??= templateFingerprint(this.d.spec.template));
    return [...rsList].sort(u.byCreation).find((rs) => templateFingerprint(rs.spec.template) === want);
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) and all the old ones. */
  private async getAllReplicaSetsAndSyncRevision(
    rsList: ReplicaSet[],
    createIfNotExisted: boolean,
  ): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const existing = this.findNewReplicaSet(rsList);
    const oldRSs = rsList.filter((rs) => rs.metadata.uid !== existing?.metadata.uid);
    const newRS = await this.getNewReplicaSet(existing, oldRSs, createIfNotExisted);
    return { newRS, oldRSs };
  }

  private setDeploymentRevision(revision: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[REVISION_ANNOTATION] === revision) return false;
    a[REVISION_ANNOTATION] = revision;
    return true;
  }

  private async getNewReplicaSet(
    existing: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
    create: boolean,
  ): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const newRevision = u.maxRevision(oldRSs) + 1;
    if (existing) {
      let rs = clone(existing);
      const annotationsUpdated = u.setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReadyNeedsUpdate = (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyNeedsUpdate) {
        rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        rs = await this.updateReplicaSet(rs);
      }
      let needsUpdate = this.setDeploymentRevision(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      const status: DeploymentStatus = clone(d.status ?? {});
      if (u.hasProgressDeadline(d) && !u.getCondition(status, 'Progressing')) {
        u.setCondition(status, u.newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${rs.metadata.name}"`, this.now), this.now);
        needsUpdate = true;
      }
      if (needsUpdate) {
        await this.writeAnnotations();
        await this.writeStatus(status);
      }
      return rs;
    }
    if (!create) return undefined;

    const collisionCount = d.status?.collisionCount;
    const hash = podTemplateHash(d.spec.template, collisionCount);
    const template = clone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = clone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [deploymentRef(d)],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const newReplicas = this.newRSNewReplicas([...oldRSs, rs], rs);
    rs.spec.replicas = newReplicas;
    u.setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = clone(await this.api.create(rs));
    } catch (e) {
      if (isStatusError(e, 'AlreadyExists')) {
        const found = this.api.get('ReplicaSet', d.metadata.namespace ?? '', rs.metadata.name ?? '');
        if (found && controllerRef(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
          created = clone(found);
          alreadyExists = true;
        } else {
          // A hash collision: bump collisionCount so the next attempt picks another name.
          await this.writeStatus({ ...clone(d.status ?? {}), collisionCount: (collisionCount ?? 0) + 1 });
          throw e;
        }
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${(e as Error).message}`;
        if (u.hasProgressDeadline(d)) {
          const status = clone(d.status ?? {});
          u.setCondition(status, u.newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, this.now), this.now);
          await this.writeStatus(status);
        }
        await this.recorder.event(d, 'Warning', 'ReplicaSetCreateError', msg);
        throw e;
      }
    }
    if (!alreadyExists && newReplicas > 0) {
      await this.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`);
    }
    let needsUpdate = this.setDeploymentRevision(String(newRevision));
    const status = clone(this.d.status ?? {});
    if (!alreadyExists && u.hasProgressDeadline(this.d)) {
      u.setCondition(status, u.newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, this.now), this.now);
      needsUpdate = true;
    }
    if (needsUpdate) {
      await this.writeAnnotations();
      await this.writeStatus(status);
    }
    return created;
  }

  /** NewRSNewReplicas: how big the new ReplicaSet may be now. */
  private newRSNewReplicas(allRSs: ReplicaSet[], newRS: ReplicaSet): number {
    const d = this.d;
    if (!u.isRollingUpdate(d)) return u.replicasOf(d);
    const current = u.specReplicas(allRSs);
    const maxTotal = u.replicasOf(d) + u.maxSurge(d);
    if (current >= maxTotal) return u.replicasOf(newRS);
    const up = Math.min(maxTotal - current, u.replicasOf(d) - u.replicasOf(newRS));
    return u.replicasOf(newRS) + up;
  }

  // ---- scaling -----------------------------------------------------------------

  /** scaleReplicaSetAndRecordEvent → the ReplicaSet after the write (or as it was). */
  private async scaleReplicaSet(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const desired = u.replicasOf(d);
    const max = desired + u.maxSurge(d);
    const oldScale = u.replicasOf(rs);
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !u.replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = clone(rs);
    copy.spec.replicas = newScale;
    u.setReplicasAnnotations(copy, desired, max);
    const out = await this.updateReplicaSet(copy);
    if (sizeNeedsUpdate) {
      const op = newScale > oldScale ? 'up' : 'down';
      await this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: out };
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different replica count. */
  private async isScalingEvent(rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    for (const rs of u.filterActive([...oldRSs, newRS])) {
      const desired = u.desiredReplicasAnnotation(rs);
      if (desired === undefined) continue;
      if (desired !== u.replicasOf(this.d)) return true;
    }
    return false;
  }

  /** sync: scaling and paused deployments — no rollout progress, proportional resize. */
  private async syncScaling(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    await this.scale(newRS, oldRSs);
    const fresh = this.ownedReplicaSets();
    const freshNew = newRS && fresh.find((r) => r.metadata.uid === newRS.metadata.uid);
    const freshOld = fresh.filter((r) => r.metadata.uid !== newRS?.metadata.uid);
    if (this.d.spec.paused) await this.cleanupDeployment(freshOld);
    await this.syncDeploymentStatus([...freshOld, ...(freshNew ? [freshNew] : [])], freshNew);
  }

  private async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const desired = u.replicasOf(d);
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (u.replicasOf(activeOrLatest) !== desired) await this.scaleReplicaSet(activeOrLatest, desired);
      return;
    }
    if (u.isSaturated(d, newRS)) {
      for (const old of u.filterActive(oldRSs)) await this.scaleReplicaSet(old, 0);
      return;
    }
    if (!u.isRollingUpdate(d)) return;
    const all = u.filterActive([...oldRSs, newRS]);
    const allReplicas = u.specReplicas(all);
    const allowed = desired > 0 ? desired + u.maxSurge(d) : 0;
    const toAdd = allowed - allReplicas;
    if (toAdd > 0) all.sort(u.bySize(true));
    else if (toAdd < 0) all.sort(u.bySize(false));
    let added = 0;
    const size = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = u.proportion(rs, d, toAdd, added);
        size.set(rs.metadata.name ?? '', u.replicasOf(rs) + p);
        added += p;
      } else size.set(rs.metadata.name ?? '', u.replicasOf(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i];
      const n = rs.metadata.name ?? '';
      if (i === 0 && toAdd !== 0) size.set(n, Math.max(0, (size.get(n) ?? 0) + toAdd - added));
      await this.scaleReplicaSet(rs, size.get(n) ?? 0);
    }
  }

  // ---- RollingUpdate --------------------------------------------------------------

  private async rolloutRolling(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, true);
    let all: ReplicaSet[] = [...oldRSs, ...(newRS ? [newRS] : [])];
    const scaledUp = newRS ? await this.reconcileNewReplicaSet(all, newRS) : { scaled: false, rs: newRS };
    if (scaledUp.scaled) {
      all = [...oldRSs, scaledUp.rs!];
      return this.syncRolloutStatus(all, scaledUp.rs);
    }
    const scaledDown = await this.reconcileOldReplicaSets(all, u.filterActive(oldRSs), newRS);
    if (scaledDown) return this.syncRolloutStatus(this.refresh(all), newRS && this.refresh([newRS])[0]);
    if (u.deploymentComplete(this.d, this.d.status ?? {})) await this.cleanupDeployment(oldRSs);
    return this.syncRolloutStatus(all, newRS);
  }

  /** Re-reads ReplicaSets we may have written. */
  private refresh(rss: ReplicaSet[]): ReplicaSet[] {
    return rss
      .map((r) => this.api.get('ReplicaSet', r.metadata.namespace ?? '', r.metadata.name ?? ''))
      .filter((r): r is ReplicaSet => !!r);
  }

  private async reconcileNewReplicaSet(all: ReplicaSet[], newRS: ReplicaSet): Promise<{ scaled: boolean; rs?: ReplicaSet }> {
    const desired = u.replicasOf(this.d);
    if (u.replicasOf(newRS) === desired) return { scaled: false, rs: newRS };
    if (u.replicasOf(newRS) > desired) return this.scaleReplicaSet(newRS, desired);
    return this.scaleReplicaSet(newRS, this.newRSNewReplicas(all, newRS));
  }

  private async reconcileOldReplicaSets(all: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<boolean> {
    const d = this.d;
    if (u.specReplicas(oldRSs) === 0) return false;
    const allPods = u.specReplicas(all);
    const minAvailable = u.replicasOf(d) - u.maxUnavailable(d);
    const newUnavailable = newRS ? u.replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = await this.cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
    const allAfter = [...cleaned.oldRSs, ...(newRS ? [newRS] : [])];
    const scaledDown = await this.scaleDownOldReplicaSetsForRollingUpdate(allAfter, cleaned.oldRSs);
    return cleaned.count + scaledDown > 0;
  }

  /** cleanupUnhealthyReplicas: scale down old pods that are not available first, oldest ReplicaSet first. */
  private async cleanupUnhealthyReplicas(oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
    const sorted = [...oldRSs].sort(u.byCreation);
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (total >= maxCleanup) break;
      const rs = sorted[i];
      const replicas = u.replicasOf(rs);
      const available = rs.status?.availableReplicas ?? 0;
      // available > replicas only while the status is stale: nothing unhealthy to clean up then.
      if (replicas === 0 || available >= replicas) continue;
      const down = Math.min(maxCleanup - total, replicas - available);
      const res = await this.scaleReplicaSet(rs, replicas - down);
      sorted[i] = res.rs;
      total += down;
    }
    return { oldRSs: sorted, count: total };
  }

  /** scaleDownOldReplicaSetsForRollingUpdate: only as far as availability allows. */
  private async scaleDownOldReplicaSetsForRollingUpdate(all: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
    const d = this.d;
    const minAvailable = u.replicasOf(d) - u.maxUnavailable(d);
    // A ReplicaSet never keeps more available pods than its spec once its controller catches up: counting
    // min(status, spec) keeps a stale status (pods being deleted right now) from spending the budget twice.
    const available = all.reduce((n, rs) => n + Math.min(rs.status?.availableReplicas ?? 0, u.replicasOf(rs)), 0);
    if (available <= minAvailable) return 0;
    const budget = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(u.byCreation)) {
      if (total >= budget) break;
      const replicas = u.replicasOf(rs);
      if (replicas === 0) continue;
      const down = Math.min(replicas, budget - total);
      await this.scaleReplicaSet(rs, replicas - down);
      total += down;
    }
    return total;
  }

  // ---- Recreate ------------------------------------------------------------------------

  private async rolloutRecreate(rsList: ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    let scaledDown = false;
    for (const rs of u.filterActive(oldRSs)) {
      if ((await this.scaleReplicaSet(rs, 0)).scaled) scaledDown = true;
    }
    if (scaledDown) return this.syncRolloutStatus(this.refresh([...oldRSs, ...(newRS ? [newRS] : [])]), newRS);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(this.ownedReplicaSets(), true));
    if (newRS) newRS = (await this.scaleReplicaSet(newRS, u.replicasOf(this.d))).rs;
    if (u.deploymentComplete(this.d, this.d.status ?? {})) await this.cleanupDeployment(oldRSs);
    return this.syncRolloutStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  /** oldPodsRunning: any old ReplicaSet still reports pods, or any non-terminal pod of one exists. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (u.actualReplicas(oldRSs) > 0) return true;
    const oldUids = new Set(oldRSs.map((r) => r.metadata.uid));
    const pods = this.api.list('Pod', { namespace: this.d.metadata.namespace }).items;
    return pods.some((p) => {
      const ref = controllerRef(p);
      if (!ref || ref.uid === newRS?.metadata.uid || !oldUids.has(ref.uid)) return false;
      const phase = p.status?.phase;
      return phase !== 'Failed' && phase !== 'Succeeded';
    });
  }

  // ---- status --------------------------------------------------------------------------

  private calculateStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
    const d = this.d;
    const available = u.availableReplicas(all);
    const total = u.specReplicas(all);
    // Every count is omitempty in apps/v1 DeploymentStatus: zeros are left out, as a real cluster shows them.
    const status: DeploymentStatus = omitZero({
      observedGeneration: d.metadata.generation,
      replicas: u.actualReplicas(all),
      updatedReplicas: u.actualReplicas([newRS]),
      readyReplicas: u.readyReplicas(all),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      collisionCount: d.status?.collisionCount,
    });
    status.conditions = clone(d.status?.conditions ?? []);
    if (available >= u.replicasOf(d) - u.maxUnavailable(d)) {
      u.setCondition(status, u.newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', this.now), this.now);
    } else {
      u.setCondition(status, u.newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', this.now), this.now);
    }
    return status;
  }

  private async syncDeploymentStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = this.calculateStatus(all, newRS);
    if (!sameStatus(this.d.status, status)) await this.writeStatus(status);
  }

  private async syncStatusOnly(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    await this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  /** syncRolloutStatus: status plus the Progressing condition (progress, completion, deadline). */
  private async syncRolloutStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const d = this.d;
    const status = this.calculateStatus(all, newRS);
    if (!u.hasProgressDeadline(d)) u.removeCondition(status, 'Progressing');
    const cur = u.getCondition(d.status, 'Progressing');
    const isComplete = status.replicas === status.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
    if (u.hasProgressDeadline(d) && !isComplete) {
      const rsName = newRS?.metadata.name;
      if (u.deploymentComplete(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        u.setCondition(status, u.newCondition('Progressing', 'True', 'NewReplicaSetAvailable', msg, this.now), this.now);
      } else if (u.deploymentProgressing(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const c = u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', msg, this.now);
        // Progress moves lastUpdateTime even when the reason stays the same.
        if (cur) {
          if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
          u.removeCondition(status, 'Progressing');
        }
        u.setCondition(status, c, this.now);
      } else if (u.deploymentTimedOut(d, status, this.now)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        u.setCondition(status, u.newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', msg, this.now), this.now);
      }
    }
    const failure = all.flatMap((rs) => rs.status?.conditions ?? []).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failure) u.setCondition(status, { ...failure }, this.now);
    else u.removeCondition(status, 'ReplicaFailure');
    if (sameStatus(d.status, status)) {
      this.requeueStuckDeployment(status);
      return;
    }
    await this.writeStatus(status);
  }

  /** requeueStuckDeployment: come back when the progress deadline would pass. */
  private requeueStuckDeployment(status: DeploymentStatus): void {
    const d = this.d;
    const cur = u.getCondition(d.status, 'Progressing');
    if (!u.hasProgressDeadline(d) || !cur) return;
    if (u.deploymentComplete(d, status) || cur.reason === 'ProgressDeadlineExceeded') return;
    const from = Date.parse(cur.lastUpdateTime ?? cur.lastTransitionTime ?? '');
    if (Number.isNaN(from)) return;
    const after = from + u.progressDeadlineMs(d) - this.now;
    this.requeueAfterMs = after < 1000 ? 1000 : after + 1000;
  }

  private async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!u.hasProgressDeadline(d)) return;
    const cond = u.getCondition(d.status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return;
    const pausedCondExists = cond?.reason === 'DeploymentPaused';
    const status = clone(d.status ?? {});
    let changed = false;
    if (d.spec.paused && !pausedCondExists) {
      u.setCondition(status, u.newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', this.now), this.now);
      changed = true;
    } else if (!d.spec.paused && pausedCondExists) {
      u.setCondition(status, u.newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', this.now), this.now);
      changed = true;
    }
    if (changed) await this.writeStatus(status);
  }

  /** cleanupDeployment: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanupDeployment(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec.revisionHistoryLimit ?? 10;
    const cleanable = this.refresh(oldRSs).filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(u.byRevision);
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if ((rs.status?.replicas ?? 0) !== 0 || u.replicasOf(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.api.delete('ReplicaSet', rs.metadata.namespace ?? '', rs.metadata.name ?? '');
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    }
  }
}

/** Kubernetes refuses to roll out a Deployment whose selector selects every pod. */
function isEmptySelector(sel: Deployment['spec']['selector'] | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

function deploymentRef(d: Deployment): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** FindActiveOrLatest: the single active ReplicaSet, or the newest when none is active. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => u.byCreation(b, a));
  const active = u.filterActive([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function omitZero<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === 0 || v === undefined) delete (o as Record<string, unknown>)[k];
  return o;
}

function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b);
}

