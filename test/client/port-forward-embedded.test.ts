// ClusterClient.portForward over the embedded engine (Engine.portForward →
// src/network's forwarder), and the PortForwards registry the UI owns: bytes
// reach the pod, a Service resolves to its ready pod, the forward ends with
// "pod gone" when its pod is deleted and is listed so, stop closes the port.
import { describe, expect, it } from 'vitest';
import type { EmbeddedClient } from '../../src/client/embedded.js';
import { forwardUrl, PortForwards } from '../../src/client/port-forwards.js';
import type { Engine } from '../../src/engine.js';
import type { FakeClock } from '../../src/util/clock.js';
import { get, podServer, runningPod, type PodServer } from './port-forward-helpers.js';
import { untilSettled } from '../helpers/wait.js';
import { useEmbeddedEngine } from '../helpers/embedded-engine.js';

let engine: Engine;
let client: EmbeddedClient;
let clock: FakeClock;
const servers: PodServer[] = [];

useEmbeddedEngine(
  (e) => ({ engine, client, clock } = e),
  async () => {
    for (const s of servers.splice(0)) await s.close();
  },
);

describe('EmbeddedClient.portForward', () => {
  it('forwards 127.0.0.1:<free port> to the pod (named port) and ends with "pod gone" when the pod is deleted', async () => {
    const s = await podServer('hello from web-1', '127.0.0.21');
    servers.push(s);
    await runningPod(engine.api, 'web-1', '127.0.0.21', s.port);
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'web-1', remotePort: 'http', container: 'web' });
    expect(fwd).toMatchObject({ namespace: 'default', kind: 'Pod', name: 'web-1', pod: 'web-1', container: 'web', remotePort: s.port, address: '127.0.0.1' });
    expect(fwd.localPort).toBeGreaterThan(0);
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('hello from web-1');
    await engine.api.delete('Pod', 'default', 'web-1', { gracePeriodSeconds: 0 });
    expect(await fwd.done).toEqual({ reason: 'pod gone', message: 'pod default/web-1 is gone' });
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a Service forwards to its ready pod, the service port translated to the target port', async () => {
    const s = await podServer('via service', '127.0.0.22');
    servers.push(s);
    await runningPod(engine.api, 'web-2', '127.0.0.22', s.port);
    await engine.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    // The endpoints controller fills the Endpoints from the ready pod.
    await untilSettled('endpoints of service web', () => {
      clock.advance(1000);
      return !!(engine.api.get('Endpoints', 'default', 'web')?.subsets as unknown[] | undefined)?.length;
    });
    const fwd = await client.portForward({ namespace: 'default', kind: 'Service', name: 'web', remotePort: 80 });
    expect(fwd).toMatchObject({ kind: 'Service', name: 'web', pod: 'web-2', remotePort: s.port });
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('via service');
    await fwd.stop();
    expect(await fwd.done).toEqual({ reason: 'stopped', message: 'stopped' });
  });

  it('refuses what kubectl refuses, with its messages', async () => {
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'missing', remotePort: 80 })).rejects.toThrow('pods "missing" not found');
    await engine.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { nodeName: 'no-kubelet', containers: [{ name: 'c', image: 'x' }] } });
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'pending', remotePort: 80 })).rejects.toThrow(
      'unable to forward port because pod is not running. Current status=Pending',
    );
    // Off-host pod addresses are never dialled.
    await runningPod(engine.api, 'far', '192.0.2.7', 80);
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'far', remotePort: 80 })).rejects.toThrow('not on this machine');
  });

  it('closing the client stops its forwards', async () => {
    const s = await podServer('x', '127.0.0.23');
    servers.push(s);
    await runningPod(engine.api, 'web-3', '127.0.0.23', s.port);
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'web-3', remotePort: s.port });
    await client.close();
    expect((await fwd.done).reason).toBe('stopped');
  });
});

describe('PortForwards registry', () => {
  it('lists active forwards, keeps one whose pod is gone as PodGone, and stop() removes and closes', async () => {
    const a = await podServer('A', '127.0.0.24');
    const b = await podServer('B', '127.0.0.25');
    servers.push(a, b);
    await runningPod(engine.api, 'a', '127.0.0.24', a.port, { app: 'a' });
    await runningPod(engine.api, 'b', '127.0.0.25', b.port, { app: 'b' });
    const reg = new PortForwards({ client, clock });
    const events: string[] = [];
    reg.subscribe((ev) => events.push(`${ev.type} ${ev.entry.pod} ${ev.entry.status}`));
    const ea = await reg.start({ namespace: 'default', kind: 'Pod', name: 'a', remotePort: a.port, container: 'web' });
    const eb = await reg.start({ namespace: 'default', kind: 'Pod', name: 'b', remotePort: 'http' });
    expect(ea).toMatchObject({ pod: 'a', container: 'web', status: 'Active', url: `http://127.0.0.1:${ea.localPort}/`, startedAt: clock.now() });
    expect(reg.list().map((e) => e.pod)).toEqual(['a', 'b']);
    await expect(reg.start({ namespace: 'default', kind: 'Pod', name: 'a', remotePort: a.port })).rejects.toThrow('A PortForward already exist for pod default/a');
    expect(await get(ea.url)).toBe('A');
    expect(await get(eb.url)).toBe('B');

    await engine.api.delete('Pod', 'default', 'a', { gracePeriodSeconds: 0 });
    await untilSettled('forward a to report its pod gone', () => reg.get(ea.id)?.status === 'PodGone');
    expect(reg.get(ea.id)).toMatchObject({ status: 'PodGone', message: 'pod default/a is gone' });
    await expect(get(ea.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await reg.stop(eb.id);
    expect(reg.get(eb.id)).toBeUndefined();
    await expect(get(eb.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await reg.stop(ea.id);
    expect(reg.list()).toEqual([]);
    expect(events).toEqual(['started a Active', 'started b Active', 'ended a PodGone', 'removed b Active', 'removed a PodGone']);
    await reg.close();
  });

  it('close() stops every forward', async () => {
    const a = await podServer('A', '127.0.0.26');
    servers.push(a);
    await runningPod(engine.api, 'c', '127.0.0.26', a.port);
    const reg = new PortForwards({ client, clock });
    const e = await reg.start({ namespace: 'default', kind: 'Pod', name: 'c', remotePort: a.port });
    await reg.close();
    await expect(get(e.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(reg.start({ namespace: 'default', kind: 'Pod', name: 'c', remotePort: a.port })).rejects.toThrow('port-forwards are closed');
  });

  it('forwardUrl brackets IPv6 and names the any-address localhost', () => {
    expect(forwardUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080/');
    expect(forwardUrl('::1', 8080)).toBe('http://[::1]:8080/');
    expect(forwardUrl('0.0.0.0', 80)).toBe('http://localhost:80/');
  });
});
