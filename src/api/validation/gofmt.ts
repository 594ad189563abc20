// Go's %#v rendering of the values Kubernetes puts in "Invalid value:" messages
// (maps, label selectors, string slices), so our messages read exactly like
// the API server's, e.g. `map[string]string{"app":"x"}`.
import type { LabelSelector } from '../meta.js';

/** Go's %q for a string: JSON's escaping is the same for printable text. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function goStringMap(m: Record<string, string> | null | undefined): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

export function goStringSlice(s: string[] | null | undefined): string {
  if (s === undefined || s === null) return '[]string(nil)';
  return `[]string{${s.map((x) => goQuote(String(x))).join(', ')}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}` */
export function goLabelSelector(sel: LabelSelector | null | undefined): string {
  if (!sel) return 'null';
  const exprs = sel.matchExpressions;
  const exprText =
    exprs === undefined || exprs === null
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${goStringSlice(e.values)}}`)
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprText}}`;
}

/** An int-or-string as its String() prints it (no quotes): `50x`, `5`. */
export function goIntOrString(v: unknown): string {
  return String(v);
}
