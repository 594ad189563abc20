// KubeClient.portForward, the remote half, against a stand-in that speaks the
// kubelet's WebSocket port-forward protocol (v4.channel.k8s.io: channel 0
// data, channel 1 errors, each opened by the 2-byte little-endian port) and
// relays to a loopback "pod": it pins the wire format a real cluster's
// kubelet speaks, independently of our own server. The same client against
// kubeterm's API server (which now serves pods/portforward) is proved in
// test/apiserver/portforward-client-node.test.ts. Everything else here is
// real: the kubeconfig, the API server answering get/list/watch for target
// resolution and pod-gone, client-node's PortForward framing, our listener.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { KubeClient } from '../../src/client/kube.js';
import type { WebSocketInterface } from '../../src/client/kube-port-forward.js';
import { startLiveCluster, waitFor, type LiveCluster } from './kube-harness.js';
import { expectListening, get, servingPod, type PodServer } from './port-forward-helpers.js';

/** The kubelet's side: `/api/v1/namespaces/NS/pods/NAME/portforward?ports=P` → dial the pod's registered address. */
class FakePortForwardServer {
  readonly pods = new Map<string, string>();
  readonly paths: string[] = [];
  private readonly http = http.createServer();
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  port = 0;

  async start(): Promise<void> {
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '', 'http://x');
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
      const host = m && this.pods.get(`${m[1]}/${m[2]}`);
      const port = Number(url.searchParams.get('ports'));
      if (!m || !host || !port) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.paths.push(`${url.pathname}?${url.searchParams}`);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.relay(ws, host, port));
    });
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', () => r()));
    this.port = (this.http.address() as net.AddressInfo).port;
  }

  private relay(ws: WebSocket, host: string, port: number): void {
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    const pod = net.connect(port, host);
    pod.on('data', (d) => ws.send(Buffer.concat([Buffer.from([0]), d])));
    pod.on('error', (e) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`an error occurred forwarding ${port} -> ${port}: ${e.message}`)]));
      ws.close();
    });
    pod.on('close', () => ws.close());
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) pod.write(data.subarray(1));
    });
    ws.on('close', () => pod.destroy());
  }

  /** client-node's connector, pointed at this server instead of the kubeconfig's (which serves no portforward). */
  connector(): WebSocketInterface {
    return {
      connect: (path, _text, binary) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${this.port}${path}`, ['v4.channel.k8s.io']);
          ws.binaryType = 'nodebuffer';
          ws.on('message', (data: Buffer) => {
            if (binary && !binary(data[0], data.subarray(1))) ws.close();
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    } as WebSocketInterface;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

let live: LiveCluster;
let kubelet: FakePortForwardServer;
let client: KubeClient;
const servers: PodServer[] = [];

beforeAll(async () => {
  live = await startLiveCluster();
  kubelet = new FakePortForwardServer();
  await kubelet.start();
  client = await KubeClient.fromKubeconfig(live.kubeconfig, undefined, { webSocket: kubelet.connector() });
}, 30_000);

afterAll(async () => {
  await client?.close();
  await kubelet?.stop();
  await live?.close();
  for (const s of servers) await s.close();
});

async function pod(name: string, ip: string, body: string, labels?: Record<string, string>): Promise<PodServer> {
  const s = await servingPod(live.engine.api, servers, name, ip, body, labels);
  kubelet.pods.set(`default/${name}`, ip);
  return s;
}

describe('KubeClient.portForward', () => {
  it('carries connections over the portforward subresource and ends with "pod gone" when the pod is deleted', async () => {
    const s = await pod('kweb-1', '127.0.0.31', 'hello over websocket');
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'kweb-1', remotePort: 'http', container: 'web' });
    expect(fwd).toMatchObject({ namespace: 'default', kind: 'Pod', pod: 'kweb-1', container: 'web', remotePort: s.port, address: '127.0.0.1' });
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('hello over websocket');
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('hello over websocket');
    expect(kubelet.paths).toContain(`/api/v1/namespaces/default/pods/kweb-1/portforward?ports=${s.port}`);
    await live.engine.api.delete('Pod', 'default', 'kweb-1', { gracePeriodSeconds: 0 });
    expect(await fwd.done).toEqual({ reason: 'pod gone', message: 'pod default/kweb-1 is gone' });
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 20_000);

  it('a Service picks its ready pod and translates the service port to the target port', async () => {
    await pod('kweb-2', '127.0.0.32', 'not ready', { app: 'kweb' });
    const s = await pod('kweb-3', '127.0.0.33', 'ready one', { app: 'kweb' });
    await live.engine.api.modify('Pod', 'default', 'kweb-2', (p) => {
      p.status = { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] };
    }, { status: true });
    await live.engine.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kweb', namespace: 'default' }, spec: { selector: { app: 'kweb' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
    const fwd = await client.portForward({ namespace: 'default', kind: 'Service', name: 'kweb', remotePort: 80 });
    expect(fwd).toMatchObject({ kind: 'Service', name: 'kweb', pod: 'kweb-3', remotePort: s.port });
    expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toBe('ready one');
    await fwd.stop();
    expect(await fwd.done).toEqual({ reason: 'stopped', message: 'stopped' });
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 20_000);

  it("refuses a missing pod, a pod that is not running and an unknown named port with kubectl's messages", async () => {
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'nope', remotePort: 80 })).rejects.toThrow('pods "nope" not found');
    await live.engine.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kpending', namespace: 'default' }, spec: { nodeName: 'no-kubelet', containers: [{ name: 'c', image: 'x' }] } });
    await waitFor(() => client.get('Pod', 'default', 'kpending'), 'pod kpending');
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'kpending', remotePort: 80 })).rejects.toThrow(
      'unable to forward port because pod is not running. Current status=Pending',
    );
    await pod('kweb-4', '127.0.0.34', 'x');
    await expect(client.portForward({ namespace: 'default', kind: 'Pod', name: 'kweb-4', remotePort: 'grpc' })).rejects.toThrow("Pod 'kweb-4' does not have a named port 'grpc'");
    await expect(client.portForward({ namespace: 'default', kind: 'Service', name: 'nosvc', remotePort: 80 })).rejects.toThrow('services "nosvc" not found');
  }, 20_000);

  it('an error the kubelet reports on channel 1 closes that connection; the forward stays up', async () => {
    await pod('kweb-5', '127.0.0.35', 'x');
    // Nothing listens on this pod port: the kubelet's dial fails and says so.
    const fwd = await client.portForward({ namespace: 'default', kind: 'Pod', name: 'kweb-5', remotePort: 1 });
    await expect(get(`http://127.0.0.1:${fwd.localPort}/`)).rejects.toThrow();
    await waitFor(() => fwd.active === 0, 'the failed connection to close');
    // Still listening.
    await expectListening(fwd.localPort);
    await fwd.stop();
  }, 20_000);
});
