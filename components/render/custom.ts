// Custom resources: NAME, the CRD's additionalPrinterColumns of priority 0
// (the ones `kubectl get` shows without -o wide), AGE — the NAMESPACE column
// is put first by the table when it spans all namespaces. Cells follow the
// API server's table for custom resources: the first result of the column's
// JSONPath; `date` columns as an age, `integer`/`number` right-aligned; a
// missing field (or one of the wrong type) is an empty cell, as kubectl shows it.
import { compileJsonPath } from '../../src/api/jsonpath.js';
import type { KindInfo, PrinterColumn } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { age, ageMs } from '../logic/age.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Column, Renderer } from './types.js';

/** The printer columns of the version the UI reads the kind in (its preferred version), else its first. */
export function printerColumnsOf(info: KindInfo): PrinterColumn[] {
  const versions = info.custom?.versions ?? [];
  return (versions.find((v) => v.name === info.version) ?? versions.find((v) => v.served) ?? versions[0])?.printerColumns ?? [];
}

/** One cell's value: the first result of the path, or undefined (no result, a path that does not parse or fails). */
function firstResult(path: (data: unknown) => unknown[], obj: KubeObject): unknown {
  try {
    return path(obj)[0];
  } catch {
    return undefined;
  }
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object') return JSON.stringify(v);
  return '';
}

/** The cell text of a value for a column type, as kubectl prints the server's typed cells. */
export function printerCell(type: string, value: unknown, now: number): string {
  if (value === undefined || value === null) return '';
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? String(Math.trunc(value)) : '';
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : '';
    case 'date':
      return typeof value === 'string' && value ? age(value, now) : '';
    default:
      return text(value);
  }
}

interface CellFn {
  column: Column;
  cell(obj: KubeObject, now: number): string;
}

function compile(c: PrinterColumn): CellFn | undefined {
  let path: (data: unknown) => unknown[];
  try {
    path = compileJsonPath(c.jsonPath);
  } catch {
    return undefined; // a path that does not parse has no column, as the API server drops it
  }
  const numeric = c.type === 'integer' || c.type === 'number';
  const column: Column = {
    name: c.name.toUpperCase(),
    // Printer columns are the kind's own facts: keep them before anything else is dropped.
    priority: 1,
    ...(numeric ? { align: 'right' as const } : {}),
    sortBy: (obj, now) => {
      const v = firstResult(path, obj);
      if (c.type === 'date') return typeof v === 'string' ? ageMs(v, now) : Number.POSITIVE_INFINITY;
      if (numeric) return typeof v === 'number' ? v : Number.NEGATIVE_INFINITY;
      return printerCell(c.type, v, now);
    },
  };
  return { column, cell: (obj, now) => printerCell(c.type, firstResult(path, obj), now) };
}

const RENDERERS = new WeakMap<KindInfo, Renderer>();

/** The renderer of a custom kind from its printer columns (cached per KindInfo, so tables keep their row cache). */
export function customRenderer(info: KindInfo): Renderer {
  const hit = RENDERERS.get(info);
  if (hit) return hit;
  const cols = printerColumnsOf(info)
    .filter((c) => (c.priority ?? 0) === 0)
    // NAME and AGE are the table's own; a printer column of the same name would only repeat them.
    .filter((c) => !['NAME', 'AGE'].includes(c.name.toUpperCase()))
    .map(compile)
    .filter((c): c is CellFn => !!c);
  const r: Renderer = {
    kind: info.kind,
    columns: [NAME, ...cols.map((c) => c.column), AGE],
    row: (obj, now) => [name(obj), ...cols.map((c) => c.cell(obj, now)), ageOf(obj, now)],
    color: (obj) => (obj.metadata.deletionTimestamp ? 'gone' : 'plain'),
  };
  RENDERERS.set(info, r);
  return r;
}
