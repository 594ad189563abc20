// The metrics columns k9s shows (internal/render/pod.go, node.go), fed by one
// metrics sample: CPU in millicores and MEM in MiB ("0" for none), and
// percentages floored to whole numbers, "n/a" when there is nothing to
// divide by (no request, no limit, no allocatable) — client.ToPercentageStr.
// Requests follow k9s: a container without requests counts its limits;
// sidecars (init containers with restartPolicy Always) count with the app
// containers.
import type { KubeObject } from '../../src/api/meta.js';
import { addQuantities, quantityMilliValue, quantityValue, tryParseQuantity, type Quantity } from '../../src/api/quantity.js';
import type { Column, MetricsSample, Renderer, RendererRegistry, Usage } from './types.js';

export const NA = 'n/a';

/** Cores → millicores as Quantity.MilliValue (rounded up, from whole nanocores). */
export function milliCores(cores: number): number {
  return Math.ceil(Math.round(cores * 1e9) / 1e6);
}

/** k9s toMc: millicores, "0" for none. */
export function toMc(millis: number): string {
  return millis === 0 ? '0' : String(millis);
}

/** k9s toMi: whole MiB (floored), "0" for none. */
export function toMi(bytes: number): string {
  return bytes === 0 ? '0' : String(Math.floor(bytes / 2 ** 20));
}

/** k9s client.ToPercentageStr: floor(v/of·100), "n/a" when `of` is 0. */
export function percentage(v: number, of: number): string {
  return of === 0 ? NA : String(Math.floor((v / of) * 100));
}

/** A percentage cell as a sort key: n/a sorts below 0%. */
function percentKey(v: number, of: number): number {
  return of === 0 ? -1 : v / of;
}

type ResourceList = Record<string, string | number | undefined> | undefined;

