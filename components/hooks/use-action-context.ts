// The context every key's action gets (actions/context.ts): built from stable
// services and setters, so its identity changes only when the client, the
// cache, the port-forward registry, the folder sync or the terminal does. The
// screen is handed over as one memoized snapshot that the actions read when a
// key arrives.
import { useApp } from 'ink';
import { useCallback, useMemo, useRef } from 'react';
import type { PortForwards } from '../../src/client/port-forwards.js';
import type { ClusterClient } from '../../src/client/types.js';
import type { ActionContext, Screen } from '../actions/context.js';
import type { SyncSource } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';
import type { SetFlash } from './use-flash.js';
import type { InputMode } from './use-input-mode.js';
import type { LogView } from './use-log-view.js';
import type { WithTerminal } from './use-terminal-handover.js';
import type { ViewStack } from './use-view-stack.js';

export interface ContextParts {
  client: ClusterClient;
  cache: WatchCache;
  forwards: PortForwards;
  sync?: SyncSource;
  withTerminal?: WithTerminal;
  stack: ViewStack;
  input: InputMode;
  setFlash: SetFlash;
  logView: LogView;
  toggleEvents(): void;
  onExit?: () => void;
}

export function useActionContext(parts: ContextParts, screen: Screen): ActionContext {
  const { client, cache, forwards, sync, withTerminal, setFlash, toggleEvents } = parts;
  const { push, replaceView, setUi, setStack, setNamespace } = parts.stack;
  const { setMode, setDialog } = parts.input;
  const { setLogUi, clear: clearLogs } = parts.logView;
  const screenRef = useRef(screen);
  screenRef.current = screen;
  const { exit } = useApp();
  const onExit = useRef(parts.onExit);
  onExit.current = parts.onExit;
  const quit = useCallback(() => {
    cache.close();
    void forwards.close();
    exit();
    onExit.current?.();
  }, [cache, forwards, exit]);
  return useMemo<ActionContext>(
    () => ({
      client,
      cache,
      forwards,
      sync,
      withTerminal,
      screen: () => screenRef.current,
      push,
      replaceView,
      setUi,
      setStack,
      setMode,
      setDialog,
      setFlash,
      setLogUi,
      setNamespace,
      toggleEvents,
      clearLogs,
      quit,
    }),
    [client, cache, forwards, sync, withTerminal, push, replaceView, setUi, setStack, setMode, setDialog, setFlash, setLogUi, setNamespace, toggleEvents, clearLogs, quit],
  );
}
