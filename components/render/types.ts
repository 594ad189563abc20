// The shape every per-kind renderer has: the columns `kubectl get` prints, a
// row of cell strings for one object at a given time, and the status colour of
// the row. Renderers are plain data passed around in a RendererRegistry — never
// a global mutable registry — so tests and other front ends can swap them.
import type { KubeObject } from '../../src/api/meta.js';
import type { StatusTone } from '../logic/pod-status.js';

/** Sort by the column with this header; asc: ascending values (for AGE: youngest first). */
export interface SortSpec {
  column: string;
  asc: boolean;
}

export interface Column {
  name: string;
  /** 0: never dropped; higher numbers are dropped first on narrow terminals. */
  priority: number;
  align?: 'left' | 'right';
  /** The value to sort by; default: the cell text compared with numbers in mind. */
  sortBy?: (obj: KubeObject, now: number) => number | string;
  /** The cell takes the row's status colour. */
  status?: boolean;
  /** The last, free-text column (MESSAGE): truncated to fit rather than dropped. */
  flex?: boolean;
}

export interface Renderer {
  kind: string;
  columns: Column[];
  row(obj: KubeObject, now: number): string[];
  color(obj: KubeObject): StatusTone;
  /** The order a fresh view starts in; default NAME ascending. */
  defaultSort?: SortSpec;
  /**
   * This renderer with metrics columns (CPU, MEM, percentages), bound to one
   * sample. Only while the cluster serves metrics, as k9s hides its MX columns
   * without metrics-server; a new sample binds anew (a new renderer, so the
   * table re-renders its rows once per sample, not per frame).
   */
  withMetrics?(metrics: MetricsSample): Renderer;
}

/** Usage in cores and bytes. */
export interface Usage {
  cpu: number;
  memory: number;
}

/** One metrics sample as the renderers read it. */
export interface MetricsSample {
  pod(namespace: string, name: string): Usage | undefined;
  node(name: string): Usage | undefined;
}

export type RendererRegistry = ReadonlyMap<string, Renderer>;