interface ContainerLike {
  restartPolicy?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

function sum(qs: Array<string | number | undefined>): Quantity {
  return addQuantities(...qs.map((q) => tryParseQuantity(q) ?? 0));
}

const isEmpty = (l: ResourceList) => !l || Object.keys(l).length === 0;

/** Requests and limits of a pod summed over its app and sidecar containers: millicores and bytes. */
export function podResources(pod: KubeObject): { cpu: number; mem: number; lcpu: number; lmem: number } {
  const spec = (pod.spec ?? {}) as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  const cs = [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(spec.containers ?? [])];
  // k9s containerRequests: the requests, else the limits (what Kubernetes defaults requests to).
  const reqs = cs.map((c) => (!isEmpty(c.resources?.requests) ? c.resources?.requests : c.resources?.limits));
  const lims = cs.map((c) => c.resources?.limits);
  return {
    cpu: Number(quantityMilliValue(sum(reqs.map((r) => r?.cpu)))),
    mem: Number(quantityValue(sum(reqs.map((r) => r?.memory)))),
    lcpu: Number(quantityMilliValue(sum(lims.map((l) => l?.cpu)))),
    lmem: Number(quantityValue(sum(lims.map((l) => l?.memory)))),
  };
}

/** A node's allocatable CPU (millicores) and memory (bytes). */
export function nodeAllocatable(node: KubeObject): { cpu: number; mem: number } {
  const a = ((node.status ?? {}) as { allocatable?: ResourceList }).allocatable;
  return { cpu: Number(quantityMilliValue(sum([a?.cpu]))), mem: Number(quantityValue(sum([a?.memory]))) };
}

/** Usage as k9s reads it off PodMetrics/NodeMetrics: millicores (MilliValue) and bytes (Value). */
export function usageOf(u: Usage | undefined): { cpu: number; mem: number } {
  return u ? { cpu: milliCores(u.cpu), mem: Math.ceil(u.memory) } : { cpu: 0, mem: 0 };
}

export interface MetricColumn<T> {
  name: string;
  priority: number;
  cell(v: T): string;
  key(v: T): number;
}

/**
 * `base` with metric columns inserted after the column `after` (at the end
 * when there is none). The values of an object are computed once per sample
 * and shared by its cells and the sort keys.
 */
export function withMetricColumns<T>(base: Renderer, after: string, defs: MetricColumn<T>[], compute: (obj: KubeObject) => T): Renderer {
  const memo = new WeakMap<KubeObject, T>();
  const values = (obj: KubeObject): T => {
    let v = memo.get(obj);
    if (v === undefined) {
      v = compute(obj);
      memo.set(obj, v);
    }
    return v;
  };
  const found = base.columns.findIndex((c) => c.name === after);
  const at = found < 0 ? base.columns.length : found + 1;
  const columns: Column[] = defs.map((d) => ({ name: d.name, priority: d.priority, align: 'right', sortBy: (o) => d.key(values(o)) }));
  return {
    ...base,
    columns: [...base.columns.slice(0, at), ...columns, ...base.columns.slice(at)],
    row(obj, now) {
      const cells = base.row(obj, now);
      const v = values(obj);
      return [...cells.slice(0, at), ...defs.map((d) => d.cell(v)), ...cells.slice(at)];
    },
  };
}

export interface PodMx {
  c: { cpu: number; mem: number };
  r: { cpu: number; mem: number; lcpu: number; lmem: number };
}

export const POD_METRIC_COLUMNS: MetricColumn<PodMx>[] = [
  { name: 'CPU', priority: 1, cell: (v) => toMc(v.c.cpu), key: (v) => v.c.cpu },
  { name: 'MEM', priority: 1, cell: (v) => toMi(v.c.mem), key: (v) => v.c.mem },
  { name: '%CPU/R', priority: 3, cell: (v) => percentage(v.c.cpu, v.r.cpu), key: (v) => percentKey(v.c.cpu, v.r.cpu) },
  { name: '%CPU/L', priority: 5, cell: (v) => percentage(v.c.cpu, v.r.lcpu), key: (v) => percentKey(v.c.cpu, v.r.lcpu) },
  { name: '%MEM/R', priority: 3, cell: (v) => percentage(v.c.mem, v.r.mem), key: (v) => percentKey(v.c.mem, v.r.mem) },
  { name: '%MEM/L', priority: 5, cell: (v) => percentage(v.c.mem, v.r.lmem), key: (v) => percentKey(v.c.mem, v.r.lmem) },
];

export function podMx(pod: KubeObject, sample: MetricsSample): PodMx {
  return { c: usageOf(sample.pod(pod.metadata.namespace ?? '', pod.metadata.name ?? '')), r: podResources(pod) };
}

export interface NodeMx {
  c: { cpu: number; mem: number };
  a: { cpu: number; mem: number };
}

export const NODE_METRIC_COLUMNS: MetricColumn<NodeMx>[] = [
  { name: 'CPU', priority: 1, cell: (v) => toMc(v.c.cpu), key: (v) => v.c.cpu },
  { name: 'MEM', priority: 1, cell: (v) => toMi(v.c.mem), key: (v) => v.c.mem },
  { name: '%CPU', priority: 2, cell: (v) => percentage(v.c.cpu, v.a.cpu), key: (v) => percentKey(v.c.cpu, v.a.cpu) },
  { name: '%MEM', priority: 2, cell: (v) => percentage(v.c.mem, v.a.mem), key: (v) => percentKey(v.c.mem, v.a.mem) },
  { name: 'CPU/A', priority: 3, cell: (v) => toMc(v.a.cpu), key: (v) => v.a.cpu },
  { name: 'MEM/A', priority: 3, cell: (v) => toMi(v.a.mem), key: (v) => v.a.mem },
];

export function nodeMx(node: KubeObject, sample: MetricsSample): NodeMx {
  return { c: usageOf(sample.node(node.metadata.name ?? '')), a: nodeAllocatable(node) };
}

/** The registry with every renderer that shows metrics bound to `sample`; the same registry without a sample. */
export function bindMetrics(registry: RendererRegistry, sample: MetricsSample | undefined): RendererRegistry {
  if (!sample) return registry;
  let out: Map<string, Renderer> | undefined;
  for (const [kind, r] of registry) {
    if (!r.withMetrics) continue;
    out ??= new Map(registry);
    out.set(kind, r.withMetrics(sample));
  }
  return out ?? registry;
}
