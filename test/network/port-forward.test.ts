import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/api.js';
import { forward } from '../../src/network/port-forward.js';
import { endpoints, get, makeApi, service, startBackend } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function runningPod(api: Api, name: string, ip: string, port: number): Promise<void> {
  await api.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'busybox', ports: [{ name: 'http', containerPort: port }] }] },
  });
  await api.modify('Pod', 'default', name, (p) => {
    p.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] };
  }, { status: true });
}

describe('port-forward', () => {
  it('forwards a local port to a pod (by named port) and ends when the pod is deleted', async () => {
    const { api } = makeApi();
    const b = await startBackend('pod-web', '127.0.0.10');
    cleanups.push(() => b.close());
    await runningPod(api, 'web-abc', '127.0.0.10', b.port);
    const fwd = await forward({ api, namespace: 'default', pod: 'web-abc', remotePort: 'http', localPort: 0 });
    cleanups.push(() => fwd.stop());
    expect(fwd.remotePort).toBe(b.port);
    expect(fwd.address).toBe('127.0.0.1');
    expect((await get(`http://127.0.0.1:${fwd.localPort}/`)).body).toBe('pod-web');
    // An open connection is cut when the pod goes, and the forward reports why.
    const open = net.connect(fwd.localPort, '127.0.0.1');
    const closed = new Promise<void>((r) => open.on('close', () => r()));
    await new Promise<void>((r) => open.on('connect', () => r()));
    await api.delete('Pod', 'default', 'web-abc', { gracePeriodSeconds: 0 });
    expect(await fwd.done).toBe('pod default/web-abc is gone');
    await closed;
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('resolves a Service to a ready pod and its target port, and refuses what it cannot forward', async () => {
    const { api } = makeApi();
    const b = await startBackend('via-svc', '127.0.0.11');
    cleanups.push(() => b.close());
    await runningPod(api, 'web-1', '127.0.0.11', b.port);
    await api.create(service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    await api.create(endpoints('web', [{ ip: '127.0.0.11', port: b.port, pod: 'web-1' }], 'http'));
    const fwd = await forward({ api, service: 'web', remotePort: 80 });
    cleanups.push(() => fwd.stop());
    expect(fwd.pod).toBe('web-1');
    expect((await get(`http://127.0.0.1:${fwd.localPort}/`)).body).toBe('via-svc');
    await fwd.stop();
    expect(await fwd.done).toBe('stopped');
    await expect(forward({ api, pod: 'missing', remotePort: 80 })).rejects.toThrow('pods "missing" not found');
    await expect(forward({ api, pod: 'web-1', remotePort: 'nope' })).rejects.toThrow("Pod 'web-1' does not have a named port 'nope'");
    await runningPod(api, 'remote', '192.0.2.7', 80);
    await expect(forward({ api, pod: 'remote', remotePort: 80 })).rejects.toThrow(/not on this machine/);
  });
});
