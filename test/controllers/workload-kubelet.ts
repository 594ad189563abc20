// A stand-in for scheduler + kubelets in the workload controller tests: binds
// each pod to the node its DaemonSet affinity names (else to `defaultNode`),
// marks it Running and (by policy) Ready, leaves finished pods alone so tests
// can end them with succeed()/fail(), and finishes graceful deletions.
import type { KubeObject } from '../../src/api/meta.js';
import { PodStandIn } from './fake-kubelet.js';

export class WorkloadKubelet extends PodStandIn {
  defaultNode = 'node-1';
  ready: (pod: KubeObject) => boolean = () => true;
  /** Leave pods Pending and unbound (e.g. to model a full cluster). */
  bind: (pod: KubeObject) => boolean = () => true;
  finishDeletes = true;

  constructor() {
    super('workload-kubelet');
  }

  /** Ends a pod as its container would: phase Succeeded/Failed with a terminated state. */
  async finish(name: string, phase: 'Succeeded' | 'Failed', namespace = 'default'): Promise<void> {
    const at = this.stamp();
    await this.api!.modify('Pod', namespace, name, (p) => {
      p.status = {
        ...(p.status ?? {}),
        phase,
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', lastTransitionTime: at }],
        containerStatuses: (p.spec?.containers ?? []).map((c: { name: string; image: string }) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error', finishedAt: at } },
        })),
      };
    }, { status: true });
  }

  private nodeFor(pod: KubeObject): string {
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    for (const t of terms) {
      for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.values?.length) return f.values[0];
    }
    return this.defaultNode;
  }

  /** Finishes only graceful deletions (a grace period above 0), when finishDeletes is on. */
  protected finishesDeletion(pod: KubeObject): boolean {
    return this.finishDeletes && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  }

  protected async reconcileLive(pod: KubeObject, namespace: string, name: string): Promise<void> {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!pod.spec?.nodeName) {
      if (!this.bind(pod)) return;
      pod = await this.bindTo(pod, this.nodeFor(pod));
    }
    const wantReady = this.ready(pod);
    if (phase === 'Running' && PodStandIn.isReady(pod) === wantReady) return;
    await this.markRunning(namespace, name, wantReady, this.stamp());
  }
}
