// src/client/kube-port-forward.ts (KubeClient.portForward, @kubernetes/client-node's
// PortForward over v4.channel.k8s.io) against kubeterm's own API server, with
// no stand-in: its pods/portforward dials the pod's IP through the hook, here
// loopback "pods" on 127.0.0.4x. Covers bytes both ways over several
// connections, a Service resolved to its pod, a refused pod port (that
// connection closes, the forward stays) and the forward ending when the pod goes.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodDialFn } from '../../src/apiserver/index.js';
import { KubeClient } from '../../src/client/kube.js';
import { expectListening, get, servingPod, type PodServer } from '../client/port-forward-helpers.js';
import { startTestServer, type TestServer } from './harness.js';
import { until } from '../helpers/wait.js';

let s: TestServer;
let client: KubeClient;
const servers: PodServer[] = [];

const dial: PodDialFn = (ns, pod, port) =>
  new Promise((resolve, reject) => {
    const ip = s.api.get('Pod', ns, pod)?.status?.podIP as string;
    const c = net.connect({ host: ip, port });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

beforeAll(async () => {
  s = await startTestServer({ portForward: dial });
  client = await KubeClient.fromKubeconfig(s.kubeconfig);
});

afterAll(async () => {
  await client?.close();
  await s?.close();
  for (const p of servers) await p.close();
});

const pod = (name: string, ip: string, body: string, labels?: Record<string, string>) => servingPod(s.api, servers, name, ip, body, labels);

describe('KubeClient.portForward through kubeterm’s pods/portforward', () => {
  it('reaches the pod over the real subresource, connection after connection, and ends when the pod is deleted', async () => {
    const srv = await pod('cn-1', '127.0.0.41', 'hello from cn-1');
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'cn-1', remotePort: 'http' });
    expect(fwd.remotePort).toBe(srv.port);
    for (let i = 0; i < 3; i++) expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('hello from cn-1');
    await s.api.delete('Pod', 'default', 'cn-1', { gracePeriodSeconds: 0 });
    expect(await fwd.done).toEqual({ reason: 'pod gone', message: 'pod default/cn-1 is gone' });
  });

  it('a Service goes to its pod on the target port', async () => {
    await pod('cn-2', '127.0.0.42', 'from the service', { app: 'cn' });
    await s.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cn', namespace: 'default' }, spec: { selector: { app: 'cn' }, ports: [{ port: 80, targetPort: 'http' }] } });
    const fwd = await client.portForward({ namespace: 'default', kind: 'Service', name: 'cn', remotePort: 80 });
    expect(fwd.pod).toBe('cn-2');
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('from the service');
    await fwd.stop();
  });

  it('a refused pod port closes that connection only; the forward keeps listening', async () => {
    await pod('cn-3', '127.0.0.43', 'x');
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'cn-3', remotePort: 1 });
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toThrow();
    await until('the failed connection to close', () => fwd.active === 0);
    await expectListening(fwd.localPort);
    await fwd.stop();
  });
});
