// Port-forward, as `kubectl port-forward` and k9s' shift-f do it: a TCP
// listener on the host (127.0.0.1:LOCAL, 0 = any free port) whose connections
// go to one pod's IP and port. A Service is resolved once to one ready pod
// and its Service port to that pod's target port (as kubectl does). The
// forward lives as long as the pod: when the pod is deleted it closes and
// `done` resolves with the reason.
import net from 'node:net';
import type { Api } from '../api/api.js';
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { findServicePort } from './backends.js';
import { DestinationPolicy } from './locality.js';

export interface ForwardOptions {
  api: Api;
  namespace?: string;
  /** Forward to this pod … */
  pod?: string;
  /** … or to one ready pod of this Service. */
  service?: string;
  /** Pod port (number or container port name); for a Service, its port number or name. */
  remotePort: number | string;
  /** 0 or undefined: any free port. */
  localPort?: number;
  /** Listen address (default 127.0.0.1). */
  address?: string;
  destinations?: DestinationPolicy;
}

export interface PortForward {
  namespace: string;
  pod: string;
  /** The pod port connections go to. */
  remotePort: number;
  address: string;
  localPort: number;
  /** Connections open now. */
  readonly active: number;
  stop(): Promise<void>;
  /** Resolves with why the forward ended (`stopped`, `pod default/web-abc is gone`). */
  done: Promise<string>;
}

const bad = (msg: string) => new StatusError(400, 'BadRequest', msg);

function containerPort(pod: KubeObject, name: string): number | undefined {
  for (const c of (pod.spec?.containers ?? []) as { ports?: { name?: string; containerPort: number }[] }[]) {
    for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  }
  return undefined;
}

function resolveTarget(opts: ForwardOptions): { pod: KubeObject; port: number } {
  const { api } = opts;
  const ns = opts.namespace ?? 'default';
  let podName = opts.pod;
  let remote: number | string = opts.remotePort;
  if (!podName) {
    if (!opts.service) throw bad('port-forward needs a pod or a service');
    const svc = api.get('Service', ns, opts.service);
    if (!svc) throw new StatusError(404, 'NotFound', `services "${opts.service}" not found`, { name: opts.service, kind: 'services' });
    const sp = findServicePort(svc, typeof remote === 'number' ? { number: remote } : /^\d+$/.test(remote) ? { number: Number(remote) } : { name: remote });
    if (!sp) throw bad(`Service ${opts.service} does not have a service port ${remote}`);
    const ep = api.get('Endpoints', ns, opts.service);
    const pods = (ep?.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name).filter((n): n is string => !!n).sort();
    if (!pods.length) throw bad(`no ready pods behind service ${ns}/${opts.service}`);
    podName = pods[0];
    remote = sp.targetPort ?? sp.port;
  }
  const pod = api.get('Pod', ns, podName);
  if (!pod) throw new StatusError(404, 'NotFound', `pods "${podName}" not found`, { name: podName, kind: 'pods' });
  if (pod.status?.phase !== 'Running') throw bad(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);
  if (!pod.status?.podIP) throw bad(`pod ${ns}/${podName} has no IP address yet`);
  let port: number | undefined;
  if (typeof remote === 'number') port = remote;
  else if (/^\d+$/.test(remote)) port = Number(remote);
  else port = containerPort(pod, remote);
  if (port === undefined) throw bad(`Pod '${podName}' does not have a named port '${remote}'`);
  return { pod, port };
}

export async function forward(opts: ForwardOptions): Promise<PortForward> {
  const { api } = opts;
  const ns = opts.namespace ?? 'default';
  const address = opts.address ?? '127.0.0.1';
  const destinations = opts.destinations ?? new DestinationPolicy();
  if (!destinations.local.has(address)) throw bad(`${address} is not an address of this machine`);
  const { pod, port } = resolveTarget(opts);
  const podName = pod.metadata.name!;
  const podIP = pod.status.podIP as string;
  if (!destinations.allows(podIP)) throw bad(`pod ${ns}/${podName} has IP ${podIP}, which is not on this machine; kubeterm never forwards off the host`);
  const uid = pod.metadata.uid;
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  let finish: (reason: string) => void = () => undefined;
  const done = new Promise<string>((r) => (finish = r));
  const server = net.createServer((client) => {
    sockets.add(client);
    clients.add(client);
    client.on('close', () => {
      sockets.delete(client);
      clients.delete(client);
    });
    client.on('error', () => client.destroy());
    const up = net.connect({ host: podIP, port });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.pipe(up);
    up.pipe(client);
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: opts.localPort ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let ended = false;
  const end = async (reason: string) => {
    if (ended) return;
    ended = true;
    watch.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    finish(reason);
  };
  const gone = `pod ${ns}/${podName} is gone`;
  const watch = api.watch('Pod', { namespace: ns }, (ev) => {
    if (ev.object.metadata.name !== podName) return;
    if (ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp || ev.object.metadata.uid !== uid) void end(gone);
  });
  // Deleted between resolving and watching.
  if (api.get('Pod', ns, podName)?.metadata.uid !== uid) void end(gone);
  return {
    namespace: ns,
    pod: podName,
    remotePort: port,
    address,
    localPort: (server.address() as net.AddressInfo).port,
    get active() {
      return clients.size;
    },
    stop: () => end('stopped'),
    done,
  };
}
