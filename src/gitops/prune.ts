// Prune: deleting what the folder no longer defines. Only ever an inventory
// entry, only when the live object still carries the recorded uid and this
// sync's marks (a hand-made object with the same name or labels is not ours),
// never one that opted out (`kubeterm.io/prune: "false"`, Flux's and Argo CD's
// opt-outs: sync-options.ts), and never a
// Namespace that still holds objects the folder did not create (deleting it
// would take them along). Custom resources are pruned like any kind, and
// before their CRD (sync.ts orders candidates by applyOrder, reversed).
import type { KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient } from '../client/types.js';
import type { InventoryEntry } from './inventory.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, SYNC_ANNOTATION } from './labels.js';
import { pruneOptOut } from './sync-options.js';

export type PruneDecision =
  | { action: 'delete'; live: KubeObject }
  /** Not ours (gone, recreated by someone else, marks removed): forget it, touch nothing. */
  | { action: 'forget'; reason: string }
  /** Ours, but kept: opt-out annotation. Forget it. */
  | { action: 'keep'; reason: string }
  /** Ours, but deleting now would hurt: stay in the inventory and report. */
  | { action: 'blocked'; reason: string };

/** `kinds`: what the cluster serves now (`client.resources()`). */
export async function decidePrune(client: ClusterClient, e: InventoryEntry, syncName: string, kinds: readonly KindInfo[]): Promise<PruneDecision> {
  // A custom kind whose CRD went away took its objects with it (the CRD's cleanup deletes them).
  if (!kinds.some((k) => k.kind === e.kind)) return { action: 'forget', reason: `already gone: the cluster no longer serves ${e.kind}` };
  const live = await client.get(e.kind, e.namespace, e.name);
  if (!live) return { action: 'forget', reason: 'already gone' };
  if (live.metadata.uid !== e.uid) return { action: 'forget', reason: 'the live object is a different one (uid changed)' };
  if (live.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || live.metadata.annotations?.[SYNC_ANNOTATION] !== syncName) {
    return { action: 'forget', reason: 'no longer carries this sync\'s marks' };
  }
  // kubeterm.io/prune: "false", Flux's prune/reconcile: disabled, Argo CD's sync-options Prune=false (sync-options.ts).
  const optOut = pruneOptOut(live.metadata.annotations);
  if (optOut) return { action: 'keep', reason: optOut };
  if (live.metadata.deletionTimestamp) return { action: 'forget', reason: 'already being deleted' };
  if (e.kind === 'Namespace') {
    const foreign = await foreignObjectIn(client, e.name, syncName, kinds);
    if (foreign) return { action: 'blocked', reason: `not pruned: namespace holds ${foreign}, which this folder did not create` };
  }
  return { action: 'delete', live };
}

// Objects every namespace gets from the system, or that follow an owner: not the user's.
const SYSTEM_KINDS = new Set(['Event', 'Endpoints', 'EndpointSlice', 'Lease', 'ControllerRevision']);
const isSystemObject = (o: KubeObject): boolean =>
  SYSTEM_KINDS.has(o.kind) ||
  (o.kind === 'ServiceAccount' && o.metadata.name === 'default') ||
  (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') ||
  !!o.metadata.ownerReferences?.length ||
  !!o.metadata.deletionTimestamp;

/** `ConfigMap/notes` when the namespace holds an object not created by this sync. */
async function foreignObjectIn(client: ClusterClient, namespace: string, syncName: string, kinds: readonly KindInfo[]): Promise<string | undefined> {
  for (const info of kinds) {
    if (!info.namespaced || SYSTEM_KINDS.has(info.kind)) continue;
    let items: KubeObject[];
    try {
      items = (await client.list(info.kind, { namespace })).items;
    } catch {
      continue; // a kind the server does not serve
    }
    const f = items.find((o) => !isSystemObject(o) && o.metadata.annotations?.[SYNC_ANNOTATION] !== syncName);
    if (f) return `${f.kind}/${f.metadata.name}`;
  }
  return undefined;
}
