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

export class FakeKubelet {
  node: string;
  ready: (pod: KubeObject) => boolean;
  finishDeletes: boolean;
  controller?: Controller;
  private api?: Api;
  private clock?: Clock;

  constructor(opts: FakeKubeletOptions = {}) {
    this.node = opts.node ?? 'node-1';
    this.ready = opts.ready ?? (() => true);
    this.finishDeletes = opts.finishDeletes ?? true;
  }

  /** A ControllerFactory for startControllers({ factories }). */
  readonly factory = (deps: ControllerDeps): Controller => {
    this.api = deps.api;
    this.clock = deps.clock;
    this.controller = new Controller({
      name: 'fake-kubelet',
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

  async finishTerminating(): Promise<void> {
    for (const p of this.api!.list('Pod').items) {
      if (p.metadata.deletionTimestamp) await this.api!.delete('Pod', p.metadata.namespace ?? '', p.metadata.name ?? '', { gracePeriodSeconds: 0 });
    }
  }

  private async reconcile(key: string): Promise<void> {
    const api = this.api!;
    const { namespace, name } = splitNsName(key);
    let pod = api.get('Pod', namespace, name);
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      if (this.finishDeletes) await api.delete('Pod', namespace, name, { gracePeriodSeconds: 0 });
      return;
    }
    if (!pod.spec?.nodeName) {
      // Binding (the scheduler's job): straight to the store, as the binding subresource does.
      const bound = clone(pod);
      bound.spec = { ...bound.spec, nodeName: this.node };
      pod = await api.store.update(bound);
    }
    const now = new Date(this.clock!.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const wantReady = this.ready(pod);
    const isReady = pod.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
    if (pod.status?.phase === 'Running' && !!isReady === wantReady) return;
    await api.modify('Pod', namespace, name, (p) => {
      const prev = (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
      const readyCond = { type: 'Ready', status: wantReady ? 'True' : 'False', lastTransitionTime: prev && prev.status === (wantReady ? 'True' : 'False') ? prev.lastTransitionTime : now };
      p.status = {
        ...(p.status ?? {}),
        phase: 'Running',
        startTime: p.status?.startTime ?? now,
        conditions: [{ type: 'PodScheduled', status: 'True' }, readyCond],
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
