// Resource usage from the metrics.k8s.io/v1beta1 API (metrics-server), read
// into ClusterClient's PodMetrics/NodeMetrics: cores and bytes as numbers.
// Clusters without metrics-server do not serve the group; the client then
// offers no metrics at all (the methods are left undefined), as kubectl top
// reports "Metrics API not available".
import { tryParseQuantity, quantityToNumber } from '../api/quantity.js';
import type { KubeHttp } from './kube-http.js';
import type { NodeMetrics, PodMetrics } from './types.js';

export const METRICS_GROUP = 'metrics.k8s.io';
const BASE = `/apis/${METRICS_GROUP}/v1beta1`;

interface Usage {
  cpu?: string;
  memory?: string;
}

function num(q: string | undefined): number {
  const parsed = q === undefined ? undefined : tryParseQuantity(q);
  return parsed ? quantityToNumber(parsed) : 0;
}

/** Whether the server lists the metrics group in `/apis` discovery. */
export async function metricsAvailable(http: KubeHttp): Promise<boolean> {
  const doc = await http.json<{ groups?: { name: string }[] }>({ method: 'GET', path: '/apis' });
  return !!doc?.groups?.some((g) => g.name === METRICS_GROUP);
}

export async function readPodMetrics(http: KubeHttp, namespace?: string): Promise<PodMetrics[]> {
  const path = namespace ? `${BASE}/namespaces/${encodeURIComponent(namespace)}/pods` : `${BASE}/pods`;
  const list = await http.json<{ items?: any[] }>({ method: 'GET', path });
  return (list?.items ?? []).map((m) => {
    const containers = ((m.containers ?? []) as { name: string; usage?: Usage }[]).map((c) => ({
      name: c.name,
      cpu: num(c.usage?.cpu),
      memory: num(c.usage?.memory),
    }));
    return {
      namespace: m.metadata?.namespace ?? '',
      name: m.metadata?.name ?? '',
      cpu: containers.reduce((s, c) => s + c.cpu, 0),
      memory: containers.reduce((s, c) => s + c.memory, 0),
      containers,
      timestamp: m.timestamp ?? '',
    };
  });
}

export async function readNodeMetrics(http: KubeHttp): Promise<NodeMetrics[]> {
  const list = await http.json<{ items?: any[] }>({ method: 'GET', path: `${BASE}/nodes` });
  return (list?.items ?? []).map((m) => ({
    name: m.metadata?.name ?? '',
    cpu: num(m.usage?.cpu),
    memory: num(m.usage?.memory),
    timestamp: m.timestamp ?? '',
  }));
}
