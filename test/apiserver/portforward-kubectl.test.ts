// The real kubectl 1.32 `port-forward` against kubeterm's API server, with a
// loopback HTTP server standing in for the pod (the dial hook connects to
// it): the default path (SPDY tunnelled in a WebSocket, no fallback), the
// SPDY upgrade kubectl falls back to (KUBECTL_PORT_FORWARD_WEBSOCKETS=false),
// `svc/NAME` translated to the pod's target port, and a refused pod port
// reported as kubectl reports a kubelet's error.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { get } from '../client/port-forward-helpers.js';
import { loopbackDial } from '../helpers/loopback.js';
import { kubectlAvailable, startTestServer, type TestServer } from './harness.js';
import { kubectlPortForward } from './portforward-kubectl.js';

const HAVE_KUBECTL = kubectlAvailable();

function post(url: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!HAVE_KUBECTL)('kubectl port-forward against the API server', { timeout: 60_000 }, () => {
  let s: TestServer;
  let pod: http.Server;
  let podPort: number;
  const dialed: number[] = [];

  const dial = loopbackDial(dialed);

  beforeAll(async () => {
    pod = http.createServer((req, res) => {
      if (req.url === '/big') return res.end(Buffer.alloc(5 * 1024 * 1024, 'k'));
      let received = 0;
      req.on('data', (d: Buffer) => (received += d.length));
      req.on('end', () => res.end(req.method === 'POST' ? `pod got ${received} bytes` : `pod says ${req.url}`));
    });
    await new Promise<void>((r) => pod.listen(0, '127.0.0.1', () => r()));
    podPort = (pod.address() as net.AddressInfo).port;
    s = await startTestServer({ portForward: dial });
    await s.api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: podPort }] }] },
    } as KubeObject);
    await s.api.modify('Pod', 'default', 'web', (o) => void (o.status = { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] }), { status: true });
    await s.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 'http' }] } } as KubeObject);
  });

  afterAll(async () => {
    await s?.close();
    pod?.closeAllConnections();
    await new Promise<void>((r) => (pod ? pod.close(() => r()) : r()));
  });

  it('pod/NAME :PORT over the WebSocket tunnel: each local connection reaches the pod', async () => {
    const fwd = await kubectlPortForward({ kubeconfig: s.kubeconfig, home: s.dir, args: ['pod/web', `:${podPort}`, '-v=4'] });
    try {
      expect(fwd.remotePort).toBe(podPort);
      for (const p of ['/a', '/b', '/c']) expect(await get(`http://127.0.0.1:${fwd.localPort}${p}`)).toBe(`pod says ${p}`);
      expect(fwd.stdout()).toMatch(/^Handling connection for \d+$/m);
      // Megabytes both ways (spdystream has no flow control; the server must not need any either).
      expect(await get(`http://127.0.0.1:${fwd.localPort}/big`)).toBe('k'.repeat(5 * 1024 * 1024));
      expect(await post(`http://127.0.0.1:${fwd.localPort}/up`, Buffer.alloc(3 * 1024 * 1024, 'u'))).toBe(`pod got ${3 * 1024 * 1024} bytes`);
      // The WebSocket leg was taken: kubectl did not fall back to a plain SPDY upgrade.
      expect(fwd.stderr()).not.toMatch(/fallback to secondary dialer/);
    } finally {
      await fwd.stop();
    }
  });

  it('the SPDY upgrade kubectl falls back to works the same', async () => {
    const fwd = await kubectlPortForward({ kubeconfig: s.kubeconfig, home: s.dir, args: ['pod/web', `:${podPort}`], env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } });
    try {
      expect(await get(`http://127.0.0.1:${fwd.localPort}/spdy`)).toBe('pod says /spdy');
    } finally {
      await fwd.stop();
    }
  });

  it('svc/NAME PORT goes to a pod of the Service, on its target port', async () => {
    const before = dialed.length;
    const fwd = await kubectlPortForward({ kubeconfig: s.kubeconfig, home: s.dir, args: ['svc/web', ':8080'] });
    try {
      // kubectl resolves the Service port to the pod's (named) target port before it prints.
      expect(fwd.remotePort).toBe(podPort);
      expect(await get(`http://127.0.0.1:${fwd.localPort}/svc`)).toBe('pod says /svc');
      expect(dialed.slice(before)).toEqual([podPort]);
    } finally {
      await fwd.stop();
    }
  });

  it("a refused pod port is the kubelet's error, as kubectl prints it", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const fwd = await kubectlPortForward({ kubeconfig: s.kubeconfig, home: s.dir, args: ['pod/web', `:${deadPort}`] });
    try {
      await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toThrow();
      const printed = new RegExp(`an error occurred forwarding \\d+ -> ${deadPort}: error forwarding port ${deadPort} to pod web, uid [0-9a-f-]+: .*ECONNREFUSED`);
      for (let i = 0; i < 100 && !printed.test(fwd.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(fwd.stderr()).toMatch(printed);
    } finally {
      await fwd.stop();
    }
  });
});
