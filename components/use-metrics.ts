// CPU/memory samples for the header and sparklines. Metrics are not watchable
// (as with metrics-server), so this samples client.podMetrics/nodeMetrics on an
// interval through the injected clock — only when the client offers them.
import { useEffect, useState } from 'react';
import type { ClusterClient } from '../src/client/types.js';
import type { Clock } from '../src/util/clock.js';

export const HISTORY = 30;

export interface Series {
  cpu: number[];
  memory: number[];
}

export interface MetricsState {
  available: boolean;
  /** Summed over nodes: cores and bytes. */
  cluster: Series;
  nodes: Map<string, Series>;
  /** By `namespace/name`. */
  pods: Map<string, Series>;
}

function push(map: Map<string, Series>, key: string, cpu: number, memory: number): void {
  const s = map.get(key) ?? { cpu: [], memory: [] };
  s.cpu = [...s.cpu, cpu].slice(-HISTORY);
  s.memory = [...s.memory, memory].slice(-HISTORY);
  map.set(key, s);
}

export function useMetrics(client: ClusterClient, clock: Clock, everyMs = 5000): MetricsState {
  const available = !!(client.nodeMetrics || client.podMetrics);
  const [state, setState] = useState<MetricsState>(() => ({ available, cluster: { cpu: [], memory: [] }, nodes: new Map(), pods: new Map() }));
  useEffect(() => {
    if (!available) return;
    let stopped = false;
    let timer = clock.setTimeout(() => {}, 0);
    const sample = async () => {
      try {
        const [nodes, pods] = await Promise.all([client.nodeMetrics?.() ?? [], client.podMetrics?.() ?? []]);
        if (stopped) return;
        setState((prev) => {
          const nodeMap = new Map(prev.nodes);
          const podMap = new Map<string, Series>();
          let cpu = 0;
          let memory = 0;
          for (const n of nodes) {
            push(nodeMap, n.name, n.cpu, n.memory);
            cpu += n.cpu;
            memory += n.memory;
          }
          for (const p of pods) {
            const key = `${p.namespace}/${p.name}`;
            const old = prev.pods.get(key);
            if (old) podMap.set(key, old);
            push(podMap, key, p.cpu, p.memory);
          }
          if (!nodes.length) {
            for (const p of pods) {
              cpu += p.cpu;
              memory += p.memory;
            }
          }
          const cluster = { cpu: [...prev.cluster.cpu, cpu].slice(-HISTORY), memory: [...prev.cluster.memory, memory].slice(-HISTORY) };
          return { available: true, cluster, nodes: nodeMap, pods: podMap };
        });
      } catch {
        // A failed sample only leaves a gap in the sparkline.
      }
      if (!stopped) timer = clock.setTimeout(() => void sample(), everyMs);
    };
    void sample();
    return () => {
      stopped = true;
      timer.cancel();
    };
  }, [client, clock, everyMs, available]);
  return state;
}
