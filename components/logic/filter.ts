// The `/` filter of a table, as k9s reads it: `-l app=web` is a label
// selector; `!text` inverts; anything else is a case-insensitive regular
// expression when it parses, a plain substring otherwise. It matches against
// the rendered row text, so what you see is what you filter.
import { parseLabelSelector, type LabelMatcher } from './selector.js';

export interface RowFilter {
  kind: 'none' | 'text' | 'labels';
  /** Returns true to keep the row. */
  test(rowText: string, labels: Record<string, string> | undefined): boolean;
  error?: string;
}

export function parseFilter(raw: string): RowFilter {
  const text = raw.trim();
  if (!text) return { kind: 'none', test: () => true };
  if (text.startsWith('-l ') || text.startsWith('-l=')) {
    const sel = text.slice(3).trim();
    let m: LabelMatcher;
    try {
      m = parseLabelSelector(sel);
    } catch (err) {
      return { kind: 'labels', test: () => false, error: (err as Error).message };
    }
    return { kind: 'labels', test: (_row, labels) => m(labels) };
  }
  const inverse = text.startsWith('!') && text.length > 1;
  const body = inverse ? text.slice(1) : text;
  let match: (s: string) => boolean;
  try {
    const re = new RegExp(body, 'i');
    match = (s) => re.test(s);
  } catch {
    const needle = body.toLowerCase();
    match = (s) => s.toLowerCase().includes(needle);
  }
  return { kind: 'text', test: inverse ? (row) => !match(row) : (row) => match(row) };
}
