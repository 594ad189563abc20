// pods/<name>/portforward: the upgrade kubectl and client libraries use to
// reach a pod's TCP ports. Three ways in, as a Kubernetes API server (with
// its kubelet) offers them:
//  - WebSocket, subprotocol `SPDY/3.1+portforward.k8s.io`: kubectl ≥1.31's
//    default (KUBECTL_PORT_FORWARD_WEBSOCKETS), SPDY frames in binary
//    messages — the API server's stream tunnel (streamtunnel.go);
//  - `Upgrade: SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io`:
//    kubectl's fallback and older clients;
//  - WebSocket, subprotocol `v4.channel.k8s.io` (or v4.base64, or none) with
//    `?ports=80,443`: per port i a data channel 2i and an error channel 2i+1,
//    each opened by the port as 2 little-endian bytes (kubelet websocket.go);
//    @kubernetes/client-node's PortForward speaks this.
// The pod's port is reached through the injected `dial` (the engine's, which
// only dials this machine and kubeterm's own pod networks).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Api } from '../api/api.js';
import { StatusError, badRequest } from '../api/errors.js';
import { rejectUpgrade } from './exec.js';
import { SpdyPortForwardSession, type PodDialFn, type PortForwardTarget, type SpdyTransport } from './portforward-spdy.js';
import type { ResourceRequest } from './request-info.js';
import { toStatusError } from './respond.js';

export type { PodDialFn } from './portforward-spdy.js';

export const PORTFORWARD_V1 = 'portforward.k8s.io';
export const SPDY_TUNNEL_PROTOCOL = `SPDY/3.1+${PORTFORWARD_V1}`;
const V4_BINARY = 'v4.channel.k8s.io';
const V4_BASE64 = 'v4.base64.channel.k8s.io';
export const PORTFORWARD_WS_PROTOCOLS = [SPDY_TUNNEL_PROTOCOL, V4_BINARY, V4_BASE64];

