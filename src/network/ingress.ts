// kubeterm's ingress controller: an HTTP reverse proxy (default
// 127.0.0.1:8080) and its TLS twin (127.0.0.1:8443) that route by host and
// path per the Ingresses of class `kubeterm` (the default class), straight to
// a ready endpoint of the backend Service (ip:targetPort, as ingress-nginx
// does), with X-Forwarded-* headers, WebSocket upgrades passed through, TLS
// certificates from kubernetes.io/tls Secrets chosen by SNI, and a short
// 503 when nothing is ready. The routing table is rebuilt on change and
// swapped in whole: a request in flight keeps the backend it already chose.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchHandle } from '../api/store-types.js';
import type { Ingress } from '../api/types/networking.js';
import { realClock, type Clock } from '../util/clock.js';
import { Balancer, findServicePort, readyBackends, type Backend } from './backends.js';
import { DEFAULT_CLASS_ANNOTATION, buildRoutingTable, matchRoute, ownsIngress, tlsFor, type BackendRef, type RoutingTable } from './ingress-routes.js';
import { DestinationPolicy } from './locality.js';

export const INGRESS_CLASS = 'kubeterm';
export const INGRESS_CONTROLLER = 'kubeterm.io/ingress-controller';

export interface IngressControllerOptions {
  api: Api;
  clock?: Clock;
  /** Listen address (default 127.0.0.1). */
  address?: string;
  /** Default 8080; 0 picks a free port. */
  httpPort?: number;
  /** Default 8443; 0 picks a free port; null disables TLS. */
  httpsPort?: number | null;
  /** The IngressClass served (default `kubeterm`). */
  className?: string;
  /** Create IngressClass `kubeterm` (marked default) when missing. Default true. */
  ensureClass?: boolean;
  /** Write status.loadBalancer of served Ingresses. Default true. */
  writeStatus?: boolean;
  destinations?: DestinationPolicy;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
/** Response headers the router's own connection to the client decides. */
const RESPONSE_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

type Resolved = { backends: Backend[]; key: string } | { status: number; message: string };

export class IngressController {
  private readonly api: Api;
  private readonly opts: IngressControllerOptions;
  private readonly address: string;
  private readonly className: string;
  private readonly balancer: Balancer;
  private readonly destinations: DestinationPolicy;
  // Upstream connections are kept alive and reused across requests and clients; noDelay so a small
  // request head goes out at once instead of waiting (Nagle) for the ack of the previous segment.
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, noDelay: true });
  private table: RoutingTable = buildRoutingTable([]);
  private httpServer?: http.Server;
  private httpsServer?: https.Server;
  private watches: WatchHandle[] = [];
  private rebuildQueued = false;
  private syncing: Promise<void> = Promise.resolve();
  /** Secret key@resourceVersion → context. */
  private readonly contexts = new Map<string, tls.SecureContext>();
  readonly ports = { http: 0, https: 0 };

  constructor(opts: IngressControllerOptions) {
    this.opts = opts;
    this.api = opts.api;
    this.address = opts.address ?? '127.0.0.1';
    this.className = opts.className ?? INGRESS_CLASS;
    this.balancer = new Balancer(opts.clock ?? realClock);
    this.destinations = opts.destinations ?? new DestinationPolicy();
    if (this.address !== '0.0.0.0' && !this.destinations.local.has(this.address)) throw new Error(`IngressController: ${this.address} is not an address of this machine`);
  }

  /** The current routing table (read-only; replaced whole on change). */
  get routes(): RoutingTable {
    return this.table;
  }

  async start(): Promise<void> {
    if (this.opts.ensureClass !== false) await this.ensureClass();
    this.rebuild();
    const schedule = () => this.scheduleRebuild();
    for (const kind of ['Ingress', 'IngressClass', 'Secret']) {
      this.watches.push(this.api.watch(kind, {}, (ev) => ev.type !== 'BOOKMARK' && (kind !== 'Secret' || ev.object.type === 'kubernetes.io/tls') && schedule()));
    }
    this.httpServer = http.createServer((req, res) => this.handle(req, res, 'http'));
    this.httpServer.on('upgrade', (req, socket, head) => this.upgrade(req, socket as net.Socket, head, 'http'));
    this.httpServer.on('clientError', (_e, socket) => socket.destroy());
    this.ports.http = await listen(this.httpServer, this.address, this.opts.httpPort ?? 8080);
    if (this.opts.httpsPort !== null) {
      this.httpsServer = https.createServer({ SNICallback: (name, cb) => cb(null, this.contextFor(name)) }, (req, res) => this.handle(req, res, 'https'));
      this.httpsServer.on('upgrade', (req, socket, head) => this.upgrade(req, socket as net.Socket, head, 'https'));
      this.httpsServer.on('tlsClientError', () => undefined);
      this.ports.https = await listen(this.httpsServer, this.address, this.opts.httpsPort ?? 8443);
      this.setDefaultCertificate();
    }
    await this.writeStatus();
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.stop();
    this.watches = [];
    await this.syncing;
    this.agent.destroy();
    for (const s of [this.httpServer, this.httpsServer]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Resolves once the latest change is in the routing table and status is written. */
  async whenSynced(): Promise<void> {
    for (;;) {
      const p = this.syncing;
      await p;
      await new Promise<void>((r) => setImmediate(r));
      if (p === this.syncing && !this.rebuildQueued) return;
    }
  }

  private scheduleRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    setImmediate(() => {
      this.rebuildQueued = false;
      this.rebuild();
      // Status write-back is retried on the next change; routing does not depend on it.
      this.syncing = this.syncing.then(() => this.writeStatus()).catch(() => undefined);
    });
  }

  private servedIngresses(): Ingress[] {
    const classes = this.api.list('IngressClass').items;
    return this.api.list('Ingress').items.filter((i) => !i.metadata.deletionTimestamp && ownsIngress(i, this.className, classes));
  }

  private rebuild(): void {
    this.table = buildRoutingTable(this.servedIngresses());
    this.setDefaultCertificate();
  }

  /**
   * Clients that send no SNI (curl to an IP) get the certificate of a tls
   * entry without hosts, else the first one: without it they would get no
   * handshake at all.
   */
  private setDefaultCertificate(): void {
    if (!this.httpsServer) return;
    const ref = this.table.tls.get('') ?? [...this.table.tls.values()][0];
    const secret = ref && this.api.get('Secret', ref.namespace, ref.secret);
    if (!secret || secret.type !== 'kubernetes.io/tls') return;
    const data = (secret.data ?? {}) as Record<string, string>;
    try {
      this.httpsServer.setSecureContext({ cert: Buffer.from(data['tls.crt'] ?? '', 'base64'), key: Buffer.from(data['tls.key'] ?? '', 'base64') });
    } catch {
      // a broken Secret: SNI clients of other hosts are still served
    }
  }

  private async ensureClass(): Promise<void> {
    if (this.api.get('IngressClass', '', this.className)) return;
    try {
      await this.api.create<KubeObject>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: this.className, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
        spec: { controller: INGRESS_CONTROLLER },
      });
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
    }
  }

  private async writeStatus(): Promise<void> {
    if (this.opts.writeStatus === false) return;
    const want = [{ ip: this.address === '0.0.0.0' ? '127.0.0.1' : this.address }];
    for (const ing of this.servedIngresses()) {
      if (JSON.stringify(ing.status?.loadBalancer?.ingress) === JSON.stringify(want)) continue;
      try {
        await this.api.modify<Ingress>('Ingress', ing.metadata.namespace ?? 'default', ing.metadata.name!, (o) => {
          o.status = { ...(o.status ?? {}), loadBalancer: { ingress: want } };
        }, { status: true });
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    }
  }

  private contextFor(servername: string): tls.SecureContext | undefined {
    const ref = tlsFor(this.table, servername);
    if (!ref) return undefined;
    const secret = this.api.get('Secret', ref.namespace, ref.secret);
    if (!secret || secret.type !== 'kubernetes.io/tls') return undefined;
    const key = `${ref.namespace}/${ref.secret}@${secret.metadata.resourceVersion}`;
    let ctx = this.contexts.get(key);
    if (!ctx) {
      const data = (secret.data ?? {}) as Record<string, string>;
      try {
        ctx = tls.createSecureContext({ cert: Buffer.from(data['tls.crt'] ?? '', 'base64'), key: Buffer.from(data['tls.key'] ?? '', 'base64') });
      } catch {
        return undefined;
      }
      if (this.contexts.size > 500) this.contexts.clear();
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** Backend reference → ready endpoints, or the status to answer with. */
  private resolve(ref: BackendRef | undefined): Resolved {
    if (!ref) return { status: 404, message: 'default backend - 404' };
    const svc = this.api.get('Service', ref.namespace, ref.service);
    if (!svc) return { status: 503, message: `service "${ref.service}" not found` };
    const sp = findServicePort(svc, ref.port);
    if (!sp) return { status: 503, message: `service "${ref.service}" has no port ${ref.port.name ?? ref.port.number}` };
    const backends = readyBackends(this.api, ref.namespace, ref.service, sp).filter((b) => this.destinations.allows(b.ip));
    if (!backends.length) return { status: 503, message: `no endpoints available for service "${ref.service}"` };
    return { backends, key: `${ref.namespace}/${ref.service}:${sp.name ?? sp.port}` };
  }

  private forwardedHeaders(req: http.IncomingMessage, proto: 'http' | 'https'): http.OutgoingHttpHeaders {
    // Copied key by key rather than spread-then-delete: `delete` turns the object into a slow dictionary, per request.
    const h: http.OutgoingHttpHeaders = {};
    for (const k in req.headers) if (!HOP_BY_HOP.has(k)) h[k] = req.headers[k];
    const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const prior = req.headers['x-forwarded-for'];
    h['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
    h['x-real-ip'] = client;
    h['x-forwarded-proto'] = proto;
    if (req.headers.host) h['x-forwarded-host'] = req.headers.host;
    h['x-forwarded-port'] = String(req.socket.localPort ?? '');
    return h;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, proto: 'http' | 'https'): void {
    // One table read per request: a swap meanwhile does not affect it.
    const { backend } = matchRoute(this.table, req.headers.host, req.url ?? '/');
    const r = this.resolve(backend);
    if ('status' in r) {
      reply(res, r.status, r.message);
      return;
    }
    const tries = this.balancer.order(r.key, r.backends);
    const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
    const headers = this.forwardedHeaders(req, proto);
    const attempt = (i: number): void => {
      const b = tries[i];
      const up = http.request({ host: b.ip, port: b.port, method: req.method, path: req.url, headers, agent: this.agent }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, stripHop(ur.headers));
        ur.pipe(res);
        ur.on('error', () => res.destroy());
      });
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (res.headersSent) return void res.destroy();
        // A refused connection sent nothing: another endpoint may take the request (bodiless requests only).
        if (e.code === 'ECONNREFUSED' && !hasBody && i + 1 < tries.length) return attempt(i + 1);
        reply(res, 502, `bad gateway: ${backend?.service ?? 'backend'}: ${e.code ?? e.message}`);
      });
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      if (hasBody) req.pipe(up);
      else up.end();
    };
    attempt(0);
  }

  /** WebSocket (any Upgrade): replay the request to a backend, then splice the two sockets. */
  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, proto: 'http' | 'https'): void {
    socket.on('error', () => socket.destroy());
    const { backend } = matchRoute(this.table, req.headers.host, req.url ?? '/');
    const r = this.resolve(backend);
    if ('status' in r) {
      socket.end(`HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status]}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(r.message) + 1}\r\nconnection: close\r\n\r\n${r.message}\n`);
      return;
    }
    const b = this.balancer.order(r.key, r.backends)[0];
    const up = net.connect({ host: b.ip, port: b.port });
    up.on('error', () => {
      if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    up.on('connect', () => {
      const headers = this.forwardedHeaders(req, proto);
      headers.connection = 'Upgrade';
      headers.upgrade = req.headers.upgrade;
      let head1 = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) head1 += `${k}: ${one}\r\n`;
      }
      up.write(`${head1}\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
      socket.on('close', () => up.destroy());
      up.on('close', () => socket.destroy());
    });
  }
}

function stripHop(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const k in h) if (!RESPONSE_HOP.has(k)) out[k] = h[k];
  return out;
}

function reply(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  const body = `${message}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
