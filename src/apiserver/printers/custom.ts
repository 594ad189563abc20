// The server-side table of a custom resource, from its CRD version's
// additionalPrinterColumns, as kube-apiserver's apiextensions tableconvertor
// builds it: a Name column, then one column per printer column whose JSONPath
// (wrapped as `{path}`) parses; the first that does not parse ends the list,
// as the API server keeps the columns built before the error. A version with
// no printer columns gets the default `Age` date column on
// .metadata.creationTimestamp (apiextensions' serveDefaultColumnsIfEmpty).
//
// Cells take the first result of the column's path:
//   string  — the value as `kubectl -o jsonpath` prints it (maps and lists as
//             compact JSON, numbers as Go prints them); an explicit null is
//             `<no value>`
//   integer — a number, truncated toward zero
//   number  — a number
//   boolean — a boolean
//   date    — an RFC 3339 string as an age (`5m`); `<unknown>` for an empty
//             or zero time, `<invalid>` for one that does not parse
// Anything else — no result, an evaluation error, a value of the wrong type —
// is a null cell on the wire, which kubectl prints as nothing: the cell is ''.
import type { PrinterColumn } from '../../api/kinds.js';
import { jsonPathValueText, parseJsonPathTemplate, type JsonPathTemplate } from '../../api/jsonpath.js';
import type { KubeObject } from '../../api/meta.js';
import { AGE_COLUMN, NAME_COLUMN, humanDuration, type Cell, type ColumnDefinition, type Printer } from './common.js';

/** What kubectl shows for a null cell. */
const MISSING = '';

/** The column a CRD version without additionalPrinterColumns is served with. */
export const DEFAULT_PRINTER_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_COLUMN.description },
];

// ------------------------------------------------------------- dates --

const RFC3339 = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?(Z|([+-])([0-9]{2}):([0-9]{2}))$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, unlike Date.UTC's 0–99 quirk). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z) in epoch milliseconds: metav1.Time prints it `<unknown>`. */
const ZERO_TIME_MS = daysFromCivil(1, 1, 1) * 86_400_000;

/** time.Parse(time.RFC3339, s) as epoch milliseconds, or undefined when Go would reject it. */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, min, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 24 || om > 60) return undefined;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Number(`0.${m[7].slice(0, 9)}`) * 1000 : 0;
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec - offsetMin * 60) * 1000 + frac;
}

/** time.Duration saturates at ±2^63-1 ns (about 292 years). */
const MAX_DURATION_MS = 9_223_372_036_854.775;

/** metatable.ConvertToHumanReadableDateType after metav1.Time.UnmarshalQueryParameter. */
function dateCell(s: string, now: number): string {
  if (s === '' || s === 'null') return '<unknown>';
  const t = parseRfc3339(s);
  if (t === undefined) return '<invalid>';
  if (t === ZERO_TIME_MS) return '<unknown>';
  return humanDuration(Math.max(-MAX_DURATION_MS, Math.min(MAX_DURATION_MS, now - t)));
}

// ------------------------------------------------------------- cells --

/** tableconvertor's cellForJSONValue, for the non-string column types. */
function typedCell(type: string, value: unknown, now: number): Cell {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) + 0 : MISSING;
    case 'number':
      return typeof value === 'number' ? value : MISSING;
    case 'boolean':
      return typeof value === 'boolean' ? value : MISSING;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : MISSING;
  }
  return MISSING;
}

type CellFn = (obj: KubeObject, now: number) => Cell;

function columnCell(type: string, path: JsonPathTemplate): CellFn {
  return (obj, now) => {
    let value: unknown;
    try {
      const results = path.findResults(obj);
      // only simple paths are expected: the first result of the first list is the value
      if (results.length === 0 || results[0].length === 0) return MISSING;
      value = results[0][0];
    } catch {
      return MISSING;
    }
    if (type === 'string') {
      // an explicit null reaches the printer as an invalid reflect.Value: text/template's `<no value>`
      if (value === null || value === undefined) return '<no value>';
      try {
        return jsonPathValueText(value);
      } catch {
        return MISSING;
      }
    }
    return value === null || value === undefined ? MISSING : typedCell(type, value, now);
  };
}

/** Printer-column paths parsed once, shared by every printer (and CRD version) that uses them. */
const PATHS = new Map<string, JsonPathTemplate | Error>();
const PATHS_MAX = 1024;

function columnPath(jsonPath: string): JsonPathTemplate | Error {
  let p = PATHS.get(jsonPath);
  if (p === undefined) {
    try {
      p = parseJsonPathTemplate(`{${jsonPath}}`, { allowMissingKeys: true });
    } catch (err) {
      p = err as Error;
    }
    if (PATHS.size >= PATHS_MAX) PATHS.delete(PATHS.keys().next().value!);
    PATHS.set(jsonPath, p);
  }
  return p;
}

const PRINTERS = new WeakMap<readonly PrinterColumn[], Printer>();

/**
 * The Printer for a custom kind seen in one version: Name + the version's
 * printer columns (or the default Age column when it has none), cells typed
 * per column as tableconvertor makes them. Column priority and format pass
 * through: kubectl shows priority ≠ 0 columns only with `-o wide`. Printers
 * are cached per columns array, paths per string, so a table parses nothing
 * per row.
 */
export function customPrinter(columns: readonly PrinterColumn[]): Printer {
  const cached = PRINTERS.get(columns);
  if (cached) return cached;
  const defs: ColumnDefinition[] = [NAME_COLUMN];
  const cellFns: CellFn[] = [];
  for (const c of columns.length > 0 ? columns : DEFAULT_PRINTER_COLUMNS) {
    const path = columnPath(c.jsonPath);
    if (path instanceof Error) break;
    defs.push({
      name: c.name,
      type: c.type as ColumnDefinition['type'],
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    });
    cellFns.push(columnCell(c.type, path));
  }
  const printer: Printer = {
    columns: defs,
    cells(obj, now) {
      const cells: Cell[] = [obj.metadata?.name ?? ''];
      for (const f of cellFns) cells.push(f(obj, now));
      return cells;
    },
  };
  PRINTERS.set(columns, printer);
  return printer;
}
