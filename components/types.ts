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
  files?: { file: string; state?: string; objects?: SyncObjectLike[]; errors?: SyncErrorLike[] }[];
  errors?: SyncErrorLike[];
  dryRun?: boolean;
  /** false when the sync only reports drift and never reverts it. */
  selfHeal?: boolean;
}

export interface SyncSource {
  status(): SyncStatusLike;
  onChange(cb: () => void): (() => void) | void;
}

export type View =
  | { type: 'table'; kind: string; namespace: string; scope?: TableScope }
  | { type: 'describe'; kind: string; namespace: string; name: string }
  | { type: 'yaml'; kind: string; namespace: string; name: string }
  | { type: 'logs'; namespace: string; pods: string[]; previous?: boolean; title: string; owner?: { kind: string; name: string; uid?: string } }
  | { type: 'history'; namespace: string; name: string }
  | { type: 'help'; scopes: string[] }
  | { type: 'sync' };

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
