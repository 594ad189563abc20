// ContainerProber `resume`: a container re-adopted after a kubelet restart that
// was ready stays ready (and counts as started) until a probe says otherwise.
import { describe, expect, it } from 'vitest';
import { ContainerProber } from '../../src/kubelet/probes/index.js';
import { FakeClock } from '../../src/util/clock.js';

describe('ContainerProber resume', () => {
  const container = {
    startupProbe: { exec: { command: ['x'] }, periodSeconds: 1 },
    readinessProbe: { exec: { command: ['x'] }, periodSeconds: 10 },
  };

  it('starts ready and started, then follows the probe', async () => {
    const clock = new FakeClock();
    let result: 'success' | 'failure' = 'failure';
    const changes: boolean[] = [];
    const p = new ContainerProber({
      clock,
      container,
      resume: true,
      prober: async () => ({ result, output: '' }),
      onReady: (r) => changes.push(r),
      onRestart: () => undefined,
    });
    p.start();
    expect([p.started, p.ready]).toEqual([true, true]);
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await new Promise((r) => setImmediate(r));
    }
    expect(p.ready).toBe(false); // three failures (failureThreshold 3) flip it
    expect(changes).toEqual([false]);
    result = 'success';
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    expect(changes).toEqual([false, true]);
    p.stop();
  });

  it('without resume, a fresh container is neither started nor ready before its probes', () => {
    const p = new ContainerProber({ clock: new FakeClock(), container, prober: async () => ({ result: 'success', output: '' }), onReady: () => undefined, onRestart: () => undefined });
    p.start();
    expect([p.started, p.ready]).toEqual([false, false]);
    p.stop();
  });
});
