// The application shell: header, the view on top of the view stack (a resource
// table, describe/YAML/help text, logs, rollout history, :sync), the prompt or
// flash line, dialogs, and the one key handler that dispatches through the
// key-binding table. The cluster is seen only through ClusterClient.
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { KindInfo } from '../src/api/kinds.js';
import { PortForwards } from '../src/client/port-forwards.js';
import type { ClusterClient } from '../src/client/types.js';
import { realClock, type Clock } from '../src/util/clock.js';
import { runAction, type ActionContext } from './actions.js';
import { handleDialogKey, handlePromptKey, NORMAL, type Mode } from './input-handlers.js';
import { scopesFor } from './scopes.js';
import { Dialog, dialogHeight, type DialogState } from './dialog.js';
import { EventsPane, newestEvents } from './events-pane.js';
import { Flash, type FlashState } from './flash.js';
import { Header, HEADER_LINES } from './header.js';
import { activeBindings, BINDINGS, bindingFor, keyName, type Binding } from './keys.js';
import { commandWords, complete } from './logic/command.js';
import { describe } from './logic/describe.js';
import { findKind, resolveKind } from './logic/kinds.js';
import { measure } from './logic/fit-columns.js';
import { helpLines } from './logic/help.js';
import { DEFAULT_LOG_LINES } from './logic/log-buffer.js';
import { age } from './logic/age.js';
import { forwardLabel, PORT_FORWARD_KIND, portForwardObjects } from './logic/port-forward.js';
import { deploymentRevisions } from './logic/rollout.js';
import { splitKeys, type OneKey } from './logic/split-keys.js';
import { DRIFT_COLUMN, driftedObjects, isDrifted, withDriftCell } from './logic/sync-managed.js';
import { syncViewModel } from './logic/sync-view.js';
import { buildTable, cursorAfterChange, refreshRow, RowCache, scrollFor, type TableModel, type TableRow } from './logic/table-model.js';
import { objectYaml } from './logic/yaml-text.js';
import { LogsView, logScreenLines } from './logs-view.js';
import { Prompt } from './prompt.js';
import { bindMetrics, defaultRenderers, rendererFor, type RendererRegistry } from './render/index.js';
import { ResourceTable } from './resource-table.js';
import type { HandedTerminal, TerminalHandover } from './terminal.js';
import { TextView } from './text-view.js';
import { freshUi, type StackEntry, type SyncSource, type View, type ViewUi } from './types.js';
import { useLogs } from './use-logs.js';
import { useMetrics, type Series } from './use-metrics.js';
import { sparkline } from './logic/sparkline.js';
import { formatCpu, formatMemory } from './logic/quantity.js';
import { useNow } from './use-now.js';
import { useSyncStatus } from './use-sync-status.js';
import { diffLineColor, useSyncDiff } from './use-sync-diff.js';
import { SyncView } from './views/sync-view.js';
import { useResources } from './use-resources.js';
import { useTerminalSize, type Size } from './use-terminal-size.js';
import { useWatchCache } from './use-watch-cache.js';
import { WatchCache, type Listing } from './watch-cache.js';

export interface AppProps {
  client: ClusterClient;
  /** The folder sync, when kubeterm watches a folder. */
  sync?: SyncSource;
  version: string;
  clock?: Clock;
  renderers?: RendererRegistry;
  bindings?: readonly Binding[];
  /** A fixed terminal size (tests, bench); default: the terminal's, following resizes. */
  size?: Size;
  /** Coalescing window for watch events and log lines (100 ms: ≤10 redraws/s). */
  frameMs?: number;
  /** The first view, as typed after `:` (default `pods`). */
  initialView?: string;
  /** Bounded log buffer size (k9s default 5,000). */
  logLines?: number;
  /** The session's port-forwards; default: a registry of the App's own, stopped when it unmounts. */
  portForwards?: PortForwards;
  /** Called on :q / ctrl-c after the UI unmounts. */
  onExit?: () => void;
  /** Lends the terminal to a shell or an editor (s, e); absent: those actions say they need a terminal. */
  terminal?: TerminalHandover;
}


