// Streams the logs of one or more pods (every container of each) into a
// bounded buffer, redrawing at most once per frame however fast lines come.
import { useEffect, useMemo, useState } from 'react';
import type { ClusterClient, Subscription } from '../../src/client/types.js';
import type { Clock, Timer } from '../../src/util/clock.js';
import { LogBuffer } from '../logic/log-buffer.js';
import type { WatchCache } from '../logic/watch-cache.js';

export interface LogsTarget {
  namespace: string;
  pods: string[];
  previous?: boolean;
}

export interface LogsState {
  buffer: LogBuffer;
  /** More than one pod/container: lines get a source prefix. */
  multi: boolean;
  ended: boolean;
  error?: string;
  version: number;
  clear(): void;
}

export const TAIL_LINES = 100;

export function useLogs(client: ClusterClient, cache: WatchCache, target: LogsTarget, clock: Clock, frameMs: number, max: number): LogsState {
  const key = `${target.namespace}/${target.pods.join(',')}/${target.previous ? 'prev' : 'cur'}`;
  const buffer = useMemo(() => new LogBuffer(max), [key, max]);
  const [state, setState] = useState<{ version: number; ended: boolean; error?: string; sources: number }>({ version: 0, ended: false, sources: 0 });
  useEffect(() => {
    const subs: Subscription[] = [];
    let timer: Timer | undefined;
    let open = 0;
    let error: string | undefined;
    let stopped = false;
    const bump = () => {
      if (timer || stopped) return;
      timer = clock.setTimeout(() => {
        timer = undefined;
        setState((s) => ({ ...s, version: buffer.version, ended: open === 0, error }));
      }, frameMs);
    };
    let sources = 0;
    for (const pod of target.pods) {
      const obj = cache.get('Pod', target.namespace, pod);
      const containers: (string | undefined)[] = (obj?.spec?.containers as { name: string }[] | undefined)?.map((c) => c.name) ?? [undefined];
      for (const container of containers) {
        sources++;
        open++;
        subs.push(
          client.logs(
            target.namespace,
            pod,
            { container, follow: !target.previous, previous: target.previous, tailLines: TAIL_LINES },
            (line) => {
              buffer.push(line);
              bump();
            },
            (err) => {
              open--;
              if (err) error = `${pod}${container ? `/${container}` : ''}: ${err.message}`;
              bump();
            },
          ),
        );
      }
    }
    setState({ version: buffer.version, ended: false, sources });
    return () => {
      stopped = true;
      timer?.cancel();
      for (const s of subs) s.stop();
    };
  }, [client, buffer, clock, frameMs]);
  const clear = () => {
    buffer.clear();
    setState((s) => ({ ...s, version: buffer.version }));
  };
  return { buffer, multi: state.sources > 1, ended: state.ended, error: state.error, version: state.version, clear };
}
