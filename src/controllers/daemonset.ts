// The DaemonSet controller (kubernetes pkg/controller/daemon): one pod per
// eligible node — nodeSelector, required node affinity and taints decide —
// pinned to its node by a required nodeAffinity on metadata.name (the
// scheduler binds it), carrying the tolerations Kubernetes adds to every
// daemon pod; pods follow nodes as they come, go and change taints; the
// template's ControllerRevision hash labels the pods, and RollingUpdate
// (maxUnavailable / maxSurge) or OnDelete moves them to a new template.
// The decisions (per-node actions, rolling-update actions, status) are pure
// functions; the sync applies the actions they return, in order.
import { ownerRef, type Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { clone, splitNsName, type KubeObject } from '../api/meta.js';
import type { DaemonSet, DaemonSetStatus } from '../api/types/apps.js';
import type { Toleration } from '../api/types/pod.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex, type OwnerIndexHandle } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { CONTROLLER_REVISION_HASH, ensureCurrentRevision, truncateHistory } from './controller-revision.js';
import { ownerKeys, selfKey } from './informer.js';
import { nodeTaints, podFitsNode, tolerates } from './node-match.js';
import { PodControl } from './pod-control.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pod-util.js';
import { scaledValue } from './deployment-util.js';

export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

/** The tolerations util.AddOrUpdateDaemonPodTolerations gives every daemon pod. */
export const DAEMON_POD_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const NETWORK_UNAVAILABLE: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

export interface DaemonSetControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

/** The template's tolerations plus the daemon ones it lacks. */
export function daemonTolerations(spec: any): Toleration[] {
  const out: Toleration[] = [...((spec?.tolerations ?? []) as Toleration[])];
  const extra = [...DAEMON_POD_TOLERATIONS, ...(spec?.hostNetwork ? [NETWORK_UNAVAILABLE] : [])];
  for (const t of extra) {
    if (!out.some((o) => o.key === t.key && o.effect === t.effect && o.operator === t.operator)) out.push(t);
  }
  return out;
}

/**
 * NodeShouldRunDaemonPod: shouldRun — a new pod may be placed; shouldContinueRunning —
 * an existing pod may stay (only an untolerated NoExecute taint evicts it).
 */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec.template.spec;
  if (!podFitsNode(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  let shouldRun = true;
  let shouldContinueRunning = true;
  for (const taint of nodeTaints(node)) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (tolerations.some((t) => tolerates(t, taint))) continue;
    shouldRun = false;
    if (taint.effect === 'NoExecute') shouldContinueRunning = false;
  }
  return { shouldRun, shouldContinueRunning };
}

/** The daemon pod for `nodeName`: template + revision labels + node affinity pinning it there. */
export function daemonPod(ds: DaemonSet, nodeName: string, hash: string): KubeObject {
  const t = clone(ds.spec.template);
  const spec: any = t.spec ?? { containers: [] };
  spec.tolerations = daemonTolerations(spec);
  const affinity = (spec.affinity ??= {});
  const na = (affinity.nodeAffinity ??= {});
  // ReplaceDaemonSetPodNodeNameNodeAffinity: the controller already checked the template's terms.
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: {
        ...(t.metadata?.labels ?? {}),
        [CONTROLLER_REVISION_HASH]: hash,
        [POD_TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1),
      },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerRef(ds)],
    },
    spec,
  };
}

