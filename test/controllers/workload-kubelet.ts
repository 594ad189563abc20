// A stand-in for scheduler + kubelets in the workload controller tests: binds
// each pod to the node its DaemonSet affinity names (else to `defaultNode`),
// marks it Running and (by policy) Ready, leaves finished pods alone so tests
// can end them with succeed()/fail(), and finishes graceful deletions.
import type { Api } from '../../src/api/api.js';
import { clone, splitNsName, type KubeObject } from '../../src/api/meta.js';
import { Controller } from '../../src/controllers/controller.js';
import { selfKey } from '../../src/controllers/informer.js';
import type { ControllerDeps } from '../../src/controllers/index.js';
import type { Clock } from '../../src/util/clock.js';

export class WorkloadKubelet {
  defaultNode = 'node-1';
  ready: (pod: KubeObject) => boolean = () => true;
  /** Leave pods Pending and unbound (e.g. to model a full cluster). */
  bind: (pod: KubeObject) => boolean = () => true;
  finishDeletes = true;
  api?: Api;
  clock?: Clock;
  controller?: Controller;

  readonly factory = (deps: ControllerDeps): Controller => {
    this.api = deps.api;
    this.clock = deps.clock;
    this.controller = new Controller({
      name: 'workload-kubelet',
      api: deps.api,
      clock: deps.clock,
      reconcile: (key) => this.reconcile(key),
      watches: [{ kind: 'Pod', toKeys: selfKey }],
    });
    return this.controller;
  };

  resync(): void {
    for (const p of this.api!.list('Pod').items) this.controller!.enqueue(`${p.metadata.namespace}/${p.metadata.name}`);
  }

  private stamp(): string {
    return new Date(this.clock!.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
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

  private async reconcile(key: string): Promise<void> {
    const api = this.api!;
    const { namespace, name } = splitNsName(key);
    let pod = api.get('Pod', namespace, name);
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      if (this.finishDeletes && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0) {
        await api.delete('Pod', namespace, name, { gracePeriodSeconds: 0 });
      }
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!pod.spec?.nodeName) {
      if (!this.bind(pod)) return;
      const bound = clone(pod);
      bound.spec = { ...bound.spec, nodeName: this.nodeFor(pod) };
      pod = await api.store.update(bound);
    }
    const wantReady = this.ready(pod);
    const isReady = pod.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
    if (phase === 'Running' && !!isReady === wantReady) return;
    const now = this.stamp();
    await api.modify('Pod', namespace, name, (p) => {
      const prev = (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
      const status = wantReady ? 'True' : 'False';
      p.status = {
        ...(p.status ?? {}),
        phase: 'Running',
        startTime: p.status?.startTime ?? now,
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now }],
        containerStatuses: (p.spec?.containers ?? []).map((c: { name: string; image: string }) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          ready: wantReady,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: now } },
        })),
      };
    }, { status: true });
  }
}
