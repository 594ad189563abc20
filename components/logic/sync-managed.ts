// Objects the folder sync manages, seen from the UI. A scale, restart or
// rollback of such an object is drift: unless the object opts out
// (`kubeterm.io/self-heal: "false"`) or the sync runs without self-heal, the
// sync puts the folder's version back a few seconds later. The UI says so
// before the action and marks drifted rows after it. The keys mirror
// src/gitops/labels.ts (the UI does not import src/gitops).
import type { KubeObject } from '../../src/api/meta.js';
import type { SyncStatusLike } from '../types.js';

const MANAGED_BY_LABEL = 'kubeterm.io/managed-by';
const MANAGED_BY_VALUE = 'folder-sync';
const SYNC_ANNOTATION = 'kubeterm.io/sync';
const SOURCE_ANNOTATION = 'kubeterm.io/source';
const SELF_HEAL_ANNOTATION = 'kubeterm.io/self-heal';

/** `Deployment/default/web` — how sync status objects and live objects are matched. */
export const objectKey = (kind: string, namespace: string | undefined, name: string | undefined): string => `${kind}/${namespace ?? ''}/${name ?? ''}`;

export function isSyncManaged(obj: KubeObject): boolean {
  return obj.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE || obj.metadata.annotations?.[SYNC_ANNOTATION] !== undefined;
}

/** The manifest file an object came from: its source annotation, else the sync status's file list. */
export function sourceFile(obj: KubeObject, status: SyncStatusLike | undefined): string | undefined {
  const ann = obj.metadata.annotations?.[SOURCE_ANNOTATION];
  if (ann) return ann;
  const key = objectKey(obj.kind, obj.metadata.namespace, obj.metadata.name);
  for (const f of status?.files ?? []) {
    if (f.objects?.some((o) => objectKey(o.kind, o.namespace ?? '', o.name) === key)) return f.file;
  }
  return undefined;
}

/**
 * The warning shown before a scale/restart/rollback of an object the sync will
 * heal back, or undefined when the change will stick.
 */
export function selfHealWarning(obj: KubeObject, status: SyncStatusLike | undefined): string | undefined {
  if (!isSyncManaged(obj)) return undefined;
  if (obj.metadata.annotations?.[SELF_HEAL_ANNOTATION] === 'false') return undefined;
  if (status?.selfHeal === false) return undefined;
  const file = sourceFile(obj, status);
  const folder = status?.folder ? status.folder.replace(/\/+$/, '') : undefined;
  const where = file ? ` (${folder && !file.startsWith(`${folder}/`) ? `${folder}/${file}` : file})` : '';
  return `${obj.metadata.name} is managed by the folder sync${where}: self-heal will revert this change; edit the file instead, or annotate kubeterm.io/self-heal=false`;
}

/** Keys (objectKey) of every object the sync reports OutOfSync. */
export function driftedObjects(status: SyncStatusLike | undefined): Set<string> {
  const out = new Set<string>();
  for (const f of status?.files ?? []) {
    for (const o of f.objects ?? []) if (o.state === 'OutOfSync') out.add(objectKey(o.kind, o.namespace ?? '', o.name));
  }
  return out;
}

/**
 * The SYNC column a table gains while any of its objects drifted: `OutOfSync`
 * on those rows, blank on the rest. A trailing column, so NAME and the kubectl
 * columns stay exactly as kubectl prints them.
 */
export const DRIFT_COLUMN = { name: 'SYNC', priority: 0 } as const;
export const DRIFT_CELL = 'OutOfSync';

export function isDrifted(obj: KubeObject, drifted: ReadonlySet<string>): boolean {
  return drifted.size > 0 && drifted.has(objectKey(obj.kind, obj.metadata.namespace, obj.metadata.name));
}

/** The row with its SYNC cell appended. */
export function withDriftCell<R extends { obj: KubeObject; cells: string[] }>(row: R, drifted: ReadonlySet<string>): R {
  return { ...row, cells: [...row.cells, isDrifted(row.obj, drifted) ? DRIFT_CELL : ''] };
}
