// A second delete with a shorter grace period while containers are stopping
// (`kubectl delete --grace-period=1`, `--force`): the kubelet stops them again
// with the shorter period instead of waiting out the first one.
import { describe, expect, it } from 'vitest';
import { SimDriver } from '../../src/kubelet/runtime/sim/sim-driver.js';
import type { FakeClock } from '../../src/util/clock.js';
import { boundPod, kubeletEnv, settle } from './helpers.js';

/** A container that takes its whole grace period to stop (it ignores SIGTERM), as `docker stop -t N` does with one. */
class StubbornSimDriver extends SimDriver {
  readonly stops: { id: string; grace: number }[] = [];
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly fake: FakeClock) {
    super({ clock: fake, startDelayMs: 0 });
  }
  override stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.stops.push({ id, grace: graceSeconds });
    return new Promise((resolve) => {
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]);
      this.fake.setTimeout(() => {
        void super.stopContainer(id, 0).then(() => {
          for (const done of this.waiting.get(id) ?? []) done();
          this.waiting.delete(id);
        });
      }, graceSeconds * 1000);
    });
  }
}

/** Lets watches and the worker run without waiting for it to be idle (it is not: a stop is pending). */
async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('a shortened grace period', () => {
  for (const [what, second] of [
    ['delete --grace-period=1', { gracePeriodSeconds: 1 }],
    ['delete --grace-period=0 --force', { gracePeriodSeconds: 0 }],
  ] as const) {
    it(`${what} during a 30 s graceful stop ends it within the shorter period`, async () => {
      const env = kubeletEnv();
      const driver = new StubbornSimDriver(env.clock);
      const { Kubelet } = await import('../../src/kubelet/kubelet.js');
      const kubelet = new Kubelet({ api: env.api, clock: env.clock, nodeName: 'node-1', driver, instance: 'test-instance' });
      await kubelet.start();
      await env.api.create(boundPod('slow', { spec: { terminationGracePeriodSeconds: 30 } }));
      await settle(kubelet);
      await env.api.delete('Pod', 'default', 'slow');
      await flush();
      expect(driver.stops.map((s) => s.grace)).toEqual([30]);
      env.clock.advance(5_000);
      await flush();
      expect(env.api.get('Pod', 'default', 'slow')).toBeDefined();

      await env.api.delete('Pod', 'default', 'slow', second).catch(() => undefined);
      await flush();
      // The second stop carries the shorter period (a force delete leaves the kubelet its 1 s minimum).
      expect(driver.stops.map((s) => s.grace)).toEqual([30, 1]);
      env.clock.advance(1_000);
      await settle(kubelet);
      await settle(kubelet);
      expect(env.api.get('Pod', 'default', 'slow')).toBeUndefined();
      expect(await driver.listContainers('test-instance')).toEqual([]);
      await kubelet.stop();
    });
  }
});
