// One kubectl port-forward session over SPDY/3.1, served as the kubelet
// serves it (pkg/kubelet/cri/streaming/portforward/httpstream.go): for every
// local connection kubectl opens two streams sharing a `requestID` header —
// `streamType: error` and `streamType: data`, both with a `port` header. Each
// accepted stream gets an empty SYN_REPLY; once both of a pair are there the
// pod's port is dialed and bytes flow over the data stream. A dial failure is
// written as text on the error stream; when the pod's side ends, the data and
// error streams are closed (FIN), which is what ends kubectl's copy loop.
import type { Duplex } from 'node:stream';
import {
  FLAG_FIN,
  FrameReader,
  GOAWAY,
  HeaderDeflater,
  HeaderInflater,
  PING,
  RST_CANCEL,
  RST_PROTOCOL_ERROR,
  RST_STREAM,
  SPDY_VERSION,
  SYN_STREAM,
  dataFrame,
  decodeHeaderPairs,
  goAwayFrame,
  parseSynStream,
  pingFrame,
  rstStreamFrame,
  synReplyFrame,
  type SpdyFrame,
} from './spdy.js';

/** Opens a TCP connection to a pod's port (the engine's, under its destination policy). */
export type PodDialFn = (namespace: string, pod: string, port: number) => Promise<Duplex>;

/** The byte pipe SPDY runs over: a WebSocket tunnel or an upgraded socket. */
export interface SpdyTransport {
  write(frame: Buffer): void;
  /** More is queued than should be: stop reading pods until `onDrain`. */
  readonly congested: boolean;
  onDrain(cb: () => void): void;
  /** Stop/resume delivering the client's bytes (a pod cannot keep up). */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  uid: string;
}

/** How long a pair may wait for its second stream; the kubelet's streamCreationTimeout default. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

interface Stream {
  id: number;
  type: 'data' | 'error';
  port: number;
  requestID: string;
  /** We sent FIN (or RST). */
  closed: boolean;
}

interface Pair {
  requestID: string;
  data?: Stream;
  error?: Stream;
  socket?: Duplex;
  /** Client bytes that arrived before the pod connection was up. */
  early: Buffer[];
  clientFin: boolean;
  /** The pod's socket refused more; the client's bytes are paused for it. */
  blocked: boolean;
  timer?: NodeJS.Timeout;
  done: boolean;
}

export class SpdyPortForwardSession {
  private readonly reader = new FrameReader();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly streams = new Map<number, Stream>();
  private readonly pairs = new Map<string, Pair>();
  private chain: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private blockedSockets = 0;
  private ended = false;

  constructor(
    private readonly transport: SpdyTransport,
    private readonly target: PortForwardTarget,
    private readonly dial: PodDialFn,
    private readonly onEnd: () => void = () => undefined,
  ) {}

