// CPU/memory samples for the header, the sparklines and the pods/nodes CPU and
// MEM columns. Metrics are not watchable (as with metrics-server), so this
// samples client.podMetrics/nodeMetrics on an interval through the injected
// clock — only when the client offers them.
import { useEffect, useState } from 'react';
import type { ClusterClient, NodeMetrics, PodMetrics } from '../../src/client/types.js';
import type { Clock } from '../../src/util/clock.js';
import type { MetricsSample, Usage } from '../render/types.js';

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
  /** The latest sample, for the table columns; the same object while the numbers stay the same. */
  sample?: MetricsSample;
}

class Sample implements MetricsSample {
  constructor(
    readonly nodes: ReadonlyMap<string, Usage>,
    readonly pods: ReadonlyMap<string, Usage>,
  ) {}

  pod(namespace: string, name: string): Usage | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  node(name: string): Usage | undefined {
    return this.nodes.get(name);
  }
}

function sameUsage(a: ReadonlyMap<string, Usage>, b: ReadonlyMap<string, Usage>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, u] of a) {
    const v = b.get(k);
    if (!v || v.cpu !== u.cpu || v.memory !== u.memory) return false;
  }
  return true;
}

/** One sample of node and pod usage; `prev` itself when nothing changed, so tables keep their rendered rows. */
export function metricsSample(nodes: readonly NodeMetrics[], pods: readonly PodMetrics[], prev?: MetricsSample): MetricsSample {
  const n = new Map(nodes.map((m) => [m.name, { cpu: m.cpu, memory: m.memory }]));
  const p = new Map(pods.map((m) => [`${m.namespace}/${m.name}`, { cpu: m.cpu, memory: m.memory }]));
  if (prev instanceof Sample && sameUsage(prev.nodes, n) && sameUsage(prev.pods, p)) return prev;
  return new Sample(n, p);
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
          return { available: true, cluster, nodes: nodeMap, pods: podMap, sample: metricsSample(nodes, pods, prev.sample) };
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
