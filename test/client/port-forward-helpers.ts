// Shared by the port-forward client tests: a loopback HTTP "pod" that names
// itself, a Running pod object pointing at it (no kubelet owns its node, so
// nothing rewrites the status), and a one-shot GET.
import http from 'node:http';
import net from 'node:net';
import type { Api } from '../../src/api/api.js';

export interface PodServer {
  port: number;
  close(): Promise<void>;
}

export async function podServer(body: string, host: string): Promise<PodServer> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A pod bound to a node no kubelet runs, marked Running with `ip`; its one container declares `port` as `http`. */
export async function runningPod(api: Api, name: string, ip: string, port: number, labels: Record<string, string> = { app: 'web' }): Promise<void> {
  await api.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'no-kubelet', containers: [{ name: 'web', image: 'kubeterm/httpd:latest', ports: [{ name: 'http', containerPort: port }] }] },
  });
  await api.modify(
    'Pod',
    'default',
    name,
    (p) => {
      p.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] };
    },
    { status: true },
  );
}

/** GET on a fresh connection: the body, or the socket error (ECONNREFUSED once a forward is closed). */
export function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

/** A podServer on `ip` answering `body`, added to `servers` (for the file to close), and its Running pod `name`. */
export async function servingPod(api: Api, servers: PodServer[], name: string, ip: string, body: string, labels?: Record<string, string>): Promise<PodServer> {
  const srv = await podServer(body, ip);
  servers.push(srv);
  await runningPod(api, name, ip, srv.port, labels);
  return srv;
}

/** Resolves once a TCP connection to 127.0.0.1:`port` opens, then closes it: the forward's listener is still up. */
export async function expectListening(port: number): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  sock.destroy();
}
