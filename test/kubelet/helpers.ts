// Shared setup for kubelet tests: a FakeClock, MemoryStore + Api, a SimDriver
// with no delays, and builders for bound pods.
import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { Pod, PodSpec } from '../../src/api/types/pod.js';
import { Kubelet, type KubeletConfig } from '../../src/kubelet/kubelet.js';
import { SimDriver, type SimDriverConfig } from '../../src/kubelet/runtime/sim/sim-driver.js';
import type { ContainerConfig } from '../../src/kubelet/runtime/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

export function kubeletEnv(opts: { sim?: Partial<SimDriverConfig>; kubelet?: Partial<KubeletConfig>; driverClass?: typeof SimDriver } = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  const driver = new (opts.driverClass ?? SimDriver)({ clock, startDelayMs: 0, ...(opts.sim ?? {}) });
  const make = () => new Kubelet({ api, clock, nodeName: 'node-1', driver, instance: 'test-instance', ...(opts.kubelet ?? {}) });
  const kubelet = make();
  return { clock, store, api, driver, kubelet, make };
}

export function boundPod(name: string, o: { annotations?: Record<string, string>; spec?: Partial<PodSpec>; node?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      nodeName: o.node ?? 'node-1',
      containers: [{ name: 'app', image: 'nginx:1.25' }],
      ...(o.spec ?? {}),
    },
  };
}

export async function settle(...parts: { whenIdle(): Promise<void>; isIdle(): boolean }[]): Promise<void> {
  for (let round = 0; round < 100; round++) {
    for (const p of parts) await p.whenIdle();
    await new Promise((r) => setImmediate(r));
    if (parts.every((p) => p.isIdle())) {
      await new Promise((r) => setImmediate(r));
      if (parts.every((p) => p.isIdle())) return;
    }
  }
}

export function eventsOf(api: Api, name: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => ({ reason: e.reason as string, type: e.type as string, message: e.message as string, count: e.count as number }));
}

/** Every config the driver is asked to create a container from, in order (the driver still creates them). */
export function recordContainerConfigs(driver: SimDriver): ContainerConfig[] {
  const configs: ContainerConfig[] = [];
  const create = driver.createContainer.bind(driver);
  driver.createContainer = async (sb, cfg) => {
    configs.push(cfg);
    return create(sb, cfg);
  };
  return configs;
}

/**
 * Kubelets a test starts and folders it makes, stopped and removed after each
 * test. Call once, at a file's top level or in a describe block.
 */
export function kubeletsStoppedAfterEach(): { dirs: string[]; start(kubelet: Kubelet): Promise<void> } {
  let running: Kubelet[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const k of running) await k.stop();
    running = [];
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    dirs,
    /** Starts `kubelet`, to be stopped after the test, and waits until it is idle. */
    async start(kubelet) {
      await kubelet.start();
      running.push(kubelet);
      await settle(kubelet);
    },
  };
}
