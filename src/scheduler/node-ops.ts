// `kubectl cordon/uncordon/drain` as pure operations over the Api, so the TUI,
// the HTTP server and tests share one implementation. Drain cordons the node,
// then evicts every pod on it except mirror pods and (with ignoreDaemonSets,
// the default here as the TUI always asks for it) DaemonSet-managed pods,
// refusing — as kubectl does — pods no controller would recreate unless forced,
// and pods with emptyDir data unless deleteEmptyDirData. Evictions go through
// the eviction subresource's rules (src/api/eviction.ts), so
// PodDisruptionBudgets hold: as kubectl drain, every pod is evicted at once,
// an eviction a budget refuses (429) is retried every 5 s until the overall
// timeout, and the refusal names the budget. Admitted evictions are graceful
// deletes: each pod keeps its terminationGracePeriodSeconds unless overridden.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { evictPod, evictionErrorText } from '../api/eviction.js';
import { controllerRef } from '../api/meta.js';
import { realClock, type Clock } from '../util/clock.js';
import type { Node } from '../api/types/node.js';
import type { Pod } from '../api/types/pod.js';

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Sets spec.unschedulable; returns whether anything changed. */
export async function cordon(api: Api, nodeName: string, on = true): Promise<boolean> {
  let changed = false;
  await api.modify<Node>('Node', '', nodeName, (n) => {
    if (!!n.spec?.unschedulable === on) return undefined;
    changed = true;
    n.spec = { ...(n.spec ?? {}) };
    if (on) n.spec.unschedulable = true;
    else delete n.spec.unschedulable;
    return n;
  });
  return changed;
}

export interface DrainOptions {
  /** Skip DaemonSet-managed pods (else refuse). Default true. */
  ignoreDaemonSets?: boolean;
  /** Also evict pods no controller manages. Default false. */
  force?: boolean;
  /** Also evict pods using emptyDir volumes. Default false. */
  deleteEmptyDirData?: boolean;
  /** Override every pod's grace period (seconds); default: each pod's own. */
  gracePeriodSeconds?: number;
  /** Give up evicting after this many ms (kubectl --timeout); default 0: retry until evicted. */
  timeoutMs?: number;
  /** Waits between retries of a refused eviction (default 5000 ms, as kubectl). */
  retryIntervalMs?: number;
  /** Time for the retry pauses and the timeout; default real time. */
  clock?: Clock;
  /** Each refusal that will be retried, in kubectl's words and with the budget's cause. */
  onRetry?: (message: string) => void;
}

/** Go's time.Duration.String() for whole seconds and above: 5s, 1m0s, 1h0m0s. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h) return `${h}h${m}m${sec}s`;
  if (m) return `${m}m${sec}s`;
  return `${sec}s`;
}

export interface DrainResult {
  evicted: string[];
  /** namespace/name → why it stays */
  skipped: Record<string, string>;
}

export class DrainError extends Error {}

export async function drain(api: Api, nodeName: string, opts: DrainOptions = {}): Promise<DrainResult> {
  const ignoreDs = opts.ignoreDaemonSets ?? true;
  await cordon(api, nodeName, true);
  const pods = api.list('Pod', { filter: (p) => (p as Pod).spec?.nodeName === nodeName }).items;
  const result: DrainResult = { evicted: [], skipped: {} };
  const unmanaged: string[] = [];
  const dsManaged: string[] = [];
  const localData: string[] = [];
  const toEvict: Pod[] = [];
  for (const p of pods) {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (p.metadata.deletionTimestamp) {
      result.skipped[key] = 'already terminating';
      continue;
    }
    if (p.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
      result.skipped[key] = 'mirror pod';
      continue;
    }
    const ref = controllerRef(p);
    if (ref?.kind === 'DaemonSet') {
      if (ignoreDs) result.skipped[key] = 'DaemonSet-managed';
      else dsManaged.push(key);
      continue;
    }
    const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    if (!ref && !terminal && !opts.force) unmanaged.push(key);
    if ((p.spec?.volumes ?? []).some((v) => v.emptyDir) && !terminal && !opts.deleteEmptyDirData) localData.push(key);
    toEvict.push(p);
  }
  const errs: string[] = [];
  if (dsManaged.length) errs.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${dsManaged.join(', ')}`);
  if (unmanaged.length) errs.push(`cannot delete Pods that declare no controller (use --force to override): ${unmanaged.join(', ')}`);
  if (localData.length) errs.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${localData.join(', ')}`);
  if (errs.length) throw new DrainError(`unable to drain node "${nodeName}" due to error: ${errs.join(', ')}`);
  const failures: string[] = [];
  await Promise.all(
    toEvict.map(async (p) => {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      try {
        if (await evictWithRetry(api, p, opts)) result.evicted.push(key);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }),
  );
  // Report in the node's pod order, whatever order the evictions finished in.
  const order = new Map(toEvict.map((p, i) => [`${p.metadata.namespace}/${p.metadata.name}`, i]));
  result.evicted.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  if (failures.length) {
    throw new DrainError(`unable to drain node "${nodeName}" due to error: ${failures.join(', ')}`);
  }
  return result;
}

/**
 * One pod's eviction as kubectl drain's evictPods loop: retried every 5 s while
 * a budget refuses it (429), until the overall timeout. Resolves false when the
 * pod was already gone.
 */
async function evictWithRetry(api: Api, p: Pod, opts: DrainOptions): Promise<boolean> {
  const clock = opts.clock ?? realClock;
  const interval = opts.retryIntervalMs ?? 5000;
  const deadline = opts.timeoutMs ? clock.now() + opts.timeoutMs : Infinity;
  const ns = p.metadata.namespace ?? 'default';
  const name = p.metadata.name ?? '';
  const subject = `pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}`;
  let lastRefusal = '';
  for (;;) {
    if (clock.now() >= deadline) {
      throw new Error(`error when evicting ${subject}: global timeout reached: ${goDuration(opts.timeoutMs!)}${lastRefusal ? ` (${lastRefusal})` : ''}`);
    }
    try {
      await evictPod(api, ns, name, { gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: p.metadata.uid ? { uid: p.metadata.uid } : undefined });
      return true;
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return false;
      // The pod was replaced by one of the same name: the one to drain is gone.
      if (isStatusError(e, 'Conflict') && api.get('Pod', ns, name)?.metadata.uid !== p.metadata.uid) return false;
      if (!isStatusError(e) || e.code !== 429) throw new Error(`error when evicting ${subject}: ${isStatusError(e) ? evictionErrorText(e) : (e as Error).message}`, { cause: e });
      lastRefusal = evictionErrorText(e);
      opts.onRetry?.(`error when evicting ${subject} (will retry after ${goDuration(interval)}): ${lastRefusal}`);
      const wait = Math.max(0, Math.min(interval, deadline - clock.now()));
      await new Promise<void>((r) => clock.setTimeout(r, wait));
    }
  }
}
