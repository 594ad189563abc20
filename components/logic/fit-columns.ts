// Fitting a table into the terminal width: measure each column over all rows,
// then drop the lowest-priority columns (highest priority number, rightmost
// first) until the rest fit; what still overflows truncates the flexible
// column, then NAME. Never wraps.
import type { Column } from '../render/types.js';

export const GAP = 2;

export interface Fit {
  /** Indices of the columns shown, in order. */
  shown: number[];
  /** Width of each shown column, parallel to `shown`. */
  widths: number[];
}

/**
 * How many cells of each length every column holds, so a table's column
 * widths follow the rows added and removed without a pass over all rows
 * (buildTable keeps one between frames). Counts are arrays indexed by length
 * (cells are short), so measuring 10,000 rows afresh is array increments.
 */
export class CellWidths {
  private readonly counts: number[][];
  /** The longest length with a non-zero count, per column (0 for none). */
  private readonly top: number[];

  constructor(columns: number) {
    this.counts = Array.from({ length: columns }, () => [0]);
    this.top = new Array<number>(columns).fill(0);
  }

  add(cells: readonly string[]): void {
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i];
      const len = cells[i]?.length ?? 0;
      while (c.length <= len) c.push(0);
      c[len]++;
      if (len > this.top[i]) this.top[i] = len;
    }
  }

  remove(cells: readonly string[]): void {
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i];
      const len = cells[i]?.length ?? 0;
      if (!c[len]) continue;
      c[len]--;
      if (len === this.top[i] && c[len] === 0) {
        let t = len;
        while (t > 0 && !c[t]) t--;
        this.top[i] = t;
      }
    }
  }

  /** The longest cell of each column (0 for none). */
  max(): number[] {
    return [...this.top];
  }
}

/** Widths buildTable already knows, by the rows array it returned. */
const known = new WeakMap<readonly object[], { columns: readonly Column[]; cells: number[] }>();

/** Records the longest cells of `rows` (exactly these rows, under these columns) for measure(). */
export function rememberWidths(rows: readonly object[], columns: readonly Column[], widths: CellWidths): void {
  known.set(rows, { columns, cells: widths.max() });
}

export function measure(columns: readonly Column[], rows: readonly { cells: string[] }[]): number[] {
  const w = columns.map((c) => c.name.length);
  const k = known.get(rows);
  if (k && k.columns === columns) return w.map((n, i) => Math.max(n, k.cells[i]));
  for (const r of rows) {
    const cells = r.cells;
    for (let i = 0; i < w.length; i++) {
      const len = cells[i]?.length ?? 0;
      if (len > w[i]) w[i] = len;
    }
  }
  return w;
}

export function fitColumns(columns: readonly Column[], natural: readonly number[], width: number): Fit {
  const shown = columns.map((_, i) => i);
  const total = () => shown.reduce((s, i) => s + natural[i], 0) + GAP * Math.max(0, shown.length - 1);
  while (total() > width) {
    let drop = -1;
    for (const i of shown) {
      const p = columns[i].priority;
      if (p > 0 && (drop < 0 || p >= columns[drop].priority)) drop = i;
    }
    if (drop < 0) break;
    shown.splice(shown.indexOf(drop), 1);
  }
  const widths = shown.map((i) => natural[i]);
  let over = total() - width;
  if (over > 0) {
    // Shrink the flex column first, then the widest remaining column, keeping a few characters.
    const order = [...shown.keys()].sort((a, b) => Number(!!columns[shown[b]].flex) - Number(!!columns[shown[a]].flex) || widths[b] - widths[a]);
    for (const j of order) {
      if (over <= 0) break;
      const min = Math.min(widths[j], Math.max(columns[shown[j]].name.length, 6));
      const cut = Math.min(over, widths[j] - min);
      widths[j] -= cut;
      over -= cut;
    }
  }
  return { shown, widths };
}

/** Pads or truncates a cell to exactly `width` characters (… marks a cut). */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (text.length > width) return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}
