// The DaemonSet controller (kubernetes pkg/controller/daemon): one pod per
// eligible node — nodeSelector, required node affinity and taints decide —
// pinned to its node by a required nodeAffinity on metadata.name (the
// scheduler binds it), carrying the tolerations Kubernetes adds to every
// daemon pod; pods follow nodes as they come, go and change taints; the
// template's ControllerRevision hash labels the pods, and RollingUpdate
// (maxUnavailable / maxSurge) or OnDelete moves them to a new template.
import { ownerRef, type Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { clone, splitNsName, type KubeObject } from '../api/meta.js';
import type { DaemonSet, DaemonSetStatus } from '../api/types/apps.js';
import type { Toleration } from '../api/types/pod.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { sharedOwnerIndex } from './owner-index.js';
import { Controller, type ReconcileResult } from './controller.js';
import { CONTROLLER_REVISION_HASH, ensureCurrentRevision, truncateHistory } from './controller-revision.js';
import { controllerOwnerKey, selfKey } from './informer.js';
import { nodeTaints, podFitsNode, tolerates } from './node-match.js';
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

export function newDaemonSetController(opts: DaemonSetControllerOptions): Controller {
  const { api, clock } = opts;
  const recorder = new EventRecorder({ api, component: 'daemonset-controller' });
  const ownedPods = sharedOwnerIndex(api, 'Pod');

  const allDaemonSets = (): string[] => api.list('DaemonSet').items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
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
    return allDaemonSets();
  };

  const deletePod = async (ds: DaemonSet, pod: KubeObject): Promise<void> => {
    try {
      await api.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      await recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      await recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
  };

  const createPod = async (ds: DaemonSet, node: string, hash: string): Promise<void> => {
    try {
      const pod = await api.create(daemonPod(ds, node, hash));
      await recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (e) {
      await recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    const { namespace, name } = splitNsName(key);
    const stored = api.get<DaemonSet>('DaemonSet', namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const ds = stored;
    const now = clock.now();
    const { hash } = await ensureCurrentRevision(api, ds);
    const uid = ds.metadata.uid;
    const owned = () => ownedPods.owned(uid, namespace);
    const nodes = api.list('Node').items;
    const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
    const minReady = ds.spec.minReadySeconds ?? 0;

    // 1. manage: create missing pods, delete pods where they must not run.
    const byNode = new Map<string, KubeObject[]>();
    for (const p of owned()) {
      const n = daemonPodNode(p);
      if (!n || !nodeNames.has(n)) {
        // Pods for nodes that are gone (pod GC's job in Kubernetes).
        if (!p.metadata.deletionTimestamp) await deletePod(ds, p);
        continue;
      }
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const decisions = new Map<string, { shouldRun: boolean; shouldContinueRunning: boolean }>();
    for (const node of nodes) {
      const n = node.metadata.name!;
      const d = nodeShouldRunDaemonPod(node, ds);
      decisions.set(n, d);
      const pods = (byNode.get(n) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (d.shouldRun && pods.length === 0) {
        await createPod(ds, n, hash); // as Kubernetes: a terminating pod does not hold its replacement back
      } else if (d.shouldContinueRunning) {
        const failed = pods.filter((p) => p.status?.phase === 'Failed');
        for (const p of failed) {
          await recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${n}, will try to kill it`);
          await deletePod(ds, p);
        }
        const running = pods.filter((p) => p.status?.phase !== 'Failed');
        // More than one (outside a surge): keep the oldest, or the newest template when surging.
        if (running.length > 1 && !surging(ds)) {
          const sorted = [...running].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
          for (const p of sorted.slice(1)) await deletePod(ds, p);
        }
      } else {
        for (const p of pods) await deletePod(ds, p);
      }
    }

    // 2. rolling update.
    let requeue: number | undefined;
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const r = await rollingUpdate(ds, hash, owned(), decisions, now);
      if (r !== undefined) requeue = r;
    }

    // 3. history and status.
    const pods = owned().filter((p) => !p.metadata.deletionTimestamp);
    await truncateHistory(api, ds, new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')), hash);
    const status = computeStatus(ds, pods, decisions, hash, now);
    const fresh = api.get<DaemonSet>('DaemonSet', namespace, name);
    if (fresh && JSON.stringify({ ...status, collisionCount: fresh.status?.collisionCount }) !== JSON.stringify(fresh.status ?? {})) {
      await api.modify<DaemonSet>('DaemonSet', namespace, name, (o) => {
        o.status = { ...status, ...(o.status?.collisionCount !== undefined ? { collisionCount: o.status.collisionCount } : {}) };
      }, { status: true });
    }
    if (minReady > 0) {
      const waits = pods.filter((p) => isPodReady(p) && !isPodAvailable(p, minReady, now)).map((p) => msUntilAvailable(p, minReady, now) ?? 0);
      if (waits.length) requeue = Math.min(requeue ?? Infinity, Math.max(1, Math.min(...waits)));
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  };

  /** rollingUpdate: replace old pods within maxUnavailable, or surge new pods first within maxSurge. */
  const rollingUpdate = async (
    ds: DaemonSet,
    hash: string,
    pods: KubeObject[],
    decisions: Map<string, { shouldRun: boolean }>,
    now: number,
  ): Promise<number | undefined> => {
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
        if (!available(e.old)) {
          for (const p of e.old) await deletePod(ds, p); // old and broken: replace at once
        } else candidates.push(...e.old);
      }
      let budget = maxUnavailable - unavailable;
      for (const p of candidates) {
        if (budget <= 0) break;
        await deletePod(ds, p);
        budget--;
      }
      return undefined;
    }
    let surgeBudget = maxSurge;
    let wait: number | undefined;
    for (const [n, d] of decisions) {
      const e = perNode.get(n);
      if (!e || !e.old.length) continue;
      if (e.cur.length) {
        if (available(e.cur)) for (const p of e.old) await deletePod(ds, p);
        else {
          surgeBudget--;
          const ms = e.cur.map((p) => msUntilAvailable(p, minReady, now)).find((x) => x !== undefined);
          if (ms !== undefined) wait = Math.max(1, ms);
        }
      } else if (d.shouldRun) {
        if (!available(e.old)) {
          for (const p of e.old) await deletePod(ds, p);
        } else if (surgeBudget > 0) {
          surgeBudget--;
          await createPod(ds, n, hash);
        }
      }
    }
    return wait;
  };

  return new Controller({
    name: 'daemonset-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    caches: [ownedPods],
    watches: [
      { kind: 'DaemonSet', toKeys: selfKey },
      { kind: 'Pod', toKeys: (ev) => ownerKeysFor(ev, 'DaemonSet') },
      { kind: 'Node', toKeys: nodeKeys },
    ],
  });
}

function ownerKeysFor(ev: WatchEvent, kind: string): string[] {
  const keys = new Set<string>();
  for (const o of [ev.object, ev.oldObject]) {
    const k = o && controllerOwnerKey(o, kind);
    if (k) keys.add(k);
  }
  return [...keys];
}

function surging(ds: DaemonSet): boolean {
  const s = ds.spec.updateStrategy;
  return (s?.type ?? 'RollingUpdate') === 'RollingUpdate' && !!s?.rollingUpdate?.maxSurge && s.rollingUpdate.maxSurge !== '0%';
}

function computeStatus(
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
