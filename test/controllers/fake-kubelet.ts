// A stand-in for the scheduler and kubelet in controller tests: a tiny
// controller that binds every pod to a node, marks it Running, makes it Ready
// when the test's policy says so, and finishes graceful deletions at once.
// It runs in the same queue machinery, so `mgr.whenIdle()` waits for it too.
import type { Api } from '../../src/api/api.js';
import { clone, splitNsName, type KubeObject } from '../../src/api/meta.js';
import type { Clock } from '../../src/util/clock.js';
import { Controller } from '../../src/controllers/controller.js';
import { selfKey } from '../../src/controllers/informer.js';
import type { ControllerDeps } from '../../src/controllers/index.js';

export interface FakeKubeletOptions {
  node?: string;
  /** Whether a running pod becomes Ready (default: always). */
  ready?: (pod: KubeObject) => boolean;
  /** When false, deleted pods stay Terminating until finishTerminating(). */
  finishDeletes?: boolean;
}

/**
 * What both kubelet stand-ins (this one and WorkloadKubelet) share: a
 * controller named `controllerName` watching Pods with the subclass's
 * reconcile, a resync, the status timestamp, and the step that marks a bound
 * pod Running with its Ready condition as the policy says.
 */
export abstract class PodStandIn {
  controller?: Controller;
  api?: Api;
  clock?: Clock;

  constructor(private readonly controllerName: string) {}

  /** A ControllerFactory for startControllers({ factories }). */
  readonly factory = (deps: ControllerDeps): Controller => {
    this.api = deps.api;
    this.clock = deps.clock;
    this.controller = new Controller({
      name: this.controllerName,
      api: deps.api,
      clock: deps.clock,
      reconcile: (key) => this.reconcile(key),
      watches: [{ kind: 'Pod', toKeys: selfKey }],
    });
    return this.controller;
  };

  /** Re-examine every pod (after changing the ready policy). */
  resync(): void {
    for (const p of this.api!.list('Pod').items) this.controller!.enqueue(`${p.metadata.namespace}/${p.metadata.name}`);
  }

  /** A pod being deleted: finishes the deletion at once when the stand-in's policy says so. */
  protected abstract finishesDeletion(pod: KubeObject): boolean;

  /** A live pod: bind it and mark it Running as the stand-in does. */
  protected abstract reconcileLive(pod: KubeObject, namespace: string, name: string): Promise<void>;

  private async reconcile(key: string): Promise<void> {
    const api = this.api!;
    const { namespace, name } = splitNsName(key);
    const pod = api.get('Pod', namespace, name);
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      if (this.finishesDeletion(pod)) await api.delete('Pod', namespace, name, { gracePeriodSeconds: 0 });
      return;
    }
    await this.reconcileLive(pod, namespace, name);
  }

  /** Now on the stand-in's clock, as the API's timestamps are written (whole seconds). */
  protected stamp(): string {
    return new Date(this.clock!.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Binds an unbound pod to `node` straight in the store, as the binding subresource does (the scheduler's job). */
  protected async bindTo(pod: KubeObject, node: string): Promise<KubeObject> {
    const bound = clone(pod);
    bound.spec = { ...bound.spec, nodeName: node };
    return this.api!.store.update(bound);
  }

  /** Whether the pod's Ready condition is True. */
  protected static isReady(pod: KubeObject): boolean {
    return !!pod.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
  }

  /** Phase Running, started containers, Ready as asked (its transition time kept while it does not change). */
  protected async markRunning(namespace: string, name: string, wantReady: boolean, now: string): Promise<void> {
    await this.api!.modify('Pod', namespace, name, (p) => {
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

export class FakeKubelet extends PodStandIn {
  node: string;
  ready: (pod: KubeObject) => boolean;
  finishDeletes: boolean;

  constructor(opts: FakeKubeletOptions = {}) {
    super('fake-kubelet');
    this.node = opts.node ?? 'node-1';
    this.ready = opts.ready ?? (() => true);
    this.finishDeletes = opts.finishDeletes ?? true;
  }

  async finishTerminating(): Promise<void> {
    for (const p of this.api!.list('Pod').items) {
      if (p.metadata.deletionTimestamp) await this.api!.delete('Pod', p.metadata.namespace ?? '', p.metadata.name ?? '', { gracePeriodSeconds: 0 });
    }
  }

  protected finishesDeletion(): boolean {
    return this.finishDeletes;
  }

  protected async reconcileLive(pod: KubeObject, namespace: string, name: string): Promise<void> {
    if (!pod.spec?.nodeName) pod = await this.bindTo(pod, this.node);
    const now = this.stamp();
    const wantReady = this.ready(pod);
    if (pod.status?.phase === 'Running' && PodStandIn.isReady(pod) === wantReady) return;
    await this.markRunning(namespace, name, wantReady, now);
  }
}