/** Outgoing bytes above this pause the pods' sockets until the client catches up. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

function headerList(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v : [v ?? ''])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `ports=80,443` (repeatable); the kubelet's own name for it, `port`, is accepted too. */
export function parsePorts(query: URLSearchParams): number[] {
  const raw = [...query.getAll('ports'), ...query.getAll('port')];
  if (raw.length === 0) throw badRequest('query parameter "port" is required');
  const ports: number[] = [];
  for (const s of raw) {
    if (s === '') throw badRequest('query parameter "port" cannot be empty');
    for (const p of s.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(n <= 65535)) throw badRequest(`unable to parse "${s}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`);
      if (n < 1) throw badRequest(`port "${s}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

function wsTransport(ws: WebSocket): SpdyTransport {
  let drains: (() => void)[] = [];
  const congested = () => ws.bufferedAmount > HIGH_WATER;
  return {
    write(frame) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame, { binary: true }, () => {
        if (drains.length && ws.bufferedAmount < LOW_WATER) {
          const ds = drains;
          drains = [];
          for (const d of ds) d();
        }
      });
    },
    get congested() {
      return congested();
    },
    onDrain(cb) {
      if (!congested()) cb();
      else drains.push(cb);
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.close(1000),
  };
}

function socketTransport(socket: Duplex): SpdyTransport {
  return {
    write(frame) {
      if (!socket.destroyed && socket.writable) socket.write(frame);
    },
    get congested() {
      return socket.writableLength > HIGH_WATER;
    },
    onDrain(cb) {
      if (socket.writableLength <= HIGH_WATER) cb();
      else socket.once('drain', cb);
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.end(),
  };
}

export class PortForwardHandler {
  private readonly wss = new WebSocketServer({ noServer: true });
  /** The subprotocol picked per request, answered in the handshake by the `headers` hook below. */
  private readonly chosen = new WeakMap<IncomingMessage, string>();
  private readonly sessions = new Set<{ close(): void }>();

  constructor(
    private readonly api: Api,
    private readonly dial: PodDialFn | undefined,
  ) {
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      const p = this.chosen.get(req);
      if (p) headers.push(`Sec-WebSocket-Protocol: ${p}`);
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rr: ResourceRequest, query: URLSearchParams): void {
    let target: PortForwardTarget;
    try {
      const pod = this.api.mustGet('Pod', rr.namespace, rr.name);
      if (!pod.spec?.nodeName) throw badRequest(`pod ${rr.name} does not have a host assigned`);
      const phase = (pod.status?.phase as string | undefined) ?? 'Pending';
      if (phase !== 'Running') throw badRequest(`unable to forward port because pod is not running. Current status=${phase}`);
      if (!this.dial) throw new StatusError(503, 'ServiceUnavailable', 'port-forward is not available: no container runtime is attached to this API server');
      target = { namespace: rr.namespace, pod: rr.name, uid: pod.metadata.uid ?? '' };
    } catch (e) {
      rejectUpgrade(socket, toStatusError(e));
      return;
    }
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') return this.webSocket(req, socket, head, query, target);
    if (upgrade.startsWith('spdy/3.1')) return this.spdy(req, socket, head, target);
    rejectUpgrade(socket, badRequest(`unable to upgrade: unsupported upgrade "${req.headers.upgrade ?? ''}"; kubeterm speaks websocket and SPDY/3.1`));
  }

  private webSocket(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams, target: PortForwardTarget): void {
    const offered = headerList(req.headers['sec-websocket-protocol']);
    const chosen = offered.find((p) => PORTFORWARD_WS_PROTOCOLS.includes(p));
    if (offered.length && !chosen) {
      rejectUpgrade(socket, badRequest(`unable to upgrade: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${PORTFORWARD_WS_PROTOCOLS.join(' ')}]`));
      return;
    }
    let ports: number[] = [];
    if (chosen !== SPDY_TUNNEL_PROTOCOL) {
      try {
        ports = parsePorts(query);
      } catch (e) {
        rejectUpgrade(socket, toStatusError(e));
        return;
      }
    }
    // `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token ('/'), so ws would
    // refuse the handshake: the protocol is negotiated here and ws sees none.
    delete req.headers['sec-websocket-protocol'];
    if (chosen) this.chosen.set(req, chosen);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (chosen === SPDY_TUNNEL_PROTOCOL) {
        const session = new SpdyPortForwardSession(wsTransport(ws), target, this.dial!, () => this.sessions.delete(session));
        this.sessions.add(session);
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          // The tunnel carries SPDY bytes in binary messages only (tunneling_connection.go).
          if (!isBinary) return session.close();
          session.receive(data);
        });
        ws.on('close', () => session.closed());
        ws.on('error', () => session.closed());
        return;
      }
      const session = new ChannelPortForwardSession(ws, chosen === V4_BASE64, ports, target, this.dial!, () => this.sessions.delete(session));
      this.sessions.add(session);
      session.start();
    });
  }

  private spdy(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget): void {
    const offered = headerList(req.headers['x-stream-protocol-version']);
    if (offered.length && !offered.includes(PORTFORWARD_V1)) {
      const body = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORTFORWARD_V1}]`;
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
        (offered.length ? `X-Stream-Protocol-Version: ${PORTFORWARD_V1}\r\n` : '') +
        '\r\n',
    );
    const session = new SpdyPortForwardSession(socketTransport(socket), target, this.dial!, () => this.sessions.delete(session));
    this.sessions.add(session);
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('close', () => session.closed());
    socket.on('error', () => session.closed());
    if (head.length) session.receive(head);
  }

  /** Server shutdown: every session says goodbye, then no WebSocket waits for its peer's close frame. */
  close(): void {
    for (const s of [...this.sessions]) s.close();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

interface ChannelPair {
  port: number;
  socket?: Duplex;
  early: Buffer[];
  done: boolean;
}

/** The v4 channel protocol: one WebSocket, every requested port connected at once. */
class ChannelPortForwardSession {
  private readonly pairs: ChannelPair[];
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly base64: boolean,
    ports: number[],
    private readonly target: PortForwardTarget,
    private readonly dial: PodDialFn,
    private readonly onEnd: () => void,
  ) {
    this.pairs = ports.map((port) => ({ port, early: [], done: false }));
  }

  start(): void {
    const ws = this.ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', () => this.closed());
    ws.on('error', () => this.closed());
    this.pairs.forEach((pair, i) => {
      const port = Buffer.alloc(2);
      port.writeUInt16LE(pair.port);
      this.send(2 * i, port);
      this.send(2 * i + 1, port);
    });
    this.pairs.forEach((pair, i) => void this.connect(pair, i));
  }

  private send(channel: number, data: Buffer, cb?: () => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.base64) this.ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), cb);
    else this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, cb);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let channel: number;
    let payload: Buffer;
    if (this.base64 && !isBinary) {
      const text = data.toString('utf8');
      if (!text.length) return;
      channel = text.charCodeAt(0) - 48;
      payload = Buffer.from(text.slice(1), 'base64');
    } else {
      if (!data.length) return;
      channel = data[0];
      payload = data.subarray(1);
    }
    // Only data channels are readable; writes to an error channel are ignored, as by the kubelet.
    if (channel % 2 !== 0) return;
    const pair = this.pairs[channel / 2];
    if (!pair || pair.done || !payload.length) return;
    if (!pair.socket) pair.early.push(payload);
    else if (!pair.socket.write(payload)) {
      this.ws.pause();
      pair.socket.once('drain', () => this.ws.resume());
    }
  }

  private async connect(pair: ChannelPair, i: number): Promise<void> {
    let socket: Duplex;
    try {
      socket = await this.dial(this.target.namespace, this.target.pod, pair.port);
    } catch (e) {
      this.send(2 * i + 1, Buffer.from(`error forwarding port ${pair.port} to pod ${this.target.pod}, uid ${this.target.uid}: ${(e as Error).message}`));
      this.finish(pair);
      return;
    }
    if (this.ended || pair.done) {
      socket.destroy();
      return;
    }
    pair.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.send(2 * i, chunk, () => {
        if (socket.isPaused() && this.ws.bufferedAmount < LOW_WATER) socket.resume();
      });
      if (this.ws.bufferedAmount > HIGH_WATER) socket.pause();
    });
    const end = () => this.finish(pair);
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
    for (const b of pair.early) socket.write(b);
    pair.early = [];
  }

  /** A port's connection is over; when every port's is, the WebSocket closes (the kubelet's handler returns). */
  private finish(pair: ChannelPair): void {
    if (pair.done) return;
    pair.done = true;
    pair.socket?.destroy();
    if (this.pairs.every((p) => p.done) && this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
  }

  private closed(): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pairs) {
      p.done = true;
      p.socket?.destroy();
    }
    this.onEnd();
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1001);
    this.closed();
  }
}
