// Label selectors for the UI's `-l app=web` filter and for drill-downs
// (deployment → its pods): the kubectl string syntax (`a=b,c!=d,e in (x,y),!f,g`)
// and the LabelSelector object form both become one predicate.
import type { LabelSelector } from '../../src/api/meta.js';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

interface Requirement {
  key: string;
  op: 'eq' | 'ne' | 'in' | 'notin' | 'exists' | 'notexists';
  values: string[];
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter(Boolean);
}

/** Parses the kubectl label selector syntax; throws with a message naming the bad term. */
export function parseLabelSelector(text: string): LabelMatcher {
  const reqs: Requirement[] = [];
  for (const term of splitTopLevel(text)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter(Boolean) });
    } else if ((m = term.match(/^([\w./-]+)\s*!=\s*([\w.-]*)$/))) {
      reqs.push({ key: m[1], op: 'ne', values: [m[2]] });
    } else if ((m = term.match(/^([\w./-]+)\s*==?\s*([\w.-]*)$/))) {
      reqs.push({ key: m[1], op: 'eq', values: [m[2]] });
    } else if ((m = term.match(/^!\s*([\w./-]+)$/))) {
      reqs.push({ key: m[1], op: 'notexists', values: [] });
    } else if ((m = term.match(/^([\w./-]+)$/))) {
      reqs.push({ key: m[1], op: 'exists', values: [] });
    } else {
      throw new Error(`unable to parse requirement: "${term}"`);
    }
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq':
      return has && v === r.values[0];
    case 'ne':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v);
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

/** A metav1.LabelSelector as a predicate. An empty selector matches everything, as for Deployments. */
export function selectorMatcher(sel: LabelSelector | undefined): LabelMatcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: 'eq', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[e.operator];
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

/** `app=web,tier in (fe)` — the selector as kubectl prints it. */
export function selectorText(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