  /** Bytes from the client, in order. */
  receive(chunk: Buffer): void {
    if (this.ended) return;
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.close(RST_PROTOCOL_ERROR);
      return;
    }
    for (const f of frames) {
      // Header blocks inflate asynchronously, so frames are handled strictly one after another.
      this.chain = this.chain.then(() => this.handle(f)).catch(() => this.close(RST_PROTOCOL_ERROR));
    }
  }

  /** The transport went away: drop every pod connection. */
  closed(): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pairs.values()) this.finishPair(p, false);
    this.inflater.close();
    this.onEnd();
  }

  /** Server shutdown: GOAWAY, then close. */
  close(status = 0): void {
    if (this.ended) return;
    this.send(goAwayFrame(this.lastStreamId, status));
    this.transport.close();
    this.closed();
  }

  private send(frame: Buffer): void {
    if (!this.ended) this.transport.write(frame);
  }

  private async handle(f: SpdyFrame): Promise<void> {
    if (this.ended) return;
    if (!f.control) return this.onData(f.streamId, f.data, (f.flags & FLAG_FIN) !== 0);
    if (f.version !== SPDY_VERSION) return this.close(RST_PROTOCOL_ERROR);
    switch (f.type) {
      case SYN_STREAM:
        return this.onSynStream(f.payload, (f.flags & FLAG_FIN) !== 0);
      case RST_STREAM:
        if (f.payload.length >= 4) this.onReset(f.payload.readUInt32BE(0) & 0x7fffffff);
        return;
      case PING:
        // A client's ping (odd id) is answered with the same frame; our own we never send.
        if (f.payload.length >= 4) this.send(pingFrame(f.payload.readUInt32BE(0)));
        return;
      case GOAWAY:
        this.transport.close();
        this.closed();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing a port-forward needs.
        return;
    }
  }

  private async onSynStream(payload: Buffer, fin: boolean): Promise<void> {
    let streamId: number;
    let headers: Map<string, string[]>;
    try {
      const syn = parseSynStream(payload);
      streamId = syn.streamId;
      // Always inflate, even for a stream we refuse: the zlib context spans the whole session.
      headers = decodeHeaderPairs(await this.inflater.block(syn.headerBlock));
    } catch {
      return this.close(RST_PROTOCOL_ERROR);
    }
    if (this.ended) return;
    this.lastStreamId = Math.max(this.lastStreamId, streamId);
    const get = (name: string) => headers.get(name.toLowerCase())?.[0] ?? '';
    const portText = get('port');
    const port = Number(portText);
    const type = get('streamType');
    // The kubelet's httpStreamReceived checks; a refused stream is reset, as spdystream does.
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535 || (type !== 'data' && type !== 'error')) {
      this.send(rstStreamFrame(streamId, RST_CANCEL));
      return;
    }
    // Old clients send no requestID: the kubelet derives it from the stream ids (error n, data n+2).
    const requestID = get('requestID') || String(type === 'error' ? streamId : streamId - 2);
    const stream: Stream = { id: streamId, type, port, requestID, closed: false };
    this.streams.set(streamId, stream);
    this.send(synReplyFrame(streamId, this.deflater.encode([])));

    let pair = this.pairs.get(requestID);
    if (!pair) {
      pair = { requestID, early: [], clientFin: false, blocked: false, done: false };
      this.pairs.set(requestID, pair);
      const p = pair;
      p.timer = setTimeout(() => {
        this.writeError(p, `(conn=${this.target.pod}, request=${requestID}) timed out waiting for streams`);
        this.finishPair(p, true);
      }, STREAM_CREATION_TIMEOUT_MS);
      p.timer.unref?.();
    }
    if (pair[type]) {
      this.writeError(pair, `error processing stream for request ${requestID}: ${type} stream already assigned`);
      this.send(rstStreamFrame(streamId, RST_CANCEL));
      return;
    }
    pair[type] = stream;
    if (fin && type === 'data') pair.clientFin = true;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      void this.forward(pair);
    }
  }

  private async forward(pair: Pair): Promise<void> {
    const port = pair.data!.port;
    let socket: Duplex;
    try {
      socket = await this.dial(this.target.namespace, this.target.pod, port);
    } catch (e) {
      this.writeError(pair, `error forwarding port ${port} to pod ${this.target.pod}, uid ${this.target.uid}: ${(e as Error).message}`);
      this.finishPair(pair, true);
      return;
    }
    if (this.ended || pair.done) {
      socket.destroy();
      return;
    }
    pair.socket = socket;
    const data = pair.data!;
    socket.on('data', (chunk: Buffer) => {
      this.send(dataFrame(data.id, chunk, false));
      if (this.transport.congested) {
        socket.pause();
        this.transport.onDrain(() => socket.resume());
      }
    });
    socket.on('end', () => this.finishPair(pair, true));
    socket.on('close', () => this.finishPair(pair, true));
    socket.on('error', () => this.finishPair(pair, true));
    for (const b of pair.early) this.toPod(pair, b);
    pair.early = [];
    if (pair.clientFin) socket.end();
  }

  private onData(streamId: number, data: Buffer, fin: boolean): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    const pair = this.pairs.get(stream.requestID);
    if (!pair || pair.done || stream.type !== 'data') return;
    if (data.length) {
      if (pair.socket) this.toPod(pair, data);
      else pair.early.push(data);
    }
    if (fin) {
      // kubectl's local connection reached EOF: half-close towards the pod and keep reading its answer.
      pair.clientFin = true;
      pair.socket?.end();
    }
  }

  private toPod(pair: Pair, data: Buffer): void {
    const socket = pair.socket!;
    if (socket.write(data) || pair.blocked) return;
    pair.blocked = true;
    if (this.blockedSockets++ === 0) this.transport.pause();
    socket.once('drain', () => this.unblock(pair));
  }

  private unblock(pair: Pair): void {
    if (!pair.blocked) return;
    pair.blocked = false;
    if (--this.blockedSockets === 0) this.transport.resume();
  }

  private onReset(streamId: number): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    stream.closed = true;
    const pair = this.pairs.get(stream.requestID);
    if (pair) this.finishPair(pair, true);
  }

  private writeError(pair: Pair, message: string): void {
    const err = pair.error;
    if (err && !err.closed) this.send(dataFrame(err.id, Buffer.from(message, 'utf8'), false));
  }

  /** Ends a pair: closes the pod connection and, if the client is still there, FINs both streams. */
  private finishPair(pair: Pair, tellClient: boolean): void {
    if (pair.done) return;
    pair.done = true;
    clearTimeout(pair.timer);
    this.unblock(pair);
    pair.socket?.destroy();
    for (const s of [pair.data, pair.error]) {
      if (!s) continue;
      if (tellClient && !s.closed) this.send(dataFrame(s.id, Buffer.alloc(0), true));
      s.closed = true;
      this.streams.delete(s.id);
    }
    this.pairs.delete(pair.requestID);
  }
}
