// The marks a folder sync leaves on what it applies. They are how the sync
// (and a person running kubectl) tells "created from this folder" apart from
// everything else, so prune never touches what the folder did not create.
import { createHash } from 'node:crypto';

/** Label on every object a folder sync applied (selectable: `-l kubeterm.io/managed-by=folder-sync`). */
export const MANAGED_BY_LABEL = 'kubeterm.io/managed-by';
export const MANAGED_BY_VALUE = 'folder-sync';
/** Annotation naming the sync (one kubeterm may run several folders). */
export const SYNC_ANNOTATION = 'kubeterm.io/sync';
/** Annotation naming the file (relative to the folder) the object came from. */
export const SOURCE_ANNOTATION = 'kubeterm.io/source';
/** `kubeterm.io/prune: "false"` on an object keeps it when its manifest goes away. */
export const PRUNE_ANNOTATION = 'kubeterm.io/prune';
/** `kubeterm.io/self-heal: "false"` on an object reports drift but never reverts it. */
export const SELF_HEAL_ANNOTATION = 'kubeterm.io/self-heal';
/** The field manager recorded for the sync's writes. */
export const FIELD_MANAGER = 'kubeterm-folder-sync';
/** Where inventories live: a namespace every cluster has. */
export const INVENTORY_NAMESPACE = 'kube-system';

export const inventoryName = (syncName: string): string => `kubeterm-sync-${syncName}`;

/**
 * The default sync name: the folder's name plus a short hash of its absolute
 * path (`gitops-3f9a1c`), so two checkouts that are both called `gitops` never
 * share an inventory — one would otherwise prune the other's objects. A DNS
 * label, as it also names the inventory ConfigMap.
 */
export function syncNameFor(absFolder: string): string {
  const base = absFolder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'root';
  const cleaned = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
  const hash = createHash('sha256').update(absFolder).digest('hex').slice(0, 6);
  return `${cleaned || 'root'}-${hash}`;
}
