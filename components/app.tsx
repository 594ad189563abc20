// The application shell: it composes the hooks that hold the App's state
// (hooks/), the view on top of the view stack (views/), the header, the
// prompt or flash line, dialogs and the events pane (widgets/). Keys run the
// actions their binding tables name (actions/). The cluster is seen only
// through ClusterClient.
import { Box, Text } from 'ink';
import { useCallback, useMemo } from 'react';
import type { PortForwards } from '../src/client/port-forwards.js';
import type { ClusterClient } from '../src/client/types.js';
import { realClock, type Clock } from '../src/util/clock.js';
import type { Screen } from './actions/context.js';
import { NORMAL } from './actions/prompt-keys.js';
import { useActionContext } from './hooks/use-action-context.js';
import { useClusterCache } from './hooks/use-cluster-cache.js';
import { useFlash } from './hooks/use-flash.js';
import { useHistory } from './hooks/use-history.js';
import { useInputMode } from './hooks/use-input-mode.js';
import { useKeys } from './hooks/use-keys.js';
import { useLayout } from './hooks/use-layout.js';
import { useLogView } from './hooks/use-log-view.js';
import { useMetrics } from './hooks/use-metrics.js';
import { useObjectSource } from './hooks/use-object-source.js';
import { usePaneEvents } from './hooks/use-pane-events.js';
import { usePortForwardRegistry } from './hooks/use-port-forward-registry.js';
import { useSyncDiff } from './hooks/use-sync-diff.js';
import { useSyncStatus } from './hooks/use-sync-status.js';
import { useTableView } from './hooks/use-table-view.js';
import { useTerminalHandover } from './hooks/use-terminal-handover.js';
import { useTerminalSize, type Size } from './hooks/use-terminal-size.js';
import { useTextLines } from './hooks/use-text-lines.js';
import { useViewStack } from './hooks/use-view-stack.js';
import { BINDINGS } from './actions/index.js';
import { activeBindings, type Binding } from './keys.js';
import { commandWords, complete } from './logic/command.js';
import { syncViewModel } from './logic/sync-view.js';
import { bindMetrics, defaultRenderers, type RendererRegistry } from './render/index.js';
import { scopesFor } from './scopes.js';
import type { TerminalHandover } from './terminal.js';
import type { SyncSource } from './types.js';
import { useNow } from './hooks/use-now.js';
import { ViewBody } from './views/body.js';
import { Dialog } from './widgets/dialog.js';
import { EventsPane } from './widgets/events-pane.js';
import { Flash } from './widgets/flash.js';
import { Header } from './widgets/header.js';
import { Prompt } from './widgets/prompt.js';

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

export type { LogUi } from './hooks/use-log-view.js';

export function App(props: AppProps) {
  const { client, sync, version } = props;
  const clock = props.clock ?? realClock;
  const frameMs = props.frameMs ?? 100;
  const renderers = useMemo(() => props.renderers ?? defaultRenderers(), [props.renderers]);
  const bindings = props.bindings ?? BINDINGS;

  // The cluster: watches, the kinds it serves, the session's port-forwards, metrics, the folder sync.
  const { cache, kinds } = useClusterCache(client, clock, frameMs);
  const { flash, setFlash } = useFlash(clock);
  const { forwards, pfObjects } = usePortForwardRegistry(props.portForwards, client, clock, setFlash);
  const source = useObjectSource(cache, kinds, pfObjects);
  const size = useTerminalSize(props.size);
  const metrics = useMetrics(client, clock);
  // Pods and nodes show CPU/MEM columns while metrics flow; rebound once per sample, never per frame.
  const shownRenderers = useMemo(() => bindMetrics(renderers, metrics.sample), [renderers, metrics.sample]);
  const syncStatus = useSyncStatus(sync);
  const now = useNow(clock, 2000, [cache.version, syncStatus]);

  // What the user opened: the prompt or a dialog, the view stack, the layout.
  const input = useInputMode();
  const { setMode } = input;
  const closePrompt = useCallback(() => setMode(NORMAL), [setMode]);
  const views = useViewStack(props.initialView, kinds, closePrompt);
  const { view, ui } = views.stack[views.stack.length - 1];
  const errors = cache.errors();
  const layout = useLayout(size, view, errors.length > 0, input.dialog);
  const { bodyHeight, listHeight } = layout;
  const filterText = input.mode.type === 'filter' ? input.mode.text : ui.filter;

  // The models of the views.
  const tv = useTableView({ cache, kinds, source, renderers: shownRenderers, view, ui, filterText, syncStatus, listHeight, now });
  const syncModel = useMemo(() => syncViewModel(syncStatus), [syncStatus]);
  const diffLines = useSyncDiff(sync, view);
  const textLines = useTextLines({ view, ui, cache, kinds, source, bindings, metrics, syncModel, diffLines, now });
  const history = useHistory(cache, view);
  const logView = useLogView(client, cache, view, clock, frameMs, props.logLines, filterText, size.columns);
  const paneEvents = usePaneEvents(cache, view, layout.eventsPane, now);
  const handover = useTerminalHandover(props.terminal);

  // Keys: the binding tables' actions, given a stable context and the screen as it is.
  const depth = views.stack.length;
  const { table, rows, cursor, selected } = tv;
  const { lines: logLines, logUi } = logView;
  const namespace = views.namespace;
  const screen = useMemo<Screen>(
    () => ({ view, ui, depth, namespace, kinds, syncStatus, table, rows, cursor, selected, history, textLines, logLines, logUi, listHeight, bodyHeight }),
    [view, ui, depth, namespace, kinds, syncStatus, table, rows, cursor, selected, history, textLines, logLines, logUi, listHeight, bodyHeight],
  );
  const ctx = useActionContext(
    { client, cache, forwards, sync, withTerminal: handover.withTerminal, stack: views, input, setFlash, logView, toggleEvents: layout.toggleEvents, onExit: props.onExit },
    screen,
  );
  const words = useMemo(() => commandWords(kinds), [kinds]);
  useKeys(ctx, bindings, input, words, handover);

  if (handover.suspended) return <Text>{' '}</Text>;

  const { mode, dialog } = input;
  const namespaces = cache.items('Namespace').map((n) => n.metadata.name ?? '');
  const suggestion = mode.type === 'command' ? complete(mode.text, words, namespaces) : undefined;
  const hints = activeBindings(bindings, scopesFor(view, true)).filter((b) => b.hint);
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header info={client.info} version={version} nodes={cache.items('Node')} pods={cache.items('Pod')} metrics={metrics} sync={syncStatus} hints={hints} width={size.columns} now={now} />
      {errors.length ? (
        <Text inverse color="red" wrap="truncate">
          {` connection lost (${errors.map((e) => e.kind).join(', ')}): ${errors[0].message} — retrying, showing the last known state `}
        </Text>
      ) : null}
      <Box flexDirection="column" height={bodyHeight}>
        <ViewBody view={view} ui={ui} tv={tv} logView={logView} history={history} syncModel={syncModel} textLines={textLines} filterText={filterText} bodyHeight={bodyHeight} listHeight={listHeight} width={size.columns} now={now} />
      </Box>
      {dialog ? <Dialog dialog={dialog} width={size.columns} /> : null}
      {layout.eventsPane ? <EventsPane events={paneEvents} now={now} width={size.columns} /> : null}
      {mode.type === 'command' ? <Prompt prefix=":" text={mode.text} suggestion={suggestion} /> : mode.type === 'filter' ? <Prompt prefix="/" text={mode.text} /> : <Flash flash={flash} />}
    </Box>
  );
}
