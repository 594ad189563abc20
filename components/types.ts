// The UI's own types: the folder-sync source (structural, so the UI does not
// import src/gitops), the views of the view stack, and their per-view state.
import type { Scope as TableScope } from './logic/table-model.js';
import type { SortSpec } from './render/types.js';

export interface SyncErrorLike {
  file?: string;
  line?: number;
  object?: string;
  field?: string;
  message?: string;
}

export interface SyncObjectLike {
  kind: string;
  namespace?: string;
  name: string;
  file?: string;
  state?: string;
  health?: { status?: string; message?: string };
  lastAction?: string;
  message?: string;
}

/** What the header and the :sync view read from a folder sync; every field optional. */
export interface SyncStatusLike {
  folder?: string;
  phase?: string;
  syncing?: boolean;
  lastSyncTime?: string;
  lastSyncMs?: number;
  revision?: string;
  counts?: { applied?: number; unchanged?: number; pruned?: number; failed?: number };
  files?: { file: string; state?: string; objects?: SyncObjectLike[]; errors?: SyncErrorLike[]; warnings?: SyncErrorLike[] }[];
  errors?: SyncErrorLike[];
  /** Problems that did not stop an apply (non-breaking spaces read as spaces, deprecated kustomize fields). */
  warnings?: SyncErrorLike[];
  dryRun?: boolean;
  /** false when the sync only reports drift and never reverts it. */
  selfHeal?: boolean;
  /** Keyboard changes to objects the folder defines go into their manifests. */
  writeThrough?: boolean;
  /** The last keyboard change written into the folder. */
  lastWrite?: LastWriteLike;
  /** Set while the sync is suspended: folder changes wait, drift is not healed. */
  suspended?: { since?: string };
}

export interface LastWriteLike {
  /** `scale deployment/web to 5` */
  message: string;
  /** `gitops/web.yaml` */
  file?: string;
  line?: number;
  time?: string;
  /** Short hash of its commit (--git-commit). */
  commit?: string;
}

/** A keyboard change to write into the folder (write-through). */
export type WriteChangeLike =
  | { op: 'scale'; kind: string; namespace: string; name: string; replicas: number }
  | { op: 'image'; kind: string; namespace: string; name: string; container: string; image: string }
  | { op: 'rollback'; kind: string; namespace: string; name: string; toRevision?: number };

/** Written (where, and what to say), or refused (why; whether a live-only change is worth offering). */
export type WriteOutcomeLike =
  | { written: { file: string; line: number }; message: string; commit?: string; warning?: string }
  | { refused: string; liveOnly: boolean };

export interface SyncSource {
  status(): SyncStatusLike;
  onChange(cb: () => void): (() => void) | void;
  /** True when the folder defines this object, so keyboard changes to it are written into its manifest. */
  manages?(kind: string, namespace: string, name: string): boolean;
  writeThrough?(change: WriteChangeLike): Promise<WriteOutcomeLike>;
  /** The manifest (absolute path) and line that define the object: `e` opens it. */
  source?(kind: string, namespace: string, name: string): { path: string; line: number; file?: string } | undefined;
  // Sync control (the :sync view's keys); absent: the view only reads status.
  /** Reconcile now: a full sync; refused while suspended. */
  reconcile?(): Promise<void>;
  /** Suspend/resume the folder sync, kept across restarts. */
  suspend?(): Promise<void>;
  resume?(): Promise<void>;
  /** `kubectl diff` text of the folder's version of an object against the live one; '' when they agree. */
  diff?(kind: string, namespace: string, name: string): Promise<string>;
}

export type View =
  | { type: 'table'; kind: string; namespace: string; scope?: TableScope }
  | { type: 'describe'; kind: string; namespace: string; name: string }
  | { type: 'yaml'; kind: string; namespace: string; name: string }
  | { type: 'logs'; namespace: string; pods: string[]; previous?: boolean; title: string; owner?: { kind: string; name: string; uid?: string } }
  | { type: 'history'; namespace: string; name: string }
  | { type: 'help'; scopes: string[] }
  | { type: 'sync' }
  | { type: 'sync-diff'; kind: string; namespace: string; name: string };

/** State that belongs to one entry of the view stack, restored on esc. */
export interface ViewUi {
  filter: string;
  sort?: SortSpec;
  cursorId?: string;
  cursor: number;
  offset: number;
  /** Secret values decoded. */
  reveal?: boolean;
}

export interface StackEntry {
  view: View;
  ui: ViewUi;
}

export const freshUi = (): ViewUi => ({ filter: '', cursor: 0, offset: 0 });
