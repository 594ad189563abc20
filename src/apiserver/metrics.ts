// metrics.k8s.io/v1beta1 as metrics-server serves it (pkg/api/node.go,
// pkg/api/pod.go): NodeMetrics and PodMetrics built from the kubelets' stats,
// which the server reads through a MetricsSource (the engine's). The objects
// are never stored: each request lists the Nodes or Pods the selectors pick
// (label selectors on their labels, field selectors on metadata.name and
// metadata.namespace) and joins them with the usage the source reports now.
//   GET /apis/metrics.k8s.io/v1beta1/nodes[/NAME]
//   GET /apis/metrics.k8s.io/v1beta1/pods
//   GET /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods[/NAME]
// kubectl top reads the JSON and prints its own table; `kubectl get
// pods.metrics.k8s.io` gets metrics-server's Name/cpu/memory/Window table.
import { rfc3339 } from './time.js';
import { StatusError, methodNotAllowed } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { addQuantities, formatQuantity, quantityValue } from '../api/quantity.js';
import { boolParam, includeObject, selectorPredicate, wantsTable } from './negotiate.js';
import { tableRow, type ColumnDefinition, type IncludeObject, type Printer, type Table } from './printers/index.js';
import type { ResourceContext } from './resources.js';
import { sendJson } from './respond.js';

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = `${METRICS_GROUP}/v1beta1`;

/** Usage in cores and bytes, as the kubelet's stats give it. */
export interface ContainerUsage {
  name: string;
  cpu: number;
  memory: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
  /** RFC 3339 time of the sample. */
  timestamp: string;
  /** Seconds the usage was averaged over; default 10 (the kubelet's housekeeping interval). */
  window?: number;
}

export interface NodeUsage {
  name: string;
  cpu: number;
  memory: number;
  timestamp: string;
  window?: number;
}

/** Where the server reads usage from: the engine's kubelets. */
export interface MetricsSource {
  pods(namespace?: string): Promise<PodUsage[]>;
  nodes(): Promise<NodeUsage[]>;
}

const DEFAULT_WINDOW_SECONDS = 10;

/** Cores as metrics-server writes them: nanocores, canonical (`123456789n`, `5m`, `0`). */
export function cpuQuantity(cores: number): string {
  const nanos = Math.max(0, Math.round(cores * 1e9));
  return formatQuantity({ nanos: BigInt(nanos), format: 'DecimalSI' });
}

/** Bytes as a BinarySI quantity (`12345Ki`, or plain bytes when not a multiple of 1024), as resource.NewQuantity(bytes, BinarySI) prints. */
export function memoryQuantity(bytes: number): string {
  let v = BigInt(Math.max(0, Math.round(bytes)));
  if (v < 1024n) return formatQuantity({ nanos: v * 1_000_000_000n, format: 'DecimalSI' });
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let i = 0;
  while (i < suffixes.length - 1 && v % 1024n === 0n) {
    v /= 1024n;
    i++;
  }
  return `${v}${suffixes[i]}`;
}

/** metav1.Duration's JSON: Go's time.Duration.String() (`10s`, `1m30s`, `10.5s`). */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** metav1.Time's JSON: RFC 3339 to the second; a time that does not parse is passed on as it is. */
function timeText(t: string | number): string {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? rfc3339(ms) : String(t);
}

