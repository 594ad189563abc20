// Shared pieces of the server-side table printers: column definitions, the
// age formatting of k8s.io/apimachinery/pkg/util/duration.HumanDuration, and
// the small formatting helpers of pkg/printers/internalversion/printers.go.
import { humanDuration } from '../../api/duration.js';
import type { KubeObject } from '../../api/meta.js';
import { labelSelectorAsSelector, labelsToString } from '../../api/selectors.js';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean;

export interface Printer {
  columns: ColumnDefinition[];
  /** One cell per column (wide columns included: kubectl hides priority-1 columns unless -o wide). */
  cells(obj: KubeObject, now: number): Cell[];
}

export function col(name: string, description = '', opts: { type?: ColumnDefinition['type']; format?: string; priority?: number } = {}): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const NAME_COLUMN = col('Name', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE_COLUMN = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

export { humanDuration };

/** translateTimestampSince: `<unknown>` for an unset time. */
export function since(ts: string | undefined | null, now: number): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (!Number.isFinite(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** Parsed creationTimestamps of stored (frozen) objects: every table row asks for one. */
const created = new WeakMap<KubeObject, number>();

export function age(obj: KubeObject, now: number): string {
  let t = created.get(obj);
  if (t === undefined) {
    const ts = obj.metadata.creationTimestamp;
    t = ts ? Date.parse(ts) : NaN;
    if (Object.isFrozen(obj)) created.set(obj, t);
  }
  return Number.isFinite(t) ? humanDuration(now - t) : '<unknown>';
}

/** labels.FormatLabels: `<none>` for an empty set. */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  return labelsToString(m) || '<none>';
}

/** metav1.FormatLabelSelector. */
export function formatSelector(sel: unknown): string {
  if (!sel) return '<none>';
  try {
    const s = labelSelectorAsSelector(sel as never).toString();
    return s || '<none>';
  } catch {
    return '<error>';
  }
}

interface ContainerLike {
  name?: string;
  image?: string;
}

/** layoutContainerCells: names and images joined with commas. */
export function containerCells(containers: ContainerLike[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

export const CONTAINERS_COLUMN = col('Containers', 'Names of each container in the template.', { priority: 1 });
export const IMAGES_COLUMN = col('Images', 'Images referenced by each container in the template.', { priority: 1 });
export const SELECTOR_COLUMN = col('Selector', 'Label selector for pods.', { priority: 1 });

export function n(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function hasCondition(obj: KubeObject, type: string): boolean {
  const conds = (obj.status?.conditions ?? []) as { type?: string; status?: string }[];
  return conds.some((c) => c.type === type && c.status === 'True');
}
