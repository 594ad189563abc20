// What a key's action is given. ActionContext is the App's services and
// setters: built once (its identity changes only when the client, the cache,
// the port-forward registry, the folder sync or the terminal changes), never
// per frame. What the screen shows is read once per key, at key time, through
// `screen()`: a Screen snapshot assembled from values the view hooks memoize.
// A dialog opened by a key keeps that key's snapshot (as k9s' actions keep the
// selection they were started on).
import type { KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { PortForwards } from '../../src/client/port-forwards.js';
import type { ClusterClient } from '../../src/client/types.js';
import type { LogUi } from '../hooks/use-log-view.js';
import type { Revision } from '../logic/rollout.js';
import type { TableModel, TableRow } from '../logic/table-model.js';
import type { HandedTerminal } from '../terminal.js';
import type { StackEntry, SyncSource, SyncStatusLike, View, ViewUi } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';
import type { DialogState } from '../widgets/dialog.js';
import type { FlashState } from '../widgets/flash.js';

/** A deployment's rollout history, newest first, as the history view lists it. */
export interface HistoryModel {
  deploy?: KubeObject;
  revisions: Revision[];
}

/** The screen when a key arrives. */
export interface Screen {
  view: View;
  ui: ViewUi;
  /** How many views are stacked (esc leaves the top one while there is more than one). */
  depth: number;
  /** The namespace `:` views open in ('' for all). */
  namespace: string;
  /** The kinds the cluster serves now (client.resources()): what `:` resolves. */
  kinds: readonly KindInfo[];
  /** The folder sync's last status: actions on objects it manages warn that self-heal reverts them. */
  syncStatus?: SyncStatusLike;
  /** A table view's model; its rows, the cursor (clamped this frame) and the object under it. */
  table?: TableModel;
  rows: TableRow[];
  cursor: number;
  selected?: KubeObject;
  history?: HistoryModel;
  /** The lines of a describe/yaml/help/sync/diff view. */
  textLines?: string[];
  logLines: string[];
  logUi: LogUi;
  listHeight: number;
  bodyHeight: number;
}

export interface ActionContext {
  client: ClusterClient;
  cache: WatchCache;
  /** The session's port-forwards (the `:pf` view). */
  forwards: PortForwards;
  /** The folder sync's port: keyboard changes to objects it manages are written into their manifests. */
  sync?: SyncSource;
  /** Lends the terminal to `fn` (a shell, an editor) and redraws after; absent when the UI has no terminal to lend. */
  withTerminal?: <T>(fn: (t: HandedTerminal) => Promise<T>) => Promise<T>;
  /** What the screen shows now. */
  screen(): Screen;
  push(v: View): void;
  replaceView(v: View): void;
  setUi(patch: Partial<ViewUi>): void;
  setStack(update: (s: StackEntry[]) => StackEntry[]): void;
  setMode(m: Mode): void;
  setDialog(d: DialogState | undefined): void;
  setFlash(text: string, level?: FlashState['level']): void;
  setLogUi(update: (l: LogUi) => LogUi): void;
  setNamespace(ns: string): void;
  toggleEvents(): void;
  /** Empties the logs view's buffer. */
  clearLogs(): void;
  quit(): void;
}

/** A key's action: the stable context and the screen the key was pressed on. */
export type Run = (c: ActionContext, s: Screen) => void;

/** `deployment default/web` — how flash messages and dialogs name an object. */
export function ref(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind.toLowerCase()} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/** Runs a client call, flashing its outcome. */
export function attempt(c: ActionContext, what: Promise<unknown>, done: string): void {
  what.then(
    () => c.setFlash(done),
    (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
  );
}

export function confirm(c: ActionContext, title: string, lines: string[], onYes: () => void, warning?: string): void {
  c.setDialog({ type: 'confirm', title, lines, warning, onYes });
}

/** The object under a table's cursor; on other views, or an empty table, says so and gives nothing. */
export function needObj(c: ActionContext, s: Screen): KubeObject | undefined {
  const obj = s.view.type === 'table' ? s.selected : undefined;
  if (!obj) c.setFlash('nothing selected', 'warn');
  return obj;
}

/** An action on the selected object (most resource keys). */
export const onSelected =
  (fn: (c: ActionContext, obj: KubeObject, s: Screen) => void): Run =>
  (c, s) => {
    const o = needObj(c, s);
    if (o) fn(c, o, s);
  };

/** What the keyboard is typing into: the table, or the `:` command or `/` filter prompt. */
export type Mode = { type: 'normal' } | { type: 'command'; text: string } | { type: 'filter'; text: string };
