// Over 400 lines on purpose: listeners, TCP and UDP relays and write-back of one proxy belong together.
// The service proxy, in kube-proxy's original "userspace" mode: for every
// Service port a listener — on the ClusterIP (when that address is on this
// machine, see interface.ts), on hostAddress:nodePort for NodePort and
// LoadBalancer Services, and on hostAddress:port for LoadBalancer ones — that
// forwards each TCP connection or UDP flow to a ready endpoint, round robin
// (or sticky per client with sessionAffinity ClientIP), trying the next
// endpoint when one refuses. Listeners follow Service changes; closing one
// stops new connections but leaves established ones alone.
//
// Hard rule: a listener is opened only on an address this machine owns, and
// bytes go only to allowed (local) destinations. When a ClusterIP is not
// local, the port is served on loopback at a mapped host port instead, shown
// in the `kubeterm.io/host-port` annotation, in mappings(), and in a Warning
// Event `ClusterIPNotRoutable` on the Service.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { EventRecorder } from '../api/events.js';
import type { WatchHandle } from '../api/store-types.js';
import type { Service, ServicePort } from '../api/types/service.js';
import { realClock, type Clock } from '../util/clock.js';
import { Balancer, readyBackends, type Backend } from './backends.js';
import { DestinationPolicy, isLoopback } from './locality.js';

export const HOST_PORT_ANNOTATION = 'kubeterm.io/host-port';

export type ListenerKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

export interface ProxyMapping {
  namespace: string;
  service: string;
  kind: ListenerKind;
  /** The Service port (or node port) clients ask for. */
  port: number;
  protocol: 'TCP' | 'UDP';
  clusterIP?: string;
  /** Where it is actually served. */
  address: string;
  hostPort: number;
  /** True when a ClusterIP port is served on a loopback host port because the ClusterIP is not local. */
  mapped: boolean;
}

export interface ServiceProxyOptions {
  api: Api;
  clock?: Clock;
  /** Where NodePort and LoadBalancer ports listen (default 127.0.0.1). */
  hostAddress?: string;
  /** The address to serve a Service's ClusterIP ports on; default loopback (fallback mode). */
  bindAddress?: (svc: Service) => string | Promise<string>;
  /** Called when a Service no longer needs its ClusterIP address. */
  releaseAddress?: (ip: string) => void | Promise<void>;
  /** Why ClusterIPs are not routable (for the Event); default a generic sentence. */
  fallbackReason?: string;
  /** Which destinations may be sent to (default: local addresses only). */
  destinations?: DestinationPolicy;
  /** Per-endpoint connect timeout before trying the next (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Idle UDP flows are closed after this long (default 30 s). */
  udpIdleMs?: number;
  /** Write annotations, Events and LoadBalancer status back (default true). */
  writeBack?: boolean;
}

interface Listener {
  id: string;
  kind: ListenerKind;
  namespace: string;
  service: string;
  servicePort: ServicePort;
  clusterIP?: string;
  address: string;
  port: number;
  hostPort: number;
  mapped: boolean;
  close(): void;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

export class ServiceProxy {
  private readonly api: Api;
  private readonly clock: Clock;
  private readonly hostAddress: string;
  private readonly opts: ServiceProxyOptions;
  private readonly recorder: EventRecorder;
  private readonly balancer: Balancer;
  private readonly destinations: DestinationPolicy;
  /** service key -> its listeners. */
  private readonly listeners = new Map<string, Listener[]>();
  private readonly boundIPs = new Map<string, string>();
  private readonly sockets = new Set<net.Socket>();
  private readonly udpFlows = new Set<dgram.Socket>();
  /** Per-key serialised syncs. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Services warned about (uid) so each gets one ClusterIPNotRoutable Event per run. */
  private readonly warned = new Set<string>();
  private watch?: WatchHandle;
  private stopped = false;

  constructor(opts: ServiceProxyOptions) {
    this.opts = opts;
    this.api = opts.api;
    this.clock = opts.clock ?? realClock;
    this.hostAddress = opts.hostAddress ?? '127.0.0.1';
    this.recorder = new EventRecorder({ api: opts.api, component: 'kube-proxy' });
    this.balancer = new Balancer(this.clock);
    this.destinations = opts.destinations ?? new DestinationPolicy();
    if (this.hostAddress !== '0.0.0.0' && !this.destinations.local.has(this.hostAddress)) {
      throw new Error(`ServiceProxy: hostAddress ${this.hostAddress} is not an address of this machine`);
    }
  }

