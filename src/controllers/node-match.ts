// Node predicates the DaemonSet controller evaluates itself (as Kubernetes'
// daemon controller runs the scheduler's NodeAffinity/TaintToleration
// filters): nodeSelector, required node affinity (labels and the
// metadata.name field), and taints against tolerations. The scheduler keeps
// its own copy: engine parts do not import each other.
import type { KubeObject } from '../api/meta.js';
import type { NodeSelector, NodeSelectorRequirement, Toleration } from '../api/types/pod.js';
import type { Taint } from '../api/types/node.js';

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined, present: boolean): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return present && values.includes(value!);
    case 'NotIn':
      return !present || !values.includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false;
      const a = Number.parseInt(value!, 10);
      const b = Number.parseInt(values[0], 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** Terms are ORed; within a term every expression and field requirement must hold; an empty term matches nothing. */
export function nodeSelectorMatches(sel: NodeSelector | undefined, node: KubeObject): boolean {
  if (!sel) return true;
  const labels = node.metadata.labels ?? {};
  return (sel.nodeSelectorTerms ?? []).some((t) => {
    const exprs = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (!exprs.length && !fields.length) return false;
    return (
      exprs.every((r) => requirementMatches(r, labels[r.key], r.key in labels)) &&
      fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name, true))
    );
  });
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** The node's taints, counting spec.unschedulable as the taint the node controller adds for it. */
export function nodeTaints(node: KubeObject): Taint[] {
  const taints: Taint[] = [...((node.spec?.taints ?? []) as Taint[])];
  if (node.spec?.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable')) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  }
  return taints;
}

/** nodeSelector + required affinity of a pod spec against a node. */
export function podFitsNode(podSpec: any, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const req = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution as NodeSelector | undefined;
  return nodeSelectorMatches(req, node);
}
