// What a folder sync reports: the header line reads the summary, the :sync view
// lists each file with its objects. Plain data, so the UI can render it and a
// test can assert it.
import type { ManifestError } from './loader.js';

export type SyncState = 'Synced' | 'OutOfSync' | 'Failed' | 'Pruned';
/** Argo CD / kstatus health vocabulary. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  message?: string;
}

/** What the last sync did (or, in dry-run, would do) to an object. */
export type SyncAction = 'created' | 'configured' | 'unchanged' | 'pruned' | 'failed' | 'skipped';

export interface ObjectSyncStatus {
  kind: string;
  namespace: string;
  name: string;
  file: string;
  state: SyncState;
  health: Health;
  lastAction?: SyncAction;
  /** Why it is OutOfSync or Failed, e.g. `spec.replicas: 3 in the folder, 5 in the cluster`. */
  message?: string;
}

export interface FileSyncStatus {
  /** Relative to the folder, with `/` separators. */
  file: string;
  state: SyncState;
  objects: ObjectSyncStatus[];
  errors: ManifestError[];
  /** Problems that did not stop the file from applying: NBSPs read as spaces, kustomize's deprecations. */
  warnings: ManifestError[];
}

export interface SyncCounts {
  applied: number;
  unchanged: number;
  pruned: number;
  failed: number;
}

export interface PlannedChange {
  kind: string;
  namespace: string;
  name: string;
  file: string;
}

/** What a dry-run sync would do. */
export interface SyncPlan {
  create: PlannedChange[];
  change: PlannedChange[];
  prune: PlannedChange[];
}

export interface SyncStatus {
  syncName: string;
  folder: string;
  /** Idle before the first sync finished; then the overall state. */
  phase: 'Starting' | 'Synced' | 'OutOfSync' | 'Failed' | 'Stopped';
  syncing: boolean;
  /** Why changes are waiting, e.g. while git holds .git/index.lock during a pull. */
  waiting?: string;
  /** ISO time the last sync finished. */
  lastSyncTime?: string;
  /** Milliseconds the last sync took. */
  lastSyncMs?: number;
  /** git HEAD commit when the folder is inside a git checkout. */
  revision?: string;
  /** Counts of the last sync. */
  counts: SyncCounts;
  /** Number of syncs run. */
  syncs: number;
  files: FileSyncStatus[];
  /** Every per-file error, flattened (what the header counts). */
  errors: ManifestError[];
  /** Every per-file warning, flattened: the objects applied, but the file should be fixed. */
  warnings: ManifestError[];
  prune: boolean;
  dryRun: boolean;
  selfHeal: boolean;
  /** Dry-run only: what the last sync would have done. */
  plan?: SyncPlan;
  /** Set when the last sync operation (waves and hooks) failed: which hook or object, and why. */
  operation?: { phase: 'Failed'; message: string };
  /** Set while the sync is suspended (FolderSync.suspend): folder changes wait, drift is not healed. */
  suspended?: { since: string };
}
