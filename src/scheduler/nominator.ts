// Pods nominated to a node by preemption, while their victims terminate
// (kube-scheduler's PodNominator). Filtering a node for another pod counts
// the nominated pods of equal or higher priority as if they already ran
// there, so the room preemption freed is not taken by a lower-priority pod.
import type { NodeInfo, PodInfo } from './cache.js';

export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  get size(): number {
    return this.nodeOf.size;
  }

  nodeFor(uid: string): string | undefined {
    return this.nodeOf.get(uid);
  }

  set(info: PodInfo, node: string): void {
    this.remove(info.uid);
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(info.uid, info);
    this.nodeOf.set(info.uid, node);
  }

  remove(uid: string): void {
    const node = this.nodeOf.get(uid);
    if (node === undefined) return;
    this.nodeOf.delete(uid);
    const m = this.byNode.get(node);
    m?.delete(uid);
    if (m && m.size === 0) this.byNode.delete(node);
  }

  forNode(node: string): PodInfo[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  /** Runs fn with the nominated pods of priority ≥ `priority` (other than `uid`) added to ni, then takes them out again. */
  withNominated<T>(ni: NodeInfo, priority: number, uid: string, fn: () => T): T {
    const m = this.byNode.get(ni.name);
    if (!m) return fn();
    const added: PodInfo[] = [];
    for (const p of m.values()) {
      if (p.uid === uid || p.priority < priority || ni.pods.has(p.uid)) continue;
      ni.add(p);
      added.push(p);
    }
    try {
      return fn();
    } finally {
      for (const p of added) ni.remove(p.uid);
    }
  }
}
