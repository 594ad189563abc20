// `kubectl cordon/uncordon/drain` as pure operations over the Api, so the TUI,
// the HTTP server and tests share one implementation. Drain cordons the node,
// then evicts every pod on it except mirror pods and (with ignoreDaemonSets,
// the default here as the TUI always asks for it) DaemonSet-managed pods,
// refusing — as kubectl does — pods no controller would recreate unless forced,
// and pods with emptyDir data unless deleteEmptyDirData. Evictions are graceful
// deletes: each pod keeps its terminationGracePeriodSeconds unless overridden.
import type { Api } from '../api/api.js';
import { controllerRef } from '../api/meta.js';
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
  const pods = api.list<Pod>('Pod', { filter: (p) => (p as Pod).spec?.nodeName === nodeName }).items;
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
  for (const p of toEvict) {
    await api.delete('Pod', p.metadata.namespace ?? 'default', p.metadata.name ?? '', {
      gracePeriodSeconds: opts.gracePeriodSeconds,
    });
    result.evicted.push(`${p.metadata.namespace}/${p.metadata.name}`);
  }
  return result;
}
