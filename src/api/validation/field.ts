// Small constructors for FieldError, named like apimachinery's field package,
// and the shared numeric checks (ValidateNonnegativeField …).
import type { FieldError } from '../errors.js';

export type Errs = FieldError[];

export const invalid = (field: string, value: unknown, detail?: string, valueText?: string): FieldError => ({
  type: 'Invalid',
  field,
  value,
  ...(detail ? { detail } : {}),
  ...(valueText !== undefined ? { valueText } : {}),
});

export const required = (field: string, detail?: string): FieldError => ({ type: 'Required', field, ...(detail ? { detail } : {}) });

export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });

export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value });

export const notFound = (field: string, value: unknown): FieldError => ({ type: 'NotFound', field, value });

export const tooLong = (field: string, detail: string): FieldError => ({ type: 'TooLong', field, detail });

/** `Unsupported value: "x": supported values: "a", "b"` */
export const notSupported = (field: string, value: unknown, valid: readonly string[], valueText?: string): FieldError => ({
  type: 'NotSupported',
  field,
  value,
  ...(valid.length ? { detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` } : {}),
  ...(valueText !== undefined ? { valueText } : {}),
});

export const IS_NEGATIVE = 'must be greater than or equal to 0';

export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** ValidateNonnegativeField; also rejects non-integers the way decoding into int32 would. */
export function nonNegative(v: unknown, field: string): Errs {
  if (v === undefined || v === null) return [];
  if (!isNum(v) || !Number.isInteger(v)) return [invalid(field, v, 'must be an integer')];
  return v < 0 ? [invalid(field, v, IS_NEGATIVE)] : [];
}

/** ValidatePositiveField-style check used for probe periods, HPA maxReplicas etc. */
export function positive(v: unknown, field: string, detail = 'must be greater than or equal to 1'): Errs {
  if (v === undefined || v === null) return [];
  if (!isNum(v) || !Number.isInteger(v)) return [invalid(field, v, 'must be an integer')];
  return v < 1 ? [invalid(field, v, detail)] : [];
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Identical messages are reported once, as ErrorList.ToAggregate does. */
export function dedupeErrors(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = `${e.type}|${e.field}|${e.valueText ?? JSON.stringify(e.value)}|${e.detail ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
