// Pod priority as the Priority admission plugin computes it, resolved by the
// scheduler because kubeterm has no admission chain: spec.priority when set;
// else the value of spec.priorityClassName's PriorityClass; else the
// globalDefault class (the lowest-valued one if several claim it); else 0.
// The two system classes answer even when no object exists for them.
// Kubernetes refuses a pod naming an unknown class at admission (`no
// PriorityClass with name X was found`); here the pod stays Pending with
// that message until the class appears.
import type { PriorityClass } from '../api/types/config.js';
import type { Pod } from '../api/types/pod.js';

export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

const SYSTEM_CLASSES: Record<string, number> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

export interface ResolvedPriority {
  priority: number;
  preemptionPolicy: PreemptionPolicy;
  /** The class the priority came from (the global default when the pod names none). */
  className?: string;
  /** Set when the pod names a class that does not exist. */
  error?: string;
}

export class PriorityClasses {
  private readonly classes = new Map<string, PriorityClass>();

  set(pc: PriorityClass): void {
    this.classes.set(pc.metadata.name ?? '', pc);
  }

  delete(name: string): void {
    this.classes.delete(name);
  }

  globalDefault(): PriorityClass | undefined {
    let best: PriorityClass | undefined;
    for (const pc of this.classes.values()) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
    return best;
  }

  resolve(pod: Pod): ResolvedPriority {
    const spec = pod.spec ?? {};
    const name = spec.priorityClassName;
    let value: number | undefined;
    let policy: PreemptionPolicy | undefined;
    let className: string | undefined;
    if (name) {
      const pc = this.classes.get(name);
      if (pc) {
        value = pc.value;
        policy = pc.preemptionPolicy;
      } else if (name in SYSTEM_CLASSES) {
        value = SYSTEM_CLASSES[name];
      } else if (typeof spec.priority !== 'number') {
        return { priority: 0, preemptionPolicy: spec.preemptionPolicy ?? 'PreemptLowerPriority', error: `no PriorityClass with name ${name} was found` };
      }
      className = name;
    } else {
      const d = this.globalDefault();
      if (d) {
        value = d.value;
        policy = d.preemptionPolicy;
        className = d.metadata.name;
      }
    }
    return {
      priority: typeof spec.priority === 'number' ? spec.priority : (value ?? 0),
      preemptionPolicy: spec.preemptionPolicy ?? policy ?? 'PreemptLowerPriority',
      className,
    };
  }

  /** The priority alone (bound pods: an unknown class counts as 0). */
  priorityOf(pod: Pod): number {
    return this.resolve(pod).priority;
  }
}
