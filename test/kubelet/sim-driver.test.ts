import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { SimDriver } from '../../src/kubelet/runtime/sim/sim-driver.js';
import type { ContainerConfig, LogChunk } from '../../src/kubelet/runtime/types.js';
import { FakeClock } from '../../src/util/clock.js';

function podObj(uid: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${uid}`, namespace: 'default', uid, annotations },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  };
}

function cfg(uid: string, attempt = 0): ContainerConfig {
  return { podUid: uid, podName: `p-${uid}`, podNamespace: 'default', name: 'app', attempt, image: 'nginx:1.25', env: [], mounts: [], spec: {} };
}

describe('SimDriver', () => {
  it('allocates pod IPs from 10.244.N.0/24 and reuses freed ones', async () => {
    const clock = new FakeClock();
    const d = new SimDriver({ clock, podCidrIndex: 7 });
    const a = await d.runSandbox({ pod: podObj('a'), instance: 'i' });
    const b = await d.runSandbox({ pod: podObj('b'), instance: 'i' });
    expect(a.ip).toBe('10.244.7.2');
    expect(b.ip).toBe('10.244.7.3');
    expect((await d.runSandbox({ pod: podObj('a'), instance: 'i' })).ip).toBe(a.ip);
    await d.removeSandbox('a');
    expect(await d.listSandboxes('i')).toHaveLength(1);
    expect(await d.listSandboxes('other')).toHaveLength(0);
  });

  it('starts after startDelayMs on the injected clock and reports readiness', async () => {
    const clock = new FakeClock();
    const d = new SimDriver({ clock, startDelayMs: 500 });
    const sb = await d.runSandbox({ pod: podObj('a', { 'sim.kubeterm.io/never-ready': 'true' }), instance: 'i' });
    const id = await d.createContainer(sb, cfg('a'));
    await d.startContainer(id);
    expect((await d.containerStatus(id))?.state).toBe('created');
    clock.advance(500);
    expect((await d.containerStatus(id))?.state).toBe('running');
    expect(await d.ready(id)).toBe(false);
    expect(await d.stats(id)).toEqual(await d.stats(id));
    expect((await d.stats(id))!.cpu).toBeLessThan(0.02);
  });

  it('fail / run-seconds annotations end the container with the right code and notify listeners', async () => {
    const clock = new FakeClock();
    const d = new SimDriver({ clock, exitDelayMs: 1000 });
    const seen: string[] = [];
    d.onContainerEvent((e) => seen.push(`${e.podUid}:${e.state}`));
    const sa = await d.runSandbox({ pod: podObj('a', { 'sim.kubeterm.io/fail': '42' }), instance: 'i' });
    const sb = await d.runSandbox({ pod: podObj('b', { 'sim.kubeterm.io/run-seconds': '3' }), instance: 'i' });
    const ia = await d.createContainer(sa, cfg('a'));
    const ib = await d.createContainer(sb, cfg('b'));
    await d.startContainer(ia);
    await d.startContainer(ib);
    clock.advance(1000);
    expect(await d.containerStatus(ia)).toMatchObject({ state: 'exited', exitCode: 42, reason: 'Error' });
    expect((await d.containerStatus(ib))?.state).toBe('running');
    clock.advance(2000);
    expect(await d.containerStatus(ib)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    expect(seen).toEqual(['a:running', 'b:running', 'a:exited', 'b:exited']);
  });

  it('logs: tail, follow until exit, and abort', async () => {
    const clock = new FakeClock();
    const d = new SimDriver({ clock, exitDelayMs: 1000 });
    const sb = await d.runSandbox({ pod: podObj('a', { 'sim.kubeterm.io/crash-loop': 'true' }), instance: 'i' });
    const id = await d.createContainer(sb, cfg('a'));
    await d.startContainer(id);
    const tail: LogChunk[] = [];
    await d.logs(id, { tailLines: 1 }, (c) => tail.push(c));
    expect(tail.map((c) => c.line)).toEqual(['app is up']);
    expect(tail[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const followed: string[] = [];
    const done = d.logs(id, { follow: true, tailLines: 0 }, (c) => followed.push(c.line));
    clock.advance(1000);
    await done;
    expect(followed).toEqual(['exiting with code 1']);

    const id2 = await d.createContainer(sb, cfg('a', 1));
    await d.startContainer(id2);
    const ac = new AbortController();
    const p = d.logs(id2, { follow: true }, () => undefined, ac.signal);
    ac.abort();
    await expect(p).resolves.toBeUndefined();
  });

  it('ping fails while the runtime is down; images appear once pulled', async () => {
    const clock = new FakeClock();
    const d = new SimDriver({ clock, images: ['busybox:1.36'] });
    expect(await d.imagePresent('busybox:1.36')).toBe(true);
    expect(await d.imagePresent('nginx:1.25')).toBe(false);
    await d.pullImage('nginx:1.25');
    expect(await d.imagePresent('nginx:1.25')).toBe(true);
    d.setDown('simulated outage');
    await expect(d.ping()).rejects.toThrow('simulated outage');
    d.setDown(undefined);
    await expect(d.ping()).resolves.toBeUndefined();
    expect(await d.nodeResources()).toMatchObject({ cpu: 4, memory: 8 * 2 ** 30, pods: 110 });
  });
});