function notFoundResource(resource: string, name: string, group = ''): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(404, 'NotFound', `${qualified} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

/** Routes every request for the metrics.k8s.io group; without a source the group is there but unavailable, as an APIService whose backend is down. */
export async function serveMetrics(c: ResourceContext, source: MetricsSource | undefined): Promise<void> {
  const { rr, query } = c;
  const method = c.req.method ?? 'GET';
  if (rr.subresource) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  if (method !== 'GET') throw methodNotAllowed('the server does not allow this method on the requested resource');
  if (rr.legacyWatch || boolParam(query, 'watch')) {
    throw new StatusError(405, 'MethodNotAllowed', `watch is not supported on resources of kind "${rr.info.plural}.${METRICS_GROUP}"`, { group: METRICS_GROUP, kind: rr.info.plural });
  }
  if (!source) throw new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {});
  const nowMs = c.now();
  const items = rr.info.kind === 'NodeMetrics' ? await nodeMetrics(c, source, nowMs) : await podMetrics(c, source, nowMs);
  const kind = rr.info.kind;
  if (rr.name) {
    const obj = items[0];
    if (wantsTable(c.req)) return sendJson(c.res, 200, metricsTable([obj], includeObject(query)));
    return sendJson(c.res, 200, obj);
  }
  if (wantsTable(c.req)) return sendJson(c.res, 200, metricsTable(items, includeObject(query)));
  sendJson(c.res, 200, { kind: `${kind}List`, apiVersion: API_VERSION, metadata: {}, items });
}

async function nodeMetrics(c: ResourceContext, source: MetricsSource, nowMs: number): Promise<KubeObject[]> {
  const { api, rr, query } = c;
  let nodes: KubeObject[];
  if (rr.name) {
    const node = api.get('Node', '', rr.name);
    // The node lister's NotFound, returned as it is.
    if (!node) throw notFoundResource('node', rr.name);
    nodes = [node];
  } else {
    nodes = api.list('Node', { filter: selectorPredicate(query, 'NodeMetrics') }).items;
  }
  const usage = new Map((await source.nodes()).map((n) => [n.name, n]));
  const out: KubeObject[] = [];
  for (const node of nodes) {
    const u = usage.get(node.metadata.name ?? '');
    if (!u) continue;
    out.push({
      kind: 'NodeMetrics',
      apiVersion: API_VERSION,
      metadata: { name: node.metadata.name, ...(node.metadata.labels ? { labels: node.metadata.labels } : {}), creationTimestamp: rfc3339(nowMs) },
      timestamp: timeText(u.timestamp),
      window: goDuration(u.window ?? DEFAULT_WINDOW_SECONDS),
      usage: { cpu: cpuQuantity(u.cpu), memory: memoryQuantity(u.memory) },
    } as KubeObject);
  }
  if (rr.name && !out.length) throw notFoundResource('nodemetrics', rr.name, METRICS_GROUP);
  return out.sort((a, b) => cmp(a.metadata.name, b.metadata.name));
}

async function podMetrics(c: ResourceContext, source: MetricsSource, nowMs: number): Promise<KubeObject[]> {
  const { api, rr, query } = c;
  let pods: KubeObject[];
  if (rr.name) {
    const pod = api.get('Pod', rr.namespace, rr.name);
    // The pod metadata lister's NotFound (resource "pods"), returned as it is.
    if (!pod) throw notFoundResource('pods', rr.name);
    pods = [pod];
  } else {
    pods = api.list('Pod', { namespace: rr.namespace || undefined, filter: selectorPredicate(query, 'PodMetrics') }).items;
  }
  const usage = new Map((await source.pods(rr.namespace || undefined)).map((p) => [`${p.namespace}/${p.name}`, p]));
  const out: KubeObject[] = [];
  for (const pod of pods) {
    // Only running pods with stats for their containers have metrics.
    if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running') continue;
    const u = usage.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
    if (!u || !u.containers.length) continue;
    out.push({
      kind: 'PodMetrics',
      apiVersion: API_VERSION,
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
        creationTimestamp: rfc3339(nowMs),
      },
      timestamp: timeText(u.timestamp),
      window: goDuration(u.window ?? DEFAULT_WINDOW_SECONDS),
      containers: u.containers.map((ct) => ({ name: ct.name, usage: { cpu: cpuQuantity(ct.cpu), memory: memoryQuantity(ct.memory) } })),
    } as KubeObject);
  }
  if (rr.name && !out.length) throw notFoundResource('podmetrics', `${rr.namespace}/${rr.name}`, METRICS_GROUP);
  return out.sort((a, b) => cmp(a.metadata.namespace, b.metadata.namespace) || cmp(a.metadata.name, b.metadata.name));
}

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---- tables (metrics-server's ConvertToTable: Name, cpu, memory, Window) ----

const METRICS_COLUMNS: ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
];

function usageOf(obj: KubeObject): { cpu: string; memory: string } {
  const o = obj as unknown as { usage?: { cpu: string; memory: string }; containers?: { usage: { cpu: string; memory: string } }[] };
  if (o.usage) return o.usage;
  // A pod's row is the sum over its containers.
  const cs = o.containers ?? [];
  const cpu = addQuantities(...cs.map((ct) => ct.usage.cpu));
  const memory = addQuantities(...cs.map((ct) => ct.usage.memory));
  return { cpu: formatQuantity(cpu), memory: memoryQuantity(Number(quantityValue(memory))) };
}

const METRICS_PRINTER: Printer = {
  columns: METRICS_COLUMNS,
  cells(obj) {
    const u = usageOf(obj);
    return [obj.metadata.name ?? '', u.cpu, u.memory, String((obj as unknown as { window?: string }).window ?? '')];
  },
};

function metricsTable(items: KubeObject[], include: IncludeObject): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: METRICS_COLUMNS,
    rows: items.map((o) => tableRow(o, METRICS_PRINTER, 0, include)),
  };
}