/** The node a daemon pod is for: its binding, else the metadata.name its affinity names. */
export function daemonPodNode(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

export type NodeDecision = { shouldRun: boolean; shouldContinueRunning: boolean };

/** A daemon pod action, in the order the controller takes them. */
export type DaemonAction = { delete: KubeObject; failedOn?: string } | { createOn: string };

/**
 * manage: per node, create the missing pod, delete failed or duplicate pods
 * where it may keep running, delete every pod where it must not; pods for
 * nodes that are gone go first (pod GC's job in Kubernetes).
 */
export function manageActions(ds: DaemonSet, nodes: KubeObject[], pods: KubeObject[]): { actions: DaemonAction[]; decisions: Map<string, NodeDecision> } {
  const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
  const actions: DaemonAction[] = [];
  const byNode = new Map<string, KubeObject[]>();
  for (const p of pods) {
    const n = daemonPodNode(p);
    if (!n || !nodeNames.has(n)) {
      if (!p.metadata.deletionTimestamp) actions.push({ delete: p });
      continue;
    }
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const decisions = new Map<string, NodeDecision>();
  for (const node of nodes) {
    const n = node.metadata.name!;
    const d = nodeShouldRunDaemonPod(node, ds);
    decisions.set(n, d);
    const live = (byNode.get(n) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    if (d.shouldRun && live.length === 0) {
      actions.push({ createOn: n }); // as Kubernetes: a terminating pod does not hold its replacement back
    } else if (d.shouldContinueRunning) {
      for (const p of live.filter((p) => p.status?.phase === 'Failed')) actions.push({ delete: p, failedOn: n });
      const running = live.filter((p) => p.status?.phase !== 'Failed');
      // More than one (outside a surge): keep the oldest, or the newest template when surging.
      if (running.length > 1 && !surging(ds)) {
        const sorted = [...running].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
        for (const p of sorted.slice(1)) actions.push({ delete: p });
      }
    } else {
      for (const p of live) actions.push({ delete: p });
    }
  }
  return { actions, decisions };
}

/**
 * rollingUpdate: replace old pods within maxUnavailable, or surge new pods
 * first within maxSurge; old pods that are not available go at once.
 * waitMs: when the next surged pod becomes available.
 */
export function rollingUpdateActions(ds: DaemonSet, hash: string, pods: KubeObject[], decisions: Map<string, { shouldRun: boolean }>, now: number): { actions: DaemonAction[]; waitMs?: number } {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const desired = [...decisions.values()].filter((d) => d.shouldRun).length;
  const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge, desired, true, 0);
  let maxUnavailable = scaledValue(ru.maxUnavailable, desired, true, maxSurge ? 0 : 1);
  if (maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const perNode = new Map<string, { old: KubeObject[]; cur: KubeObject[] }>();
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    const n = daemonPodNode(p)!;
    const e = perNode.get(n) ?? { old: [], cur: [] };
    (p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash ? e.cur : e.old).push(p);
    perNode.set(n, e);
  }
  const available = (list: KubeObject[]) => list.some((p) => isPodAvailable(p, minReady, now));
  const actions: DaemonAction[] = [];
  const del = (list: KubeObject[]) => actions.push(...list.map((p) => ({ delete: p })));
  if (maxSurge === 0) {
    let unavailable = 0;
    for (const [n, d] of decisions) {
      if (!d.shouldRun) continue;
      const e = perNode.get(n);
      if (!e || !available([...e.old, ...e.cur])) unavailable++;
    }
    const candidates: KubeObject[] = [];
    for (const [, e] of perNode) {
      if (!e.old.length) continue;
      if (!available(e.old)) del(e.old); // old and broken: replace at once
      else candidates.push(...e.old);
    }
    del(candidates.slice(0, Math.max(0, maxUnavailable - unavailable)));
    return { actions };
  }
  let surgeBudget = maxSurge;
  let waitMs: number | undefined;
  for (const [n, d] of decisions) {
    const e = perNode.get(n);
    if (!e || !e.old.length) continue;
    if (e.cur.length) {
      if (available(e.cur)) del(e.old);
      else {
        surgeBudget--;
        const ms = e.cur.map((p) => msUntilAvailable(p, minReady, now)).find((x) => x !== undefined);
        if (ms !== undefined) waitMs = Math.max(1, ms);
      }
    } else if (d.shouldRun) {
      if (!available(e.old)) del(e.old);
      else if (surgeBudget > 0) {
        surgeBudget--;
        actions.push({ createOn: n });
      }
    }
  }
  return { actions, waitMs };
}

export function newDaemonSetController(opts: DaemonSetControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'daemonset-controller' });
  const ownedPods = sharedOwnerIndex(api, 'Pod');
  const deps: DaemonSetDeps = { api, recorder, ownedPods, podControl: new PodControl(api, recorder) };

  /** Node changes that can move daemon pods (labels, taints, schedulability) wake every DaemonSet. */
  const nodeKeys = (ev: WatchEvent): string[] => {
    if (ev.type === 'MODIFIED' && ev.oldObject) {
      const a = ev.object;
      const b = ev.oldObject;
      const same =
        JSON.stringify(a.metadata.labels ?? {}) === JSON.stringify(b.metadata.labels ?? {}) &&
        JSON.stringify(a.spec?.taints ?? []) === JSON.stringify(b.spec?.taints ?? []) &&
        !!a.spec?.unschedulable === !!b.spec?.unschedulable;
      if (same) return [];
    }
    return api.list('DaemonSet').items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
  };

  return new Controller({
    name: 'daemonset-controller',
    api,
    clock,
    reconcile: (key) => new DaemonSetSync(deps, clock.now()).sync(key),
    workers: opts.workers,
    caches: [ownedPods],
    watches: [
      { kind: 'DaemonSet', toKeys: selfKey },
      { kind: 'Pod', toKeys: ownerKeys('DaemonSet') },
      { kind: 'Node', toKeys: nodeKeys },
    ],
  });
}

