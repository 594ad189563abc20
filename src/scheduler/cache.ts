// The scheduler's view of the cluster, kept up to date incrementally from pod
// and node watch events (never by scanning every pod per decision): per node
// its allocatable resources, the sum of requests of the pods bound to it, the
// pods themselves (for anti-affinity) and per-owner pod counts (for spreading).
// A pod the scheduler has just bound is "assumed" here at once, so the next
// decision sees it even before the binding write comes back through the watch.
import { controllerRef } from '../api/meta.js';
import type { Node, Taint } from '../api/types/node.js';
import type { Pod, PodAffinityTerm } from '../api/types/pod.js';
import { intValue, milliValue, podRequests, type Resources } from './pod-resources.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName: string;
  requests: Resources;
  nonZero: Resources;
  ownerUid?: string;
  priority: number;
  /** Required anti-affinity terms of this pod (checked against incoming pods: symmetry). */
  antiAffinity: PodAffinityTerm[];
  /** Host ports the pod claims, as `ip/protocol/port` (ip 0.0.0.0 when unset). */
  hostPorts: string[];
  /** status.startTime in ms (Infinity when not started): older pods are more important to keep. */
  startTime: number;
  /** Terminating because the scheduler preempted it (DisruptionTarget/PreemptionByScheduler). */
  terminatingByPreemption: boolean;
}