export interface LogUi {
  autoscroll: boolean;
  wrap: boolean;
  timestamps: boolean;
}


function initialStack(initialView: string | undefined, kinds: readonly KindInfo[]): StackEntry[] {
  const kind = resolveKind(kinds, initialView ?? 'pods')?.kind ?? 'Pod';
  return [{ view: { type: 'table', kind, namespace: '' }, ui: freshUi() }];
}

export function App(props: AppProps) {
  const { client, sync, version } = props;
  const clock = props.clock ?? realClock;
  const frameMs = props.frameMs ?? 100;
  const renderers = useMemo(() => props.renderers ?? defaultRenderers(), [props.renderers]);
  const bindings = props.bindings ?? BINDINGS;
  const { exit } = useApp();

  const cache = useMemo(() => new WatchCache(client, clock, frameMs), [client, clock, frameMs]);
  useEffect(() => () => cache.close(), [cache]);
  // The kinds the cluster serves now: the prompt, completion and views follow CRDs as they come and go.
  const kinds = useResources(client);
  /** Whether a view's kind is served (a deleted CRD's kind is not); the session's port-forwards always are. */
  const served = (kind: string) => kind === PORT_FORWARD_KIND || !!findKind(kinds, kind);
  // A kind that went away (its CRD deleted) is no longer watched: its watch could only fail.
  useEffect(() => {
    cache.retain((kind) => !!findKind(kinds, kind));
  }, [cache, kinds]);
  // The header, the events pane and describe need these whatever the view.
  cache.ensure('Pod');
  cache.ensure('Node');
  cache.ensure('Event');
  useWatchCache(cache);

  // Port-forwards outlive views: one registry per App (or the caller's), its forwards stopped when the App goes.
  const forwards = useMemo(() => props.portForwards ?? new PortForwards({ client, clock }), [props.portForwards, client, clock]);
  useEffect(() => (props.portForwards ? undefined : () => void forwards.close()), [forwards, props.portForwards]);
  const pfVersion = useSyncExternalStore(forwards.subscribe, forwards.getVersion);
  const pfObjects = useMemo(() => portForwardObjects(forwards.list()), [forwards, pfVersion]);
  /** A table's objects: the all-namespaces watch's, else (that one refused) its namespace's; or the server's refusal. */
  const listingOf = (kind: string, ns: string): Listing => (kind === PORT_FORWARD_KIND ? { items: pfObjects } : cache.listing(kind, ns));
  const objectFor = (kind: string, ns: string, name: string) =>
    kind === PORT_FORWARD_KIND
      ? [...pfObjects].sort((a, b) => Number(b.status?.phase === 'Active') - Number(a.status?.phase === 'Active')).find((o) => o.metadata.namespace === ns && o.metadata.name === name)
      : cache.get(kind, ns, name);

  const size = useTerminalSize(props.size);
  const metrics = useMetrics(client, clock);
  // Pods and nodes show CPU/MEM columns while metrics flow; rebound once per sample, never per frame.
  const shownRenderers = useMemo(() => bindMetrics(renderers, metrics.sample), [renderers, metrics.sample]);
  const syncStatus = useSyncStatus(sync);
  const now = useNow(clock, 2000, [cache.version, syncStatus]);

  const [stack, setStack] = useState<StackEntry[]>(() => initialStack(props.initialView, kinds));
  const [mode, setModeState] = useState<Mode>(NORMAL);
  const [dialog, setDialogState] = useState<DialogState | undefined>();
  // The key handler reads mode and dialog through refs that the setters update
  // at once, so several keys handled in one go (a paste) see each other's edits.
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const dialogRef = useRef(dialog);
  dialogRef.current = dialog;
  const setMode = useCallback((m: Mode) => {
    modeRef.current = m;
    setModeState(m);
  }, []);
  const setDialog = useCallback((d: DialogState | undefined) => {
    dialogRef.current = d;
    setDialogState(d);
  }, []);
  const [flash, setFlashState] = useState<FlashState | undefined>();
  const [showEvents, setShowEvents] = useState(true);
  const [logUi, setLogUi] = useState<LogUi>({ autoscroll: true, wrap: false, timestamps: false });
  const [namespace, setNamespace] = useState('');

  const flashTimer = useRef<{ cancel(): void } | undefined>(undefined);
  const setFlash = useCallback(
    (text: string, level: FlashState['level'] = 'info') => {
      flashTimer.current?.cancel();
      setFlashState({ text, level });
      flashTimer.current = clock.setTimeout(() => setFlashState(undefined), 5000);
    },
    [clock],
  );
  useEffect(() => () => flashTimer.current?.cancel(), []);
  // A forward whose pod went away says so at once (it stays listed in :pf as PodGone).
  useEffect(
    () =>
      forwards.subscribe((ev) => {
        if (ev.type === 'ended') setFlash(`PortForward ${forwardLabel(ev.entry)} ended: ${ev.entry.message ?? ev.entry.status}`, 'warn');
      }),
    [forwards, setFlash],
  );

  const top = stack[stack.length - 1];
  const view = top.view;
  const ui = top.ui;
  // Rollout history and rollback read a Deployment's ReplicaSets: start that watch with the view.
  if (view.type === 'table' && view.kind === 'Deployment') cache.ensure('ReplicaSet');
  // The namespace a table lists ('' for all, and for cluster-scoped kinds).
  const tableNs = view.type === 'table' && findKind(kinds, view.kind)?.namespaced !== false ? view.namespace : '';
  // Opening a view (or switching its namespace) asks the server again if it refused this listing before.
  const askedFor = useRef<View | undefined>(undefined);
  if (view.type === 'table' && askedFor.current !== view) {
    askedFor.current = view;
    cache.retryForbidden(view.kind, tableNs);
  }

  const setUi = useCallback((patch: Partial<ViewUi>) => {
    setStack((s) => [...s.slice(0, -1), { ...s[s.length - 1], ui: { ...s[s.length - 1].ui, ...patch } }]);
  }, []);
  const push = useCallback((v: View) => {
    setStack((s) => [...s, { view: v, ui: freshUi() }]);
    setMode(NORMAL);
  }, []);
  const replaceView = useCallback((v: View) => {
    setStack((s) => [...s.slice(0, -1), { view: v, ui: { ...s[s.length - 1].ui, cursor: 0, offset: 0 } }]);
  }, []);

  // Layout: header, a connection banner when a watch is down, the body, the events pane, the prompt/flash line.
  const errors = cache.errors();
  const eventsPane = showEvents && view.type === 'table' && view.kind !== 'Event' && size.rows >= 28 ? 6 : 0;
  const bodyHeight = Math.max(3, size.rows - HEADER_LINES - (errors.length ? 1 : 0) - eventsPane - 1 - (dialog ? dialogHeight(dialog, size.columns) : 0));
  const listHeight = Math.max(1, bodyHeight - 2); // title + column header

  // The table model for table views, recomputed once per frame.
  const filterText = mode.type === 'filter' ? mode.text : ui.filter;
  const rowCache = useMemo(() => new RowCache(), []);
  const table: TableModel | undefined = useMemo(() => {
    if (view.type !== 'table' || !served(view.kind)) return undefined;
    const info = findKind(kinds, view.kind);
    return buildTable(listingOf(view.kind, tableNs).items, rendererFor(shownRenderers, view.kind, info), info?.namespaced ?? true, {
      namespace: tableNs,
      scope: view.scope,
      filter: filterText,
      sort: ui.sort,
    }, now, rowCache);
    // `now` is left out on purpose: a clock tick re-renders only the visible rows (refreshRow below).
  }, [view, tableNs, filterText, ui.sort, cache.version, shownRenderers, rowCache, pfObjects, kinds]);
  // A listing the server refused (403): the table says so, with the server's reason.
  const forbidden = table && view.type === 'table' && view.kind !== PORT_FORWARD_KIND ? cache.forbidden(view.kind, tableNs) : undefined;

  const rows: TableRow[] = table?.rows ?? [];
  // While the folder sync reports any of the table's objects OutOfSync, a SYNC column marks them.
  const drifted = useMemo(() => driftedObjects(syncStatus), [syncStatus]);
  const showDrift = useMemo(() => !!table && table.rows.some((r) => isDrifted(r.obj, drifted)), [table, drifted]);
  const columns = table ? (showDrift ? [...table.columns, DRIFT_COLUMN] : table.columns) : [];
  const natural = useMemo(() => (table ? measure(columns, showDrift ? table.rows.map((r) => withDriftCell(r, drifted)) : table.rows) : []), [table, showDrift, drifted]);
  const cursor = table ? cursorAfterChange(rows, ui.cursorId, ui.cursor) : 0;
  const offset = table ? scrollFor(cursor, ui.offset, listHeight, rows.length) : ui.offset;
  // Positions are derived each frame; remember them on the view so the next frame (and esc back) starts there.
  if (table) {
    ui.cursor = cursor;
    ui.offset = offset;
  }
  const selected = rows[cursor]?.obj;

  // Text views.
  const syncModel = useMemo(() => syncViewModel(syncStatus), [syncStatus]);
  const diffLines = useSyncDiff(sync, view);
  const textLines: string[] | undefined = useMemo(() => {
    switch (view.type) {
      case 'describe': {
        if (!served(view.kind)) return [goneText(view.kind)];
        const obj = objectFor(view.kind, view.namespace, view.name);
        if (!obj) return [`${view.kind} ${view.namespace ? `${view.namespace}/` : ''}${view.name} not found (deleted?)`];
        const info = findKind(kinds, view.kind);
        // What kubectl's describer also reads (a Deployment's ReplicaSets, a Node's Pods and Lease…), from the watch cache, when served.
        const lookup = (k: string) => (findKind(kinds, k) ? cache.items(k) : []);
        const lines = describe(obj, cache.items('Event'), now, info?.namespaced ?? true, { generic: !!info?.custom, lookup }).split('\n');
        const series = view.kind === 'Pod' ? metrics.pods.get(`${view.namespace}/${view.name}`) : view.kind === 'Node' ? metrics.nodes.get(view.name) : undefined;
        return series ? [...metricsLines(series), ...lines] : lines;
      }
      case 'yaml': {
        if (!served(view.kind)) return [goneText(view.kind)];
        const obj = objectFor(view.kind, view.namespace, view.name);
        if (!obj) return [`${view.kind} ${view.namespace ? `${view.namespace}/` : ''}${view.name} not found (deleted?)`];
        return objectYaml(obj, { reveal: ui.reveal }).trimEnd().split('\n');
      }
      case 'help':
        return helpLines(bindings, view.scopes);
      case 'sync':
        return syncModel.lines;
      case 'sync-diff':
        return diffLines ?? [];
      default:
        return undefined;
    }
  }, [view, ui.reveal, cache.version, now, syncStatus, bindings, metrics, pfObjects, kinds, syncModel, diffLines]);

  // Rollout history rows.
  const history = useMemo(() => {
    if (view.type !== 'history') return undefined;
    const d = cache.get('Deployment', view.namespace, view.name);
    if (!d) return { deploy: undefined, revisions: [] };
    return { deploy: d, revisions: deploymentRevisions(d, cache.items('ReplicaSet')).reverse() };
  }, [view, cache.version]);

  // Logs.
  const logsTarget = view.type === 'logs' ? view : { namespace: '', pods: [] as string[] };
  const logs = useLogs(client, cache, logsTarget, clock, frameMs, props.logLines ?? DEFAULT_LOG_LINES);
  const logLines = useMemo(
    () => (view.type === 'logs' ? logScreenLines(logs.buffer.lines(), logUi, logs.multi, filterText, size.columns) : []),
    [view, logs.version, logs.buffer, logUi, filterText, size.columns, logs.multi],
  );

  const paneNs = view.type === 'table' ? view.namespace : '';
  const paneEvents = useMemo(
    () => (eventsPane ? newestEvents(cache.items('Event'), paneNs, eventsPane - 1, now) : []),
    [eventsPane, paneNs, now, cache.version],
  );

  // While a shell or editor has the terminal, the App takes no keys (Ink then
  // releases stdin: raw mode off, no reader) and draws a placeholder frame, so
  // that coming back draws everything anew.
  const [suspended, setSuspended] = useState(false);
  const suspendAck = useRef<(() => void) | undefined>(undefined);
  const terminal = props.terminal;
  const withTerminal = useMemo(
    () =>
      terminal
        ? async <T,>(fn: (t: HandedTerminal) => Promise<T>): Promise<T> => {
            if (suspendAck.current) throw new Error('the terminal is already handed over');
            await new Promise<void>((resolve) => {
              suspendAck.current = resolve;
              setSuspended(true);
            });
            try {
              return await terminal.run(fn);
            } finally {
              suspendAck.current = undefined;
              setSuspended(false);
            }
          }
        : undefined,
    [terminal],
  );

  const scopes = scopesFor(view, true);
  const quit = useCallback(() => {
    cache.close();
    void forwards.close();
    exit();
    props.onExit?.();
  }, [cache, forwards, exit, props]);

  const ctx: ActionContext = {
    client,
    kinds,
    forwards,
    cache,
    view,
    ui,
    rows,
    cursor,
    selected,
    listHeight,
    bodyHeight,
    table,
    textLines,
    history,
    logLines,
    logUi,
    logs,
    namespace,
    stack,
    push,
    replaceView,
    setUi,
    setStack,
    setMode,
    setDialog,
    setFlash,
    setLogUi,
    setNamespace,
    setShowEvents,
    quit,
    now,
    syncStatus,
    sync,
    withTerminal,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  const words = useMemo(() => commandWords(kinds), [kinds]);
  const namespaces = cache.items('Namespace').map((n) => n.metadata.name ?? '');
  const suggestion = mode.type === 'command' ? complete(mode.text, words, namespaces) : undefined;

  /**
   * Handles one key. True when the key only edited the prompt or dialog text
   * (tracked by the refs), so the next key can follow at once; false when it
   * may have changed the view, and the next key must wait for a render.
   */
  const handleKey = useCallback(
    (input: string, key: Key): boolean => {
      const c = ctxRef.current;
      const name = keyName(input, key);
      const d = dialogRef.current;
      if (d) {
        handleDialogKey(d, input, name, setDialog);
        return (d.type === 'input' || d.type === 'form') && name !== 'enter' && name !== 'esc';
      }
      const m = modeRef.current;
      if (m.type !== 'normal') {
        const sugg = m.type === 'command' && name === 'tab' ? complete(m.text, words, c.cache.items('Namespace').map((n) => n.metadata.name ?? '')) : undefined;
        handlePromptKey(m, input, name, c, sugg);
        return name !== 'enter' && name !== 'esc' && name !== 'ctrl-c';
      }
      if (name === 'ctrl-c') {
        c.quit();
        return false;
      }
      const b = bindingFor(bindings, scopesFor(c.view, true), name);
      if (!b) return true;
      runAction(b.action, c);
      return b.action === 'command' || b.action === 'filter';
    },
    [bindings, words, setDialog],
  );

  // Several keys can arrive in one stdin read (fast typing, a paste, a laggy
  // link). They are split and queued, then handled in order: text keys at once,
  // and after a key that may change the view, the rest wait for the next render
  // so they act on what that key opened.
  const keyQueue = useRef<OneKey[]>([]);
  const awaitingRender = useRef(false);
  const [, setKeyKick] = useState(0);
  const drainKeys = useCallback(() => {
    const q = keyQueue.current;
    while (q.length) {
      const k = q.shift() as OneKey;
      if (!handleKey(k.input, k.key) && q.length) {
        awaitingRender.current = true;
        setKeyKick((n) => n + 1);
        return;
      }
    }
  }, [handleKey]);
  const onInput = useCallback(
    (input: string, key: Key) => {
      keyQueue.current.push(...splitKeys(input, key));
      if (!awaitingRender.current) drainKeys();
    },
    [drainKeys],
  );
  useEffect(() => {
    // Keys queued behind `s`/`e` wait until the terminal is back.
    if (!awaitingRender.current || suspended) return;
    awaitingRender.current = false;
    drainKeys();
  });
  useInput(onInput, { isActive: !suspended });
  // Declared after useInput: its effect (releasing stdin) has run when this one tells withTerminal to go on.
  useEffect(() => {
    if (suspended) suspendAck.current?.();
  }, [suspended]);

  if (suspended) return <Text>{' '}</Text>;

  // What to show.
  const hints = activeBindings(bindings, scopes).filter((b) => b.hint);
  const nsLabel = (ns: string) => (ns ? ns : 'all');
  let body: ReactNode;
  if (view.type === 'table' && !table) {
    body = (
      <TextView title={view.kind} lines={[goneText(view.kind)]} offset={0} height={bodyHeight - 1} width={size.columns} />
    );
  } else if (view.type === 'table' && table) {
    const info = findKind(kinds, view.kind);
    const renderer = rendererFor(shownRenderers, view.kind, info);
    const plural = view.kind === PORT_FORWARD_KIND ? 'portforwards' : (info?.plural ?? view.kind);
    const title = `${plural.replace(/^./, (ch) => ch.toUpperCase())}(${info?.namespaced === false ? 'all' : nsLabel(view.namespace)})${view.scope ? `[${view.scope.title}]` : ''}[${rows.length}${rows.length !== table.total ? `/${table.total}` : ''}]${filterText ? ` </${filterText}>` : ''}`;
    body = (
      <ResourceTable
        title={title}
        columns={columns}
        rows={rows.slice(offset, offset + listHeight).map((r) => {
          const row = refreshRow(r, renderer, table.withNamespace, now, rowCache);
          return showDrift ? withDriftCell(row, drifted) : row;
        })}
        natural={natural}
        cursor={cursor - offset}
        height={listHeight}
        width={size.columns}
        sort={ui.sort ?? renderer.defaultSort}
        empty={table.filterError ? `bad filter: ${table.filterError}` : undefined}
        error={forbidden ? `forbidden: ${forbidden}` : undefined}
      />
    );
  } else if (view.type === 'logs') {
    const height = bodyHeight - 1;
    const off = logUi.autoscroll ? Math.max(0, logLines.length - height) : Math.min(ui.offset, Math.max(0, logLines.length - height));
    const status = `${logs.buffer.length} lines${logs.buffer.dropped ? ` (${logs.buffer.dropped} dropped)` : ''}${logs.ended ? ' · stream ended' : ''}${logs.error ? ` · ${logs.error}` : ''}`;
    body = <LogsView title={view.title} lines={logLines} offset={off} height={height} width={size.columns} opts={logUi} status={status} />;
  } else if (view.type === 'history' && history) {
    const cur = history.deploy?.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const hRows: TableRow[] = history.revisions.map((r) => ({
      id: String(r.revision),
      obj: { apiVersion: 'v1', kind: 'Revision', metadata: { name: String(r.revision) } },
      cells: [String(r.revision) + (String(r.revision) === cur ? ' (current)' : ''), r.changeCause ?? '<none>', r.images.join(','), r.replicaSet, String(r.replicas), age(r.created, now)],
      tone: String(r.revision) === cur ? 'ok' : 'plain',
    }));
    const hc = Math.min(ui.cursor, Math.max(0, hRows.length - 1));
    const hOff = scrollFor(hc, 0, listHeight, hRows.length);
    const hCols = ['REVISION', 'CHANGE-CAUSE', 'IMAGES', 'REPLICASET', 'REPLICAS', 'AGE'].map((n, i) => ({ name: n, priority: i === 3 ? 2 : i === 1 ? 1 : 0 }));
    body = (
      <ResourceTable
        title={`History(${view.namespace}/${view.name})[${hRows.length}]`}
        columns={hCols}
        rows={hRows.slice(hOff, hOff + listHeight)}
        natural={measure(hCols, hRows)}
        cursor={hc - hOff}
        height={listHeight}
        width={size.columns}
        empty="no rollout history"
      />
    );
  } else if (view.type === 'sync') {
    body = <SyncView model={syncModel} cursor={ui.cursor} offset={ui.offset} height={bodyHeight - 1} width={size.columns} />;
  } else if (textLines) {
    const title =
      view.type === 'describe'
        ? `Describe(${view.namespace ? `${view.namespace}/` : ''}${view.name})`
        : view.type === 'yaml'
          ? `YAML(${view.namespace ? `${view.namespace}/` : ''}${view.name})${view.kind === 'Secret' ? (ui.reveal ? ' decoded' : ' <x> decode') : ''}`
          : view.type === 'help'
            ? 'Help'
            : view.type === 'sync-diff'
              ? `Diff(${view.kind.toLowerCase()}/${view.namespace ? `${view.namespace}/` : ''}${view.name}) live → folder`
              : 'Sync';
    const height = bodyHeight - 1;
    const off = Math.min(ui.offset, Math.max(0, textLines.length - height));
    body = (
      <TextView
        title={title}
        lines={textLines}
        offset={off}
        height={height}
        width={size.columns}
        color={view.type === 'describe' ? (l) => (/^\s+Warning\s/.test(l) ? 'red' : undefined) : view.type === 'sync-diff' ? diffLineColor : undefined}
      />
    );
  }

  return (
    <Box flexDirection="column" width={size.columns}>
      <Header
        info={client.info}
        version={version}
        nodes={cache.items('Node')}
        pods={cache.items('Pod')}
        metrics={metrics}
        sync={syncStatus}
        hints={hints}
        width={size.columns}
        now={now}
      />
      {errors.length ? (
        <Text inverse color="red" wrap="truncate">
          {` connection lost (${errors.map((e) => e.kind).join(', ')}): ${errors[0].message} — retrying, showing the last known state `}
        </Text>
      ) : null}
      <Box flexDirection="column" height={bodyHeight}>
        {body}
      </Box>
      {dialog ? <Dialog dialog={dialog} width={size.columns} /> : null}
      {eventsPane ? <EventsPane events={paneEvents} now={now} width={size.columns} /> : null}
      {mode.type === 'command' ? <Prompt prefix=":" text={mode.text} suggestion={suggestion} /> : mode.type === 'filter' ? <Prompt prefix="/" text={mode.text} /> : <Flash flash={flash} />}
    </Box>
  );
}

/** What a view of a kind the server no longer serves says (its CustomResourceDefinition was deleted). */
function goneText(kind: string): string {
  return `the server doesn't have a resource type "${kind}" any more (its CustomResourceDefinition was deleted?): press esc to go back`;
}

/** CPU/memory now and their recent history, above a pod's or node's description. */
function metricsLines(s: Series): string[] {
  const cpu = s.cpu.at(-1);
  const mem = s.memory.at(-1);
  if (cpu === undefined || mem === undefined) return [];
  return [`CPU:  ${formatCpu(cpu).padEnd(8)} ${sparkline(s.cpu, 30)}`, `MEM:  ${formatMemory(mem).padEnd(8)} ${sparkline(s.memory, 30)}`, ''];
}
