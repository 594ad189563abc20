// Builds a store + api + controllers (+ fake kubelet) on a FakeClock, and the
// objects controller tests use.
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { CONTROLLER_FACTORIES, startControllers, type ControllerFactory, type RunningControllers } from '../../src/controllers/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { FakeKubelet, type FakeKubeletOptions } from './fake-kubelet.js';

export interface Harness {
  clock: FakeClock;
  store: MemoryStore;
  api: Api;
  kubelet: FakeKubelet;
  mgr: RunningControllers;
  /** Advance the clock (ms) and wait until every controller is idle. */
  settle(ms?: number): Promise<void>;
  /** Stop the controllers and start fresh ones on the same store (an engine restart). */
  restart(): Promise<void>;
}

export async function setup(opts: { kubelet?: FakeKubeletOptions; factories?: ControllerFactory[]; store?: MemoryStore; clock?: FakeClock } = {}): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = opts.store ?? new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  const kubelet = new FakeKubelet(opts.kubelet);
  const factories = opts.factories ?? [...CONTROLLER_FACTORIES, kubelet.factory];
  const h: Harness = {
    clock,
    store,
    api,
    kubelet,
    mgr: startControllers({ api, clock, factories }),
    async settle(ms = 0) {
      if (ms) clock.advance(ms);
      await h.mgr.whenIdle();
    },
    async restart() {
      await h.mgr.stop();
      h.mgr = startControllers({ api, clock, factories });
      await h.mgr.whenIdle();
    },
  };
  await h.mgr.whenIdle();
  return h;
}

export function deployment(name: string, opts: { replicas?: number; image?: string; strategy?: any; minReadySeconds?: number; revisionHistoryLimit?: number; progressDeadlineSeconds?: number; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.minReadySeconds !== undefined ? { minReadySeconds: opts.minReadySeconds } : {}),
      ...(opts.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: opts.revisionHistoryLimit } : {}),
      ...(opts.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.25' }] },
      },
    },
  };
}

export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

export function podsOf(api: Api, filter: (p: KubeObject) => boolean = () => true): KubeObject[] {
  return api.list('Pod', { namespace: 'default', filter }).items;
}

export function events(api: Api, reason?: string): { reason: string; message: string; involved: string }[] {
  return api
    .list('Event')
    .items.map((e) => ({ reason: e.reason as string, message: e.message as string, involved: (e.involvedObject as { name: string }).name }))
    .filter((e) => !reason || e.reason === reason);
}

export const isReadyPod = (p: KubeObject): boolean =>
  !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