export class NodeInfo {
  node?: Node;
  allocatable: Resources & { pods: number } = { milliCPU: 0, memory: 0, pods: 0 };
  requested: Resources = { milliCPU: 0, memory: 0 };
  nonZeroRequested: Resources = { milliCPU: 0, memory: 0 };
  readonly pods = new Map<string, PodInfo>();
  readonly ownerCounts = new Map<string, number>();
  /** Pods on this node that carry required anti-affinity terms. */
  readonly withAntiAffinity = new Set<PodInfo>();
  /** Host ports in use (`ip/protocol/port` → users). */
  readonly usedPorts = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    const a = node.status?.allocatable ?? node.status?.capacity ?? {};
    this.allocatable = { milliCPU: milliValue(a.cpu), memory: intValue(a.memory), pods: intValue(a.pods) };
  }

  get labels(): Record<string, string> {
    return this.node?.metadata.labels ?? {};
  }

  get taints(): Taint[] {
    return this.node?.spec?.taints ?? [];
  }

  add(p: PodInfo): void {
    this.pods.set(p.uid, p);
    this.requested.milliCPU += p.requests.milliCPU;
    this.requested.memory += p.requests.memory;
    this.nonZeroRequested.milliCPU += p.nonZero.milliCPU;
    this.nonZeroRequested.memory += p.nonZero.memory;
    if (p.ownerUid) this.ownerCounts.set(p.ownerUid, (this.ownerCounts.get(p.ownerUid) ?? 0) + 1);
    if (p.antiAffinity.length) this.withAntiAffinity.add(p);
    for (const k of p.hostPorts) this.usedPorts.set(k, (this.usedPorts.get(k) ?? 0) + 1);
  }

  remove(uid: string): PodInfo | undefined {
    const p = this.pods.get(uid);
    if (!p) return undefined;
    this.pods.delete(uid);
    this.requested.milliCPU -= p.requests.milliCPU;
    this.requested.memory -= p.requests.memory;
    this.nonZeroRequested.milliCPU -= p.nonZero.milliCPU;
    this.nonZeroRequested.memory -= p.nonZero.memory;
    if (p.ownerUid) {
      const n = (this.ownerCounts.get(p.ownerUid) ?? 1) - 1;
      if (n <= 0) this.ownerCounts.delete(p.ownerUid);
      else this.ownerCounts.set(p.ownerUid, n);
    }
    this.withAntiAffinity.delete(p);
    for (const k of p.hostPorts) {
      const n = (this.usedPorts.get(k) ?? 1) - 1;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
    return p;
  }
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function podInfoOf(pod: Pod, nodeName: string, priority?: number): PodInfo {
  const started = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  return {
    uid: pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`,
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name ?? '',
    labels: pod.metadata.labels ?? {},
    nodeName,
    requests: podRequests(pod),
    nonZero: podRequests(pod, true),
    ownerUid: controllerRef(pod)?.uid,
    priority: priority ?? pod.spec?.priority ?? 0,
    antiAffinity: pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
    hostPorts: hostPortsOf(pod),
    startTime: Number.isNaN(started) ? Infinity : started,
    terminatingByPreemption: !!pod.metadata.deletionTimestamp && preemptedByScheduler(pod),
  };
}

export function preemptedByScheduler(pod: Pod): boolean {
  const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c?.status === 'True' && c.reason === 'PreemptionByScheduler';
}

export function hostPortsOf(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push(`${p.hostIP || '0.0.0.0'}/${p.protocol ?? 'TCP'}/${p.hostPort}`);
    }
  }
  return out;
}

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Nodes that exist (have a Node object), in a stable order for round-robin evaluation. */
  private list: NodeInfo[] = [];
  private listDirty = false;
  private readonly podNode = new Map<string, string>();
  /** Nodes holding at least one pod with required anti-affinity (usually none), for the symmetry check. */
  readonly antiAffinityNodes = new Set<NodeInfo>();
  /** Pods per priority value (few distinct values), so preemption can tell at once that no victim exists anywhere. */
  private readonly priorityCounts = new Map<number, number>();

  /** Is any bound or assumed pod of priority lower than `priority`? */
  hasPodBelow(priority: number): boolean {
    for (const p of this.priorityCounts.keys()) if (p < priority) return true;
    return false;
  }

  get nodeCount(): number {
    return this.nodes().length;
  }

  nodes(): NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.infos.values()].filter((n) => n.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.listDirty = false;
    }
    return this.list;
  }

  node(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  private infoFor(name: string): NodeInfo {
    let ni = this.infos.get(name);
    if (!ni) {
      ni = new NodeInfo(name);
      this.infos.set(name, ni);
    }
    return ni;
  }

  setNode(node: Node): void {
    const ni = this.infoFor(node.metadata.name!);
    if (!ni.node) this.listDirty = true;
    ni.setNode(node);
  }

  removeNode(name: string): void {
    const ni = this.infos.get(name);
    if (!ni) return;
    ni.node = undefined;
    this.listDirty = true;
    // Pods still bound to a vanished node keep their accounting until they go.
    if (ni.pods.size === 0) this.infos.delete(name);
  }

  /** Adds or refreshes a bound (or assumed) pod. */
  addPod(info: PodInfo): void {
    if (this.podNode.has(info.uid)) this.removePod(info.uid);
    const ni = this.infoFor(info.nodeName);
    ni.add(info);
    if (ni.withAntiAffinity.size) this.antiAffinityNodes.add(ni);
    this.podNode.set(info.uid, info.nodeName);
    this.priorityCounts.set(info.priority, (this.priorityCounts.get(info.priority) ?? 0) + 1);
  }

  removePod(uid: string): PodInfo | undefined {
    const nodeName = this.podNode.get(uid);
    if (nodeName === undefined) return undefined;
    this.podNode.delete(uid);
    const ni = this.infos.get(nodeName);
    const p = ni?.remove(uid);
    if (p) {
      const n = (this.priorityCounts.get(p.priority) ?? 1) - 1;
      if (n <= 0) this.priorityCounts.delete(p.priority);
      else this.priorityCounts.set(p.priority, n);
    }
    if (ni && ni.withAntiAffinity.size === 0) this.antiAffinityNodes.delete(ni);
    if (ni && !ni.node && ni.pods.size === 0) this.infos.delete(nodeName);
    return p;
  }

  hasPod(uid: string): boolean {
    return this.podNode.has(uid);
  }
}
