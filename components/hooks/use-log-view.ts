// The logs view: its options (autoscroll, wrap, timestamps, kept across log
// views as in k9s), the streams of the viewed pods, and the screen lines.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ClusterClient } from '../../src/client/types.js';
import type { Clock } from '../../src/util/clock.js';
import { DEFAULT_LOG_LINES } from '../logic/log-buffer.js';
import type { View } from '../types.js';
import { logScreenLines, type LogOptions } from '../views/logs-view.js';
import type { WatchCache } from '../logic/watch-cache.js';
import { useLogs, type LogsState } from './use-logs.js';

export type LogUi = LogOptions;

export interface LogView {
  logs: LogsState;
  logUi: LogUi;
  setLogUi(update: (l: LogUi) => LogUi): void;
  lines: string[];
  /** Empties the buffer of the logs shown now. */
  clear(): void;
}

export function useLogView(client: ClusterClient, cache: WatchCache, view: View, clock: Clock, frameMs: number, logLines: number | undefined, filterText: string, columns: number): LogView {
  const [logUi, setLogUi] = useState<LogUi>({ autoscroll: true, wrap: false, timestamps: false });
  const target = view.type === 'logs' ? view : { namespace: '', pods: [] as string[] };
  const logs = useLogs(client, cache, target, clock, frameMs, logLines ?? DEFAULT_LOG_LINES);
  const lines = useMemo(
    () => (view.type === 'logs' ? logScreenLines(logs.buffer.lines(), logUi, logs.multi, filterText, columns) : []),
    [view, logs.version, logs.buffer, logUi, filterText, columns, logs.multi],
  );
  // `c` clears the buffer of the logs on screen when the key comes: the latest stream's.
  const latest = useRef(logs);
  latest.current = logs;
  const clear = useCallback(() => latest.current.clear(), []);
  return { logs, logUi, setLogUi, lines, clear };
}
