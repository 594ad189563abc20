// Evented PLEG (KEP-3386): with a driver whose events cannot be lost (the
// simulated runtime), the kubelet learns of a container exit from the event
// alone and relists only as a slow safety net, which still catches a change
// no event told of. A driver without reliable events keeps the 1 s relist.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/api/api.js';
import type { Pod } from '../../src/api/types/pod.js';
import type { Kubelet } from '../../src/kubelet/kubelet.js';
import { SimDriver } from '../../src/kubelet/runtime/sim/sim-driver.js';
import { boundPod, kubeletEnv, settle } from './helpers.js';

let running: Kubelet[] = [];
afterEach(async () => {
  for (const k of running) await k.stop();
  running = [];
});

function getPod(api: Api, name: string): Pod {
  return api.get('Pod', 'default', name)!;
}

/** A started kubelet with one running pod, and a count of the driver's listContainers calls made after that. */
async function withRunningPod(env: ReturnType<typeof kubeletEnv>, name: string, annotations?: Record<string, string>) {
  await env.kubelet.start();
  running.push(env.kubelet);
  await env.api.create(boundPod(name, { annotations, spec: { restartPolicy: 'Never' } }));
  await settle(env.kubelet);
  expect(getPod(env.api, name).status?.phase).toBe('Running');
  const lists = vi.spyOn(env.driver, 'listContainers');
  const [c] = await env.driver.listContainers('test-instance');
  lists.mockClear();
  return { lists, id: c.id };
}

const terminated = (api: Api, name: string) => getPod(api, name).status?.containerStatuses?.[0].state?.terminated;

describe('Kubelet with a driver whose events are reliable (evented PLEG)', () => {
  it('notices a container exit from the runtime event, with no relist', async () => {
    const env = kubeletEnv({ sim: { exitDelayMs: 1500 } });
    const { lists } = await withRunningPod(env, 'job-a', { 'sim.kubeterm.io/fail': '3' });
    env.clock.advance(1500);
    await settle(env.kubelet);
    expect(getPod(env.api, 'job-a').status?.phase).toBe('Failed');
    expect(terminated(env.api, 'job-a')).toMatchObject({ exitCode: 3, reason: 'Error' });
    // The exit came from the event: the runtime was not listed at all.
    expect(lists).not.toHaveBeenCalled();
  });

  it('does not relist every second, yet the long relist catches an exit no event told of', async () => {
    const env = kubeletEnv({ kubelet: { eventedRelistIntervalMs: 30_000 } });
    const { lists, id } = await withRunningPod(env, 'web-b');
    env.driver.exitSilently(id, 0);
    for (let s = 0; s < 29; s++) {
      env.clock.advance(1000);
      await settle(env.kubelet);
    }
    // 29 s later: no relist yet, so the kubelet still believes the container runs.
    expect(lists).not.toHaveBeenCalled();
    expect(getPod(env.api, 'web-b').status?.phase).toBe('Running');
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(lists).toHaveBeenCalledTimes(1);
    expect(getPod(env.api, 'web-b').status?.phase).toBe('Succeeded');
    expect(terminated(env.api, 'web-b')).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('relists every 300 s by default', async () => {
    const env = kubeletEnv();
    const { lists, id } = await withRunningPod(env, 'web-c');
    env.driver.exitSilently(id, 137);
    env.clock.advance(299_000);
    await settle(env.kubelet);
    expect(lists).not.toHaveBeenCalled();
    expect(getPod(env.api, 'web-c').status?.phase).toBe('Running');
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(lists).toHaveBeenCalledTimes(1);
    expect(getPod(env.api, 'web-c').status?.phase).toBe('Failed');
    expect(terminated(env.api, 'web-c')).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('a relist that finds nothing changed syncs no pod (no status write)', async () => {
    const env = kubeletEnv({ kubelet: { eventedRelistIntervalMs: 10_000 } });
    await withRunningPod(env, 'web-d');
    const rv = getPod(env.api, 'web-d').metadata.resourceVersion;
    const status = vi.spyOn(env.driver, 'containerStatus');
    env.clock.advance(10_000);
    await settle(env.kubelet);
    expect(status).not.toHaveBeenCalled();
    expect(getPod(env.api, 'web-d').metadata.resourceVersion).toBe(rv);
  });
});

/** The simulated runtime, but claiming its events may be lost (as Docker's can). */
class LossySimDriver extends SimDriver {
  override readonly reliableEvents = false;
}

describe('Kubelet with a driver whose events may be lost', () => {
  it('keeps the 1 s relist, which catches an exit no event told of', async () => {
    const env = kubeletEnv({ driverClass: LossySimDriver });
    const { lists, id } = await withRunningPod(env, 'web-e');
    env.driver.exitSilently(id, 0);
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(lists).toHaveBeenCalledTimes(1);
    expect(getPod(env.api, 'web-e').status?.phase).toBe('Succeeded');
  });
});