interface DaemonSetDeps {
  api: Api;
  recorder: EventRecorder;
  ownedPods: OwnerIndexHandle;
  podControl: PodControl;
}

/** One sync of one DaemonSet: manage pods per node, roll the template, then history and status. */
class DaemonSetSync {
  private ds!: DaemonSet;
  private hash = '';
  private requeue?: number;

  constructor(
    private readonly d: DaemonSetDeps,
    private readonly now: number,
  ) {}

  private owned(): KubeObject[] {
    return this.d.ownedPods.owned(this.ds.metadata.uid, this.ds.metadata.namespace ?? '');
  }

  async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitNsName(key);
    const ds = this.d.api.get('DaemonSet', namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    this.ds = ds;
    this.hash = (await ensureCurrentRevision(this.d.api, ds)).hash;
    const { actions, decisions } = manageActions(ds, this.d.api.list('Node').items, this.owned());
    await this.apply(actions);
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const r = rollingUpdateActions(ds, this.hash, this.owned(), decisions, this.now);
      await this.apply(r.actions);
      if (r.waitMs !== undefined) this.requeue = r.waitMs;
    }
    await this.syncHistoryAndStatus(decisions);
    return this.requeue !== undefined ? { requeueAfterMs: this.requeue } : undefined;
  }

  private async apply(actions: DaemonAction[]): Promise<void> {
    const { ds } = this;
    for (const a of actions) {
      if ('createOn' in a) {
        await this.d.podControl.createPod(ds, daemonPod(ds, a.createOn, this.hash));
        continue;
      }
      if (a.failedOn) {
        await this.d.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${a.delete.metadata.namespace}/${a.delete.metadata.name} on node ${a.failedOn}, will try to kill it`);
      }
      await this.d.podControl.deletePod(ds, a.delete);
    }
  }

  private async syncHistoryAndStatus(decisions: Map<string, NodeDecision>): Promise<void> {
    const { ds, d, now } = this;
    const minReady = ds.spec.minReadySeconds ?? 0;
    const pods = this.owned().filter((p) => !p.metadata.deletionTimestamp);
    await truncateHistory(d.api, ds, new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')), this.hash);
    const status = computeStatus(ds, pods, decisions, this.hash, now);
    const ns = ds.metadata.namespace ?? '';
    const fresh = d.api.get('DaemonSet', ns, ds.metadata.name!);
    if (fresh && JSON.stringify({ ...status, collisionCount: fresh.status?.collisionCount }) !== JSON.stringify(fresh.status ?? {})) {
      await d.api.modify<DaemonSet>('DaemonSet', ns, ds.metadata.name!, (o) => {
        o.status = { ...status, ...(o.status?.collisionCount !== undefined ? { collisionCount: o.status.collisionCount } : {}) };
      }, { status: true });
    }
    if (minReady > 0) {
      const waits = pods.filter((p) => isPodReady(p) && !isPodAvailable(p, minReady, now)).map((p) => msUntilAvailable(p, minReady, now) ?? 0);
      if (waits.length) this.requeue = Math.min(this.requeue ?? Infinity, Math.max(1, Math.min(...waits)));
    }
  }
}

export function surging(ds: DaemonSet): boolean {
  const s = ds.spec.updateStrategy;
  return (s?.type ?? 'RollingUpdate') === 'RollingUpdate' && !!s?.rollingUpdate?.maxSurge && s.rollingUpdate.maxSurge !== '0%';
}

/** The DaemonSet's status from its live pods and the per-node decisions. */
export function computeStatus(
  ds: DaemonSet,
  pods: KubeObject[],
  decisions: Map<string, { shouldRun: boolean }>,
  hash: string,
  now: number,
): DaemonSetStatus {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const byNode = new Map<string, KubeObject[]>();
  for (const p of pods) {
    const n = daemonPodNode(p);
    if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  for (const [n, d] of decisions) {
    const list = byNode.get(n) ?? [];
    if (d.shouldRun) {
      desired++;
      if (list.length) {
        current++;
        if (list.some(isPodReady)) ready++;
        if (list.some((p) => isPodAvailable(p, minReady, now))) available++;
        if (list.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash)) updated++;
      }
    } else if (list.length) misscheduled++;
  }
  return {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    ...(ds.metadata.generation ? { observedGeneration: ds.metadata.generation } : {}),
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}
