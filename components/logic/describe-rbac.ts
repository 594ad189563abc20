// `kubectl describe` of the RBAC kinds, as kubectl's describers print them
// (staging/src/k8s.io/kubectl/pkg/describe/describe.go): Role and ClusterRole
// as Name, Labels, Annotations and the PolicyRule table — each rule broken
// down into one (group, resource, verb, name) grant, simple grants of the same
// resource compacted back into one row of verbs (rbac.BreakdownRule,
// CompactRules), the rows sorted as SortableRuleSlice sorts them; RoleBinding
// and ClusterRoleBinding as the Role (Kind, Name) and the Subjects table.
// Laid out as kubectl's tabwriter does (padding 2); no Events, as kubectl.
import type { KubeObject } from '../../src/api/meta.js';
import { breakdownRule } from '../../src/api/rbac-covers.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../src/api/types/index.js';

/** Lines with `\t`-separated cells; consecutive lines with the same number of cells are one aligned block. */
export function tabbed(lines: readonly string[]): string[] {
  const rows = lines.map((l) => l.split('\t'));
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    const n = rows[i].length;
    let j = i;
    while (j < rows.length && rows[j].length === n && n > 1) j++;
    if (j === i) {
      out.push(rows[i][0]);
      i++;
      continue;
    }
    const block = rows.slice(i, j);
    const widths = Array.from({ length: n - 1 }, (_, c) => Math.max(...block.map((r) => r[c].length)) + 2);
    for (const r of block) out.push(r.map((cell, c) => (c < n - 1 ? cell.padEnd(widths[c]) : cell)).join('').trimEnd());
    i = j;
  }
  return out;
}

/** printLabelsMultiline / printAnnotationsMultiline: sorted `k=v`, `<none>` when empty. */
function multiline(title: string, m: Record<string, string> | undefined, skip: readonly string[] = []): string[] {
  const keys = Object.keys(m ?? {})
    .filter((k) => !skip.includes(k))
    .sort();
  if (!keys.length) return [`${title}:\t<none>`];
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${m![k]}`);
}

function meta(obj: KubeObject): string[] {
  return [
    `Name:\t${obj.metadata.name ?? ''}`,
    ...multiline('Labels', obj.metadata.labels),
    ...multiline('Annotations', obj.metadata.annotations, ['kubectl.kubernetes.io/last-applied-configuration']),
  ];
}

export { breakdownRule };

/** rbac.CompactRules: grants of one group, resource and (at most one) name share a row of verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = (r.resourceNames?.length ?? 0) <= 1 && !r.nonResourceURLs?.length && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      compacted.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null]);
    const have = simple.get(key);
    if (!have) simple.set(key, { ...r, verbs: [...(r.verbs ?? [])] });
    else for (const v of r.verbs ?? []) if (!have.verbs.includes(v)) have.verbs.push(v);
  }
  return [...compacted, ...simple.values()];
}

/** Go's `%v` of a []string. */
const list = (v: readonly string[] | undefined) => `[${(v ?? []).join(' ')}]`;

/** rbacv1.PolicyRule.String(), the key SortableRuleSlice sorts by. */
function ruleString(r: PolicyRule): string {
  return `&PolicyRule{Verbs:${list(r.verbs)},APIGroups:${list(r.apiGroups)},Resources:${list(r.resources)},ResourceNames:${list(r.resourceNames)},NonResourceURLs:${list(r.nonResourceURLs)},}`;
}

/** describe.CombineResourceGroup: `deployments.apps/scale`. */
export function combineResourceGroup(resources: readonly string[] | undefined, groups: readonly string[] | undefined): string {
  if (!resources?.length) return '';
  const [base, sub] = resources[0].split(/\/(.*)/s);
  let out = base;
  if (groups?.length && groups[0] !== '') out += `.${groups[0]}`;
  if (sub !== undefined) out += `/${sub}`;
  return out;
}

/** The PolicyRule rows kubectl prints for these rules, in its order. */
export function policyRuleRows(rules: readonly PolicyRule[] | undefined): string[][] {
  const compact = compactRules((rules ?? []).flatMap(breakdownRule));
  const keyed = compact.map((r) => ({ r, k: ruleString(r) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)); // stable, byte order as strings.Compare
  return keyed.map(({ r }) => [combineResourceGroup(r.resources, r.apiGroups), list(r.nonResourceURLs), list(r.resourceNames), list(r.verbs)]);
}

export function describeRole(obj: Role | ClusterRole): string[] {
  return tabbed([
    ...meta(obj),
    'PolicyRule:',
    '  Resources\tNon-Resource URLs\tResource Names\tVerbs',
    '  ---------\t-----------------\t--------------\t-----',
    ...policyRuleRows(obj.rules).map((cells) => `  ${cells.join('\t')}`),
  ]);
}

export function describeBinding(obj: RoleBinding | ClusterRoleBinding): string[] {
  return tabbed([
    ...meta(obj),
    'Role:',
    `  Kind:\t${obj.roleRef?.kind ?? ''}`,
    `  Name:\t${obj.roleRef?.name ?? ''}`,
    'Subjects:',
    '  Kind\tName\tNamespace',
    '  ----\t----\t---------',
    ...(obj.subjects ?? []).map((s) => `  ${s.kind}\t${s.name}\t${s.namespace ?? ''}`),
  ]);
}

/** The RBAC describers by kind; undefined for other kinds. */
export function describeRbac(obj: KubeObject): string[] | undefined {
  switch (obj.kind) {
    case 'Role':
    case 'ClusterRole':
      return describeRole(obj as Role | ClusterRole);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return describeBinding(obj as RoleBinding | ClusterRoleBinding);
    default:
      return undefined;
  }
}
