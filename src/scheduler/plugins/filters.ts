// Filter plugins of the default profile, in Kubernetes' order: each says why a
// node cannot take the pod, with the scheduler's exact reason strings. A node
// is reported with the first plugin that rejects it. `unresolvable` marks
// failures that evicting pods could not fix (UnschedulableAndUnresolvable) —
// the preemption part of the message depends on it.
import type { PodAffinityTerm } from '../../api/types/pod.js';
import { LABEL_HOSTNAME, type NodeInfo, type PodInfo, type SchedulerCache } from '../cache.js';
import { labelSelectorMatches, nodeSelectorMatches } from '../match.js';
import type { PodContext } from '../pod-context.js';
import { firstUntolerated, tolerated } from '../taints.js';
import { volumeFilterReasons } from '../volume-binding.js';

export interface FilterFailure {
  plugin: string;
  reasons: string[];
  unresolvable: boolean;
}

export const ERR_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_POD_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_TOO_MANY_PODS = 'Too many pods';
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export function nodeUnschedulable(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  if (!ni.node?.spec?.unschedulable) return undefined;
  if (tolerated(ctx.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })) return undefined;
  return { plugin: 'NodeUnschedulable', reasons: [ERR_UNSCHEDULABLE], unresolvable: true };
}

export function nodeName(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  const want = ctx.pod.spec?.nodeName;
  if (!want || want === ni.name) return undefined;
  return { plugin: 'NodeName', reasons: [ERR_NODE_NAME], unresolvable: true };
}

export function taintToleration(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  const t = firstUntolerated(ni.taints, ctx.tolerations, ['NoSchedule', 'NoExecute']);
  if (!t) return undefined;
  return {
    plugin: 'TaintToleration',
    reasons: [`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`],
    unresolvable: true,
  };
}

export function nodeAffinity(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  const labels = ni.labels;
  let ok = true;
  for (const [k, v] of Object.entries(ctx.nodeSelector)) {
    if (labels[k] !== v) {
      ok = false;
      break;
    }
  }
  if (ok && ctx.requiredNodeTerms) ok = nodeSelectorMatches(ctx.requiredNodeTerms, ni.name, labels);
  if (ok) return undefined;
  return { plugin: 'NodeAffinity', reasons: [ERR_NODE_AFFINITY], unresolvable: true };
}

/** A host port conflicts with the same port and protocol on the same IP, and 0.0.0.0 with every IP. */
export function nodePorts(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  if (!ctx.info.hostPorts.length || ni.usedPorts.size === 0) return undefined;
  for (const want of ctx.info.hostPorts) {
    const [ip, proto, port] = want.split('/');
    for (const used of ni.usedPorts.keys()) {
      const [uip, uproto, uport] = used.split('/');
      if (uproto !== proto || uport !== port) continue;
      if (ip === uip || ip === '0.0.0.0' || uip === '0.0.0.0') {
        return { plugin: 'NodePorts', reasons: [ERR_NODE_PORTS], unresolvable: false };
      }
    }
  }
  return undefined;
}

export function nodeResourcesFit(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  const reasons: string[] = [];
  if (ni.pods.size + 1 > ni.allocatable.pods) reasons.push(ERR_TOO_MANY_PODS);
  const r = ctx.info.requests;
  if (r.milliCPU > 0 && r.milliCPU > ni.allocatable.milliCPU - ni.requested.milliCPU) reasons.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > ni.allocatable.memory - ni.requested.memory) reasons.push('Insufficient memory');
  if (!reasons.length) return undefined;
  return { plugin: 'NodeResourcesFit', reasons, unresolvable: false };
}

/** Does `p` fall under `term` of a pod in namespace `ownerNs`? */
export function termMatchesPod(term: PodAffinityTerm, ownerNs: string, p: PodInfo, nsLabels: PodContext['namespaceLabels']): boolean {
  let nsOk: boolean;
  if (term.namespaceSelector) {
    nsOk = (term.namespaces ?? []).includes(p.namespace) || labelSelectorMatches(term.namespaceSelector, nsLabels(p.namespace));
  } else {
    const nss = term.namespaces?.length ? term.namespaces : [ownerNs];
    nsOk = nss.includes(p.namespace);
  }
  return nsOk && labelSelectorMatches(term.labelSelector, p.labels);
}

