// A line diff in GNU `diff -u` format, for the `:sync` diff (diff.ts). No diff
// library is installed (and `diff` itself may be missing, as it is in slim
// container images), so this is a small longest-common-subsequence diff: the
// common head and tail are trimmed first, and the LCS table is built only for
// what is left, which for a manifest's YAML is a few hundred lines at most.
// Hunks carry 3 lines of context and merge when their contexts touch, as GNU
// diff prints them.

export type Op = { type: ' ' | '-' | '+'; line: string };

/** Edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  // lcs[i][j]: LCS length of x[i..] and y[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = x[i] === y[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const ops: Op[] = a.slice(0, head).map((line) => ({ type: ' ' as const, line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      ops.push({ type: ' ', line: x[i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
      // Ties take the removal first: GNU diff prints '-' lines before '+' lines within a change.
      ops.push({ type: '-', line: x[i] });
      i++;
    } else {
      ops.push({ type: '+', line: y[j] });
      j++;
    }
  }
  for (const line of a.slice(a.length - tail)) ops.push({ type: ' ', line });
  return ops;
}

/** `@@ -l,s +l,s @@` hunks (without file headers); empty when the texts are equal. */
export function unifiedHunks(a: readonly string[], b: readonly string[], context = 3): string[] {
  const ops = diffLines(a, b);
  const changed = ops.map((o, k) => (o.type === ' ' ? -1 : k)).filter((k) => k >= 0);
  if (!changed.length) return [];
  // Group changes whose context windows overlap or touch.
  const groups: [number, number][] = [];
  for (const k of changed) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] <= 2 * context + 1) last[1] = k;
    else groups.push([k, k]);
  }
  // Line numbers before each op.
  const aAt: number[] = [];
  const bAt: number[] = [];
  let la = 0;
  let lb = 0;
  for (const o of ops) {
    aAt.push(la);
    bAt.push(lb);
    if (o.type !== '+') la++;
    if (o.type !== '-') lb++;
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(from, to + 1);
    const aLen = slice.filter((o) => o.type !== '+').length;
    const bLen = slice.filter((o) => o.type !== '-').length;
    // GNU diff: an empty range starts at the line before it (0 for an empty file).
    const aStart = aLen ? aAt[from] + 1 : aAt[from];
    const bStart = bLen ? bAt[from] + 1 : bAt[from];
    const range = (start: number, len: number) => (len === 1 ? `${start}` : `${start},${len}`);
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of slice) out.push(`${o.type}${o.line}`);
  }
  return out;
}
