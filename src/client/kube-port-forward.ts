// Port-forward against a Kubernetes API server, as `kubectl port-forward`
// does it: resolve the target to one running pod (a Service to its most ready
// pod, its port translated to the pod's target port), listen on the local
// address, and carry each accepted connection over its own WebSocket to the
// pod's `portforward` subresource (@kubernetes/client-node's PortForward:
// channel 0 data, channel 1 errors, each opened by the 2-byte port). A watch
// on the pod ends the forward when the pod is deleted or replaced.
import net from 'node:net';
import { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient, PortForwardEnd, PortForwardHandle, PortForwardRequest } from './types.js';

/** client-node's WebSocket connector (not exported by name): `connect(path, textHandler, binaryHandler)`. */
export type WebSocketInterface = NonNullable<ConstructorParameters<typeof PortForward>[2]>;

export interface KubePortForwardDeps {
  kubeConfig: KubeConfig;
  client: Pick<ClusterClient, 'get' | 'list' | 'watch'>;
  /** Tests inject a WebSocket connector; default: client-node's, from the kubeconfig. */
  webSocket?: WebSocketInterface;
}

const bad = (msg: string) => new StatusError(400, 'BadRequest', msg);

interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol?: string;
}

function containerPorts(pod: KubeObject): ContainerPortSpec[] {
  const cs = (pod.spec?.containers ?? []) as { ports?: ContainerPortSpec[] }[];
  return cs.flatMap((c) => c.ports ?? []);
}

const isNumber = (p: number | string): boolean => typeof p === 'number' || /^\d+$/.test(p);

/** kubectl's order for a Service's pods: ready before not ready, running before pending, then by name. */
function podRank(p: KubeObject): number {
  const st = p.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
  const ready = st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (p.metadata.deletionTimestamp) return 3;
  if (st?.phase === 'Running') return ready ? 0 : 1;
  return 2;
}

/** The pod and pod port a request reaches. */
export async function resolveForwardTarget(client: Pick<ClusterClient, 'get' | 'list'>, req: PortForwardRequest): Promise<{ pod: KubeObject; port: number }> {
  const ns = req.namespace || 'default';
  let pod: KubeObject | undefined;
  let remote: number | string = req.remotePort;
  if (req.kind === 'Service') {
    const svc = await client.get('Service', ns, req.name);
    if (!svc) throw new StatusError(404, 'NotFound', `services "${req.name}" not found`, { name: req.name, kind: 'services' });
    const ports = (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string }[];
    const sp = isNumber(remote) ? ports.find((p) => p.port === Number(remote)) : ports.find((p) => p.name === remote);
    if (!sp) throw bad(`Service ${req.name} does not have a service port ${remote}`);
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    if (!selector || !Object.keys(selector).length) throw bad(`service ${ns}/${req.name} has no selector, so no pod to forward to`);
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const { items } = await client.list('Pod', { namespace: ns, labelSelector });
    pod = [...items].sort((a, b) => podRank(a) - podRank(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
    if (!pod) throw bad(`no pods behind service ${ns}/${req.name}`);
    remote = sp.targetPort ?? sp.port;
  } else {
    pod = await client.get('Pod', ns, req.name);
    if (!pod) throw new StatusError(404, 'NotFound', `pods "${req.name}" not found`, { name: req.name, kind: 'pods' });
  }
  const phase = pod.status?.phase as string | undefined;
  if (phase !== 'Running') throw bad(`unable to forward port because pod is not running. Current status=${phase ?? 'Pending'}`);
  let port: number | undefined;
  if (isNumber(remote)) port = Number(remote);
  else port = containerPorts(pod).find((p) => p.name === remote)?.containerPort;
  if (port === undefined) throw bad(`Pod '${pod.metadata.name}' does not have a named port '${remote}'`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`invalid port ${port}: must be 1-65535`);
  return { pod, port };
}

export async function kubePortForward(deps: KubePortForwardDeps, req: PortForwardRequest): Promise<PortForwardHandle> {
  const { pod, port } = await resolveForwardTarget(deps.client, req);
  const ns = pod.metadata.namespace || req.namespace || 'default';
  const podName = pod.metadata.name ?? '';
  const uid = pod.metadata.uid;
  const address = req.address ?? '127.0.0.1';
  const tunnel = new PortForward(deps.kubeConfig, true, deps.webSocket);
  const clients = new Set<net.Socket>();
  const closers = new Set<() => void>();

  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.on('error', () => socket.destroy());
    let errors = '';
    // Channel 1 carries the kubelet's error text (e.g. connection refused inside the pod).
    const errStream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        errors += chunk.toString('utf8');
        cb();
      },
    });
    tunnel.portForward(ns, podName, [port], socket, errStream, socket).then(
      (ws) => {
        // Without retries, client-node hands back the socket itself.
        const w = ws as WebSocket;
        const close = () => w.close();
        closers.add(close);
        // The API server closes the stream when the pod's port refuses or the pod goes: close the client's connection too.
        w.on('close', () => {
          closers.delete(close);
          if (errors) socket.destroy(new Error(errors.trim()));
          else socket.end();
        });
        w.on('error', () => socket.destroy());
        socket.on('close', () => {
          closers.delete(close);
          if (w.readyState === w.OPEN || w.readyState === w.CONNECTING) w.close();
        });
      },
      () => socket.destroy(),
    );
    socket.on('close', () => clients.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: req.localPort ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let finish: (end: PortForwardEnd) => void = () => undefined;
  const done = new Promise<PortForwardEnd>((r) => (finish = r));
  let ended = false;
  const end = async (e: PortForwardEnd) => {
    if (ended) return;
    ended = true;
    watch.stop();
    for (const c of [...closers]) c();
    for (const s of clients) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    finish(e);
  };
  const gone: PortForwardEnd = { reason: 'pod gone', message: `pod ${ns}/${podName} is gone` };
  const watch = deps.client.watch(
    'Pod',
    { namespace: ns, fieldSelector: `metadata.name=${podName}` },
    (ev) => {
      if (ev.object.metadata.name !== podName) return;
      if (ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp || (uid && ev.object.metadata.uid !== uid)) void end(gone);
    },
    // A lost watch resumes by itself (the client re-lists); a pod deleted meanwhile shows as DELETED then.
    () => undefined,
  );

  return {
    namespace: ns,
    kind: req.kind,
    name: req.name,
    pod: podName,
    ...(req.container ? { container: req.container } : {}),
    remotePort: port,
    address,
    localPort: (server.address() as net.AddressInfo).port,
    get active() {
      return clients.size;
    },
    done,
    stop: () => end({ reason: 'stopped', message: 'stopped' }),
  };
}