  /** Starts watching Services; every existing one is synced first. */
  start(): void {
    if (this.watch || this.stopped) return;
    this.watch = this.api.watch('Service', { resourceVersion: '0' }, (ev) => {
      if (ev.type === 'BOOKMARK') return;
      this.schedule(`${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
    });
  }

  /** Closes every listener and established connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    this.watch = undefined;
    await this.whenSynced();
    for (const [key, ls] of this.listeners) {
      for (const l of ls) l.close();
      this.listeners.delete(key);
    }
    for (const s of this.sockets) s.destroy();
    for (const u of this.udpFlows) u.close();
    for (const ip of this.boundIPs.values()) await this.opts.releaseAddress?.(ip);
    this.boundIPs.clear();
  }

  /** Resolves once every pending Service change has been applied to the listeners. */
  async whenSynced(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  /** Where each Service port is served (the status API the UI shows). */
  mappings(): ProxyMapping[] {
    const out: ProxyMapping[] = [];
    for (const ls of this.listeners.values()) {
      for (const l of ls) {
        out.push({
          namespace: l.namespace,
          service: l.service,
          kind: l.kind,
          port: l.port,
          protocol: (l.servicePort.protocol ?? 'TCP') as 'TCP' | 'UDP',
          ...(l.clusterIP ? { clusterIP: l.clusterIP } : {}),
          address: l.address,
          hostPort: l.hostPort,
          mapped: l.mapped,
        });
      }
    }
    return out.sort((a, b) => `${a.namespace}/${a.service}`.localeCompare(`${b.namespace}/${b.service}`) || a.port - b.port);
  }

  private schedule(key: string): void {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => (this.stopped ? undefined : this.sync(key)))
      // A failed sync of one Service keeps its last rules; the next Service or Endpoints event syncs it again.
      .catch(() => undefined)
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    this.chains.set(key, next);
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.api.get('Service', namespace, name);
    const current = this.listeners.get(key) ?? [];
    const proxied = svc && !svc.metadata.deletionTimestamp && svc.spec.type !== 'ExternalName';
    if (!proxied) {
      for (const l of current) l.close();
      this.listeners.delete(key);
      this.balancer.forget(key);
      const ip = this.boundIPs.get(key);
      if (ip) {
        this.boundIPs.delete(key);
        await this.opts.releaseAddress?.(ip);
      }
      return;
    }
    const spec = svc.spec;
    const clusterIP = spec.clusterIP && spec.clusterIP !== 'None' ? spec.clusterIP : undefined;
    let bind: string | undefined;
    if (clusterIP) {
      const b = this.opts.bindAddress ? await this.opts.bindAddress(svc) : '127.0.0.1';
      // The hard rule: a ClusterIP is listened on only if it is really ours; anything else is served on loopback.
      bind = b === clusterIP && this.destinations.local.has(clusterIP) ? clusterIP : '127.0.0.1';
      if (bind === clusterIP) this.boundIPs.set(key, clusterIP);
    }
    const previousMapped = parseHostPorts(svc.metadata.annotations?.[HOST_PORT_ANNOTATION]);
    for (const l of current) if (l.mapped) previousMapped.set(`${l.port}/${l.servicePort.protocol ?? 'TCP'}`, l.hostPort);

    interface Want {
      id: string;
      kind: ListenerKind;
      sp: ServicePort;
      address: string;
      port: number;
      listenPort: number;
      mapped: boolean;
    }
    const want: Want[] = [];
    for (const sp of spec.ports ?? []) {
      const proto = sp.protocol ?? 'TCP';
      if (proto !== 'TCP' && proto !== 'UDP') continue; // SCTP is not proxied
      if (clusterIP && bind) {
        const mapped = bind !== clusterIP;
        const listenPort = mapped ? (previousMapped.get(`${sp.port}/${proto}`) ?? 0) : sp.port;
        want.push({ id: `ClusterIP|${proto}|${sp.port}|${bind}`, kind: 'ClusterIP', sp, address: bind, port: sp.port, listenPort, mapped });
      }
      if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && sp.nodePort) {
        want.push({ id: `NodePort|${proto}|${sp.nodePort}`, kind: 'NodePort', sp, address: this.hostAddress, port: sp.nodePort, listenPort: sp.nodePort, mapped: false });
      }
      if (spec.type === 'LoadBalancer') {
        want.push({ id: `LoadBalancer|${proto}|${sp.port}`, kind: 'LoadBalancer', sp, address: this.hostAddress, port: sp.port, listenPort: sp.port, mapped: false });
      }
    }
    const next: Listener[] = [];
    const failures: string[] = [];
    for (const w of want) {
      const have = current.find((l) => l.id === w.id);
      if (have) {
        have.servicePort = w.sp; // a renamed port takes effect for the next connection
        next.push(have);
        continue;
      }
      try {
        next.push(await this.open(namespace, name, clusterIP, w));
      } catch (e) {
        failures.push(`${w.kind} ${w.address}:${w.listenPort}/${w.sp.protocol ?? 'TCP'}: ${(e as Error).message}`);
      }
    }
    for (const l of current) if (!next.includes(l)) l.close();
    this.listeners.set(key, next);
    if (clusterIP && bind !== clusterIP) {
      const old = this.boundIPs.get(key);
      if (old) {
        this.boundIPs.delete(key);
        await this.opts.releaseAddress?.(old);
      }
    }
    if (this.opts.writeBack === false) return;
    await this.writeBack(svc, next, failures);
  }

  private async open(namespace: string, name: string, clusterIP: string | undefined, w: { id: string; kind: ListenerKind; sp: ServicePort; address: string; port: number; listenPort: number; mapped: boolean }): Promise<Listener> {
    if (w.address !== '0.0.0.0' && !this.destinations.local.has(w.address)) throw new Error(`${w.address} is not an address of this machine`);
    const l: Listener = {
      id: w.id,
      kind: w.kind,
      namespace,
      service: name,
      servicePort: w.sp,
      ...(clusterIP ? { clusterIP } : {}),
      address: w.address,
      port: w.port,
      hostPort: 0,
      mapped: w.mapped,
      close: () => undefined,
    };
    const key = `${namespace}/${name}`;
    const proto = w.sp.protocol ?? 'TCP';
    const bindOnce = (port: number) => (proto === 'UDP' ? this.listenUdp(l, key, w.address, port) : this.listenTcp(l, key, w.address, port));
    try {
      await bindOnce(w.listenPort);
    } catch (e) {
      // A remembered mapped port may be taken now: any port will do.
      if (!w.mapped || w.listenPort === 0) throw e;
      await bindOnce(0);
    }
    return l;
  }

  private listenTcp(l: Listener, key: string, address: string, port: number): Promise<void> {
    // Half-open on the client side: a client that shuts down its sending side (nc, HTTP/1.0 clients) still gets the reply;
    // the backend side closes fully, so a backend that goes away ends the client connection at once.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => this.handleTcp(l, key, client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        l.hostPort = (server.address() as net.AddressInfo).port;
        l.close = () => server.close();
        resolve();
      });
    });
  }

  private candidates(l: Listener, key: string, clientIP: string | undefined): Backend[] {
    const svc = this.api.get('Service', l.namespace, l.service);
    const all = readyBackends(this.api, l.namespace, l.service, l.servicePort).filter((b) => this.destinations.allows(b.ip));
    const sticky = svc?.spec.sessionAffinity === 'ClientIP' && clientIP;
    const bkey = `${key}:${l.servicePort.name ?? ''}/${l.servicePort.protocol ?? 'TCP'}`;
    return this.balancer.order(bkey, all, sticky ? { ip: clientIP, timeoutSeconds: svc?.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds } : undefined);
  }

  private handleTcp(l: Listener, key: string, client: net.Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const clientIP = client.remoteAddress?.replace(/^::ffff:/, '');
    const tries = this.candidates(l, key, clientIP);
    const bkey = `${key}:${l.servicePort.name ?? ''}/${l.servicePort.protocol ?? 'TCP'}`;
    const attempt = (i: number): void => {
      if (client.destroyed) return;
      const b = tries[i];
      if (!b) {
        client.destroy();
        return;
      }
      const up = net.connect({ host: b.ip, port: b.port });
      let connected = false;
      up.setTimeout(this.opts.connectTimeoutMs ?? 2000, () => {
        if (!connected) up.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
      });
      up.once('connect', () => {
        connected = true;
        up.setTimeout(0);
        // As kube-proxy's (Go) sockets: no Nagle delay, so a small segment relayed right after another (a response
        // head, then its body) is not held for the peer's delayed ack — tens of milliseconds per request otherwise.
        up.setNoDelay(true);
        client.setNoDelay(true);
        this.sockets.add(up);
        up.on('close', () => this.sockets.delete(up));
        if (clientIP) this.balancer.used(bkey, clientIP, b);
        client.pipe(up);
        up.pipe(client);
        client.on('close', () => up.destroy());
        up.on('close', () => client.destroy());
        client.resume();
      });
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (!connected && RETRYABLE.has(e.code ?? '')) attempt(i + 1);
        else client.destroy();
      });
    };
    attempt(0);
  }

  private listenUdp(l: Listener, key: string, address: string, port: number): Promise<void> {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    const flows = new Map<string, { up: dgram.Socket; backend: Backend; timer: { cancel(): void } }>();
    const idle = this.opts.udpIdleMs ?? 30_000;
    sock.on('message', (msg, rinfo) => {
      const fk = `${rinfo.address}:${rinfo.port}`;
      let flow = flows.get(fk);
      if (!flow) {
        const b = this.candidates(l, key, rinfo.address)[0];
        if (!b) return; // no ready endpoint: dropped, as kube-proxy does
        const up = dgram.createSocket('udp4');
        this.udpFlows.add(up);
        // Only the chosen endpoint's replies go back to the client.
        up.on('message', (reply, from) => {
          if (from.address === b.ip && from.port === b.port) sock.send(reply, rinfo.port, rinfo.address);
        });
        up.on('error', () => undefined);
        this.balancer.used(`${key}:${l.servicePort.name ?? ''}/UDP`, rinfo.address, b);
        flow = { up, backend: b, timer: { cancel: () => undefined } };
        flows.set(fk, flow);
      }
      const f = flow;
      f.timer.cancel();
      f.timer = this.clock.setTimeout(() => {
        flows.delete(fk);
        this.udpFlows.delete(f.up);
        f.up.close();
      }, idle);
      f.up.send(msg, f.backend.port, f.backend.ip);
    });
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address, port, exclusive: true }, () => {
        sock.off('error', reject);
        sock.on('error', () => undefined);
        l.hostPort = sock.address().port;
        l.close = () => {
          sock.close();
          for (const f of flows.values()) {
            f.timer.cancel();
            this.udpFlows.delete(f.up);
            f.up.close();
          }
          flows.clear();
        };
        resolve();
      });
    });
  }

  /** Annotation + Event for loopback-mapped ClusterIPs, Warning Events for ports that could not be opened, LoadBalancer status. */
  private async writeBack(svc: Service, ls: Listener[], failures: string[]): Promise<void> {
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name!;
    const mapped = ls.filter((l) => l.mapped);
    const annotation = mapped.length ? mapped.map((l) => `${l.port}/${l.servicePort.protocol ?? 'TCP'}=${l.address}:${l.hostPort}`).sort().join(',') : undefined;
    const isLB = svc.spec.type === 'LoadBalancer';
    const lbIP = this.hostAddress === '0.0.0.0' ? '127.0.0.1' : this.hostAddress;
    const lbIngress = isLB && ls.some((l) => l.kind === 'LoadBalancer') ? [{ ip: lbIP }] : undefined;
    try {
      if (svc.metadata.annotations?.[HOST_PORT_ANNOTATION] !== annotation) {
        await this.api.modify<Service>('Service', ns, name, (o) => {
          const a = { ...(o.metadata.annotations ?? {}) };
          if (annotation) a[HOST_PORT_ANNOTATION] = annotation;
          else delete a[HOST_PORT_ANNOTATION];
          if (Object.keys(a).length) o.metadata.annotations = a;
          else delete o.metadata.annotations;
        });
      }
      const curLB = svc.status?.loadBalancer?.ingress;
      if (isLB ? JSON.stringify(curLB) !== JSON.stringify(lbIngress) : curLB !== undefined) {
        await this.api.modify<Service>('Service', ns, name, (o) => {
          o.status = { ...(o.status ?? {}), loadBalancer: lbIngress ? { ingress: lbIngress } : {} };
        }, { status: true });
      }
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
      return;
    }
    const uid = svc.metadata.uid ?? name;
    if (mapped.length && !this.warned.has(uid)) {
      this.warned.add(uid);
      const why = this.opts.fallbackReason ?? `ClusterIP ${svc.spec.clusterIP} is not an address of this machine`;
      const where = mapped.map((l) => `${l.port}/${l.servicePort.protocol ?? 'TCP'} on ${l.address}:${l.hostPort}`).join(', ');
      await this.recorder.event(svc, 'Warning', 'ClusterIPNotRoutable', `ClusterIP ${svc.spec.clusterIP} is not routable (${why}); serving ${where} instead`);
    }
    if (!mapped.length) this.warned.delete(uid);
    for (const f of failures) await this.recorder.event(svc, 'Warning', 'FailedToListen', `kube-proxy could not open ${f}`);
  }
}

/** `80/TCP=127.0.0.1:41234,53/UDP=127.0.0.1:40000` → port/proto → host port. */
export function parseHostPorts(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const part of (text ?? '').split(',')) {
    const r = /^(\d+\/(?:TCP|UDP))=([\d.]+):(\d+)$/.exec(part.trim());
    if (r && isLoopback(r[2])) m.set(r[1], Number(r[3]));
  }
  return m;
}
