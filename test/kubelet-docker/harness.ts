// A kubelet on the real Docker engine for integration tests: MemoryStore + Api
// + Kubelet(DockerDriver), one instance label and network per test file (so
// cleanup removes exactly what the file made), and waits that poll the store
// in real time (no fixed sleeps).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { Api } from '../../src/api/api.js';
import type { Pod, PodSpec } from '../../src/api/types/pod.js';
import { Kubelet, type KubeletConfig } from '../../src/kubelet/kubelet.js';
import { DockerDriver } from '../../src/kubelet/runtime/docker/index.js';
import { LABEL_INSTANCE, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/kubelet/runtime/types.js';
import { realClock, type Clock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { TEST_IMAGE, cleanupDocker, uniqueInstance, waitFor } from '../runtime/docker-env.js';

export { TEST_IMAGE, waitFor };

export interface Harness {
  api: Api;
  clock: Clock;
  driver: DockerDriver;
  instance: string;
  network: string;
  dataDir: string;
  kubelet: Kubelet;
  /** A new Kubelet on the same store, driver and instance (a restarted kubeterm). */
  make(extra?: Partial<KubeletConfig>): Kubelet;
  cleanup(): Promise<void>;
}

export function harness(docker: Dockerode, prefix: string, o: { clock?: Clock; kubelet?: Partial<KubeletConfig>; driver?: DockerDriver } = {}): Harness {
  const clock = o.clock ?? realClock;
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  const instance = o.driver?.instance ?? uniqueInstance(prefix);
  const network = o.driver?.network ?? `${instance}-net`;
  const driver = o.driver ?? new DockerDriver({ docker, instance, network });
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-data-`));
  const make = (extra: Partial<KubeletConfig> = {}) =>
    new Kubelet({ api, clock, nodeName: 'node-1', driver, instance, dataDir, relistIntervalMs: 500, ...(o.kubelet ?? {}), ...extra });
  const kubelet = make();
  return {
    api,
    clock,
    driver,
    instance,
    network,
    dataDir,
    kubelet,
    make,
    cleanup: async () => {
      await driver.close();
      await cleanupDocker(docker, instance, network);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A pod bound to node-1; images are local (`:latest` would mean pull Always, and tests never reach a registry). */
export function podOf(name: string, spec: Partial<PodSpec>): Pod {
  const local = (cs: PodSpec['containers'] | undefined) => cs?.map((c) => ({ imagePullPolicy: 'IfNotPresent' as const, ...c }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: 'node-1',
      terminationGracePeriodSeconds: 1,
      ...spec,
      containers: local(spec.containers) ?? [],
      ...(spec.initContainers ? { initContainers: local(spec.initContainers) } : {}),
    } as PodSpec,
  };
}

/** Polls the Pod until `pred` holds; the message names the last status seen. */
export async function waitPod(api: Api, name: string, pred: (p: Pod) => boolean, timeoutMs = 30_000, what = 'pod condition'): Promise<Pod> {
  let last: Pod | undefined;
  try {
    return await waitFor(
      async () => {
        last = api.get('Pod', 'default', name);
        return last && pred(last) ? last : undefined;
      },
      timeoutMs,
      `${name}: ${what}`,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last?.status?.containerStatuses ?? last?.status ?? null)}`);
  }
}

export const running = (p: Pod) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => !!c.state?.running);

export function containerStatus(p: Pod, name = 'app') {
  return p.status?.containerStatuses?.find((c) => c.name === name);
}

export function eventsOf(api: Api, name: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => ({ reason: e.reason as string, type: e.type as string, message: e.message as string }));
}

/** App containers (not sandboxes) Docker has for a pod uid of this instance. */
export async function dockerContainersOf(docker: Dockerode, instance: string, uid: string) {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`, `${LABEL_POD_UID}=${uid}`, `${LABEL_SANDBOX}=false`] } });
}

export const idOf = (containerID: string | undefined) => (containerID ?? '').replace(/^docker:\/\//, '');