/** The nodes in the same topology domain as `ni` for `key` (itself for hostname). */
function domainNodes(cache: SchedulerCache, ni: NodeInfo, key: string): NodeInfo[] | undefined {
  const value = ni.labels[key];
  if (value === undefined) return undefined;
  if (key === LABEL_HOSTNAME) return [ni];
  return cache.nodes().filter((n) => n.labels[key] === value);
}

function anyPodInDomain(cache: SchedulerCache, ni: NodeInfo, term: PodAffinityTerm, ctx: PodContext): boolean | undefined {
  const dom = domainNodes(cache, ni, term.topologyKey);
  if (!dom) return undefined;
  for (const n of dom) for (const p of n.pods.values()) if (termMatchesPod(term, ctx.info.namespace, p, ctx.namespaceLabels)) return true;
  return false;
}

export function interPodAffinity(ctx: PodContext, ni: NodeInfo, cache: SchedulerCache): FilterFailure | undefined {
  // Required affinity: some matching pod must be in the node's domain, unless no
  // pod anywhere matches and the pod matches its own terms (the first of a group).
  for (const term of ctx.affinity) {
    const found = anyPodInDomain(cache, ni, term, ctx);
    if (found) continue;
    if (found === false || found === undefined) {
      const anywhere = cache.nodes().some((n) => [...n.pods.values()].some((p) => termMatchesPod(term, ctx.info.namespace, p, ctx.namespaceLabels)));
      const selfMatch = termMatchesPod(term, ctx.info.namespace, ctx.info, ctx.namespaceLabels);
      if (anywhere || !selfMatch || found === undefined) {
        return { plugin: 'InterPodAffinity', reasons: [ERR_POD_AFFINITY], unresolvable: true };
      }
    }
  }
  for (const term of ctx.antiAffinity) {
    if (anyPodInDomain(cache, ni, term, ctx)) {
      return { plugin: 'InterPodAffinity', reasons: [ERR_POD_ANTI_AFFINITY], unresolvable: false };
    }
  }
  // Symmetry: an existing pod's required anti-affinity may exclude the incoming pod.
  for (const n of cache.antiAffinityNodes) {
    if (!n.node) continue;
    for (const p of n.withAntiAffinity) {
      for (const term of p.antiAffinity) {
        const v = n.labels[term.topologyKey];
        if (v === undefined || ni.labels[term.topologyKey] !== v) continue;
        if (termMatchesPod(term, p.namespace, ctx.info, ctx.namespaceLabels)) {
          return { plugin: 'InterPodAffinity', reasons: [ERR_EXISTING_ANTI_AFFINITY], unresolvable: false };
        }
      }
    }
  }
  return undefined;
}

/** VolumeBinding's Filter: bound volumes' node affinity, and where unbound WaitForFirstConsumer claims can be satisfied. */
export function volumeBinding(ctx: PodContext, ni: NodeInfo): FilterFailure | undefined {
  if (!ctx.volumes) return undefined;
  const reasons = volumeFilterReasons(ctx.volumes, ni);
  return reasons.length ? { plugin: 'VolumeBinding', reasons, unresolvable: true } : undefined;
}

/** Runs the filters in Kubernetes' order; the first failure decides. */
export function runFilters(ctx: PodContext, ni: NodeInfo, cache: SchedulerCache): FilterFailure | undefined {
  return (
    nodeUnschedulable(ctx, ni) ??
    nodeName(ctx, ni) ??
    taintToleration(ctx, ni) ??
    nodeAffinity(ctx, ni) ??
    nodePorts(ctx, ni) ??
    nodeResourcesFit(ctx, ni) ??
    volumeBinding(ctx, ni) ??
    interPodAffinity(ctx, ni, cache)
  );
}
