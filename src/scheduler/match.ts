// Label and node selector matching for the scheduler's filters: metav1
// LabelSelector (pod affinity terms) and v1 NodeSelector terms (node affinity,
// with Gt/Lt and matchFields on metadata.name), with Kubernetes' semantics.
import type { LabelSelector } from '../api/meta.js';
import { selectorMatches } from '../api/selectors.js';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../api/types/pod.js';

/** An empty selector matches everything; a missing or invalid one matches nothing (LabelSelectorAsSelector). */
export function labelSelectorMatches(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  try {
    return selectorMatches(sel ?? null, labels);
  } catch {
    return false;
  }
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(value);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || (r.values ?? []).length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(r.values![0], 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its requirements do; a term with none matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, nodeName: string, labels: Record<string, string>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) if (!requirementMatches(r, r.key === 'metadata.name' ? nodeName : undefined)) return false;
  return true;
}

/** Terms are ORed. */
export function nodeSelectorMatches(terms: NodeSelectorTerm[], nodeName: string, labels: Record<string, string>): boolean {
  return terms.some((t) => nodeSelectorTermMatches(t, nodeName, labels));
}
