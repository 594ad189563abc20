// pods/portforward at the protocol level, with a loopback TCP server as the
// "pod" (it upper-cases what it reads, says "bye" when the client
// half-closes and hangs up on "quit"): the v4 channel WebSocket protocol (binary and base64, several
// ports, dial errors on the error channel), SPDY/3.1 tunnelled in a WebSocket
// and over a raw `Upgrade: SPDY/3.1` (stream pairs, SYN_REPLY, FIN both ways,
// PING, refused streams), and the refusals before any upgrade.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KubeObject } from '../../src/api/meta.js';
import {
  FLAG_FIN,
  FrameReader,
  HeaderCompressor,
  HeaderInflater,
  PING,
  RST_CANCEL,
  RST_STREAM,
  SYN_REPLY,
  dataFrame,
  decodeHeaderPairs,
  pingFrame,
  synStreamFrame,
  type SpdyFrame,
} from '../../src/apiserver/spdy.js';
import { freePort, loopbackDial } from '../helpers/loopback.js';
import { startTestServer, type TestServer } from './harness.js';
import { rawWebSocket } from './portforward-raw-websocket.js';

let s: TestServer;
let pod: net.Server;
let podPort: number;
let refusedPort: number;
const dialed: number[] = [];

const dial = loopbackDial(dialed);

beforeAll(async () => {
  pod = net.createServer({ allowHalfOpen: true }, (sock) => {
    sock.on('data', (d: Buffer) => (d.toString('utf8') === 'quit' ? sock.end('bye') : sock.write(d.toString('utf8').toUpperCase())));
    sock.on('end', () => sock.end('bye'));
    sock.on('error', () => sock.destroy());
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', () => r()));
  podPort = (pod.address() as net.AddressInfo).port;
  refusedPort = await freePort();
  s = await startTestServer({ portForward: dial });
  await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
  await s.api.modify('Pod', 'default', 'p', (o) => void (o.status = { phase: 'Running', podIP: '127.0.0.1' }), { status: true });
  await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
});

afterAll(async () => {
  await s?.close();
  await new Promise<void>((r) => (pod ? pod.close(() => r()) : r()));
});

const path = (q: string, name = 'p') => `/api/v1/namespaces/default/pods/${name}/portforward${q ? `?${q}` : ''}`;
const wsUrl = (q: string, name = 'p') => `${s.url.replace('https', 'wss')}${path(q, name)}`;
const uid = () => s.api.get('Pod', 'default', 'p')!.metadata.uid!;

interface Until {
  until<T>(what: string, fn: () => T | undefined | false): Promise<T>;
}

/** Resolves when fn returns something truthy, checking after every event (no sleeps). */
function waiter(): Until & { poke(): void } {
  const waiting: (() => void)[] = [];
  return {
    poke: () => {
      for (const w of [...waiting]) w();
    },
    until<T>(what: string, fn: () => T | undefined | false): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const v = fn();
          if (v) {
            waiting.splice(waiting.indexOf(check), 1);
            clearTimeout(timer);
            resolve(v);
          }
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${what}`));
        }, 10_000);
        waiting.push(check);
        check();
      });
    },
  };
}

/** A v4 channel client: every message as [channel, payload]. */
function channelClient(q: string, protocol: string) {
  const w = waiter();
  const messages: [number, Buffer][] = [];
  let closeCode: number | undefined;
  const ws = new WebSocket(wsUrl(q), [protocol], { headers: { Authorization: `Bearer ${s.token}` }, ca: s.ca });
  ws.on('message', (d: Buffer, isBinary: boolean) => {
    if (isBinary) messages.push([d[0], d.subarray(1)]);
    else {
      const t = d.toString('utf8');
      messages.push([t.charCodeAt(0) - 48, Buffer.from(t.slice(1), 'base64')]);
    }
    w.poke();
  });
  ws.on('close', (code) => {
    closeCode = code;
    w.poke();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const text = (ch: number) =>
    Buffer.concat(messages.filter(([c]) => c === ch).slice(1).map(([, b]) => b)).toString('utf8');
  return { ws, messages, opened, text, closed: () => w.until('close', () => closeCode), until: w.until };
}

/** Drives the server the way spdystream does on kubectl's side. */
class SpdyClient {
  readonly frames: SpdyFrame[] = [];
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  readonly inflater = new HeaderInflater();
  private readonly w = waiter();
  ended = false;

  constructor(private readonly write: (b: Buffer) => void) {}

  feed(b: Buffer): void {
    this.frames.push(...this.reader.push(b));
    this.w.poke();
  }

  end(): void {
    this.ended = true;
    this.w.poke();
  }

  until<T>(what: string, fn: () => T | undefined | false): Promise<T> {
    return this.w.until(what, fn);
  }

  async syn(id: number, headers: [string, string][]): Promise<void> {
    this.write(synStreamFrame(id, await this.compressor.block(headers)));
  }

  data(id: number, text: string, fin = false): void {
    this.write(dataFrame(id, Buffer.from(text), fin));
  }

  ping(id: number): void {
    this.write(pingFrame(id));
  }

  /** Everything received on a stream, and whether it was FIN'd. */
  stream(id: number): { text: string; fin: boolean } {
    const fs = this.frames.filter((f): f is Extract<SpdyFrame, { control: false }> => !f.control && f.streamId === id);
    return { text: Buffer.concat(fs.map((f) => f.data)).toString('utf8'), fin: fs.some((f) => (f.flags & FLAG_FIN) !== 0) };
  }

  control(type: number): Extract<SpdyFrame, { control: true }>[] {
    return this.frames.filter((f): f is Extract<SpdyFrame, { control: true }> => f.control && f.type === type);
  }

  close(): void {
    this.compressor.close();
    this.inflater.close();
  }
}

const pairHeaders = (type: 'error' | 'data', port: number, requestID: string): [string, string][] => [
  ['streamType', type],
  ['port', String(port)],
  ['requestID', requestID],
];

describe('v4.channel.k8s.io (the kubelet WebSocket protocol)', () => {
  it('opens each channel with the port, carries bytes both ways, and closes when the pod side ends', async () => {
    const c = channelClient(`ports=${podPort}`, 'v4.channel.k8s.io');
    await c.opened;
    expect(c.ws.protocol).toBe('v4.channel.k8s.io');
    const portBytes = Buffer.from([podPort & 0xff, podPort >> 8]);
    await c.until('the port prefixes', () => c.messages.length >= 2);
    expect(c.messages.slice(0, 2)).toEqual([
      [0, portBytes],
      [1, portBytes],
    ]);
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello pod')]));
    await c.until('the echo', () => c.text(0) === 'HELLO POD');
    // Bytes sent to an error channel are ignored, as by the kubelet.
    c.ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('ignored')]));
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('again')]));
    await c.until('the second echo', () => c.text(0) === 'HELLO PODAGAIN');
    // The pod hangs up: its last bytes arrive, then the server closes normally.
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('quit')]));
    expect(await c.closed()).toBe(1000);
    expect(c.text(0)).toBe('HELLO PODAGAINbye');
  });

  it('speaks base64 text frames, and forwards several ports on channel pairs 0/1, 2/3', async () => {
    const c = channelClient(`ports=${podPort},${podPort}`, 'v4.base64.channel.k8s.io');
    await c.opened;
    expect(c.ws.protocol).toBe('v4.base64.channel.k8s.io');
    await c.until('four port prefixes', () => c.messages.length >= 4);
    expect(c.messages.slice(0, 4).map(([ch, b]) => [ch, b.readUInt16LE(0)])).toEqual([
      [0, podPort],
      [1, podPort],
      [2, podPort],
      [3, podPort],
    ]);
    c.ws.send('0' + Buffer.from('first').toString('base64'));
    c.ws.send('2' + Buffer.from('second').toString('base64'));
    await c.until('both echoes', () => c.text(0) === 'FIRST' && c.text(2) === 'SECOND');
    c.ws.close();
    await c.closed();
  });

  it("reports a refused pod port on the error channel with the kubelet's wording, then closes", async () => {
    const c = channelClient(`ports=${refusedPort}`, 'v4.channel.k8s.io');
    await c.opened;
    expect(await c.closed()).toBe(1000);
    expect(c.text(1)).toMatch(new RegExp(`^error forwarding port ${refusedPort} to pod p, uid ${uid()}: .*ECONNREFUSED`));
    expect(c.text(0)).toBe('');
  });
});

describe('SPDY/3.1 tunnelled in a WebSocket (kubectl ≥1.31)', () => {
  it('answers each stream with SYN_REPLY, forwards the pair, half-closes on FIN, FINs both streams when the pod ends, echoes PING', async () => {
    let send: (b: Buffer) => void = () => undefined;
    const client = new SpdyClient((b) => send(b));
    const ws = await rawWebSocket(s.url, {
      path: path(''),
      protocol: 'SPDY/3.1+portforward.k8s.io',
      token: s.token,
      ca: s.ca,
      onMessage: (b) => client.feed(b),
      onClose: () => client.end(),
    });
    send = (b) => ws.send(b);
    expect(ws.status).toBe(101);
    expect(ws.headers['sec-websocket-protocol']).toBe('SPDY/3.1+portforward.k8s.io');

    await client.syn(1, pairHeaders('error', podPort, '0'));
    await client.syn(3, pairHeaders('data', podPort, '0'));
    client.data(1, '', true); // kubectl closes its side of the error stream at once
    client.data(3, 'over spdy');
    const replies = await client.until('two SYN_REPLYs', () => (client.control(SYN_REPLY).length === 2 ? client.control(SYN_REPLY) : undefined));
    expect(replies.map((r) => r.payload.readUInt32BE(0))).toEqual([1, 3]);
    // The reply header blocks are one zlib stream a standard inflater reads: here, empty header sets.
    for (const r of replies) expect(decodeHeaderPairs(await client.inflater.block(r.payload.subarray(4))).size).toBe(0);

    await client.until('the echo', () => client.stream(3).text === 'OVER SPDY');
    client.ping(1);
    const pong = await client.until('the PING answer', () => client.control(PING)[0]);
    expect(pong.payload.readUInt32BE(0)).toBe(1);

    // Local EOF: the pod sees its input end, answers "bye" and closes; both streams end with FIN.
    client.data(3, '', true);
    await client.until('FIN on data and error streams', () => client.stream(3).fin && client.stream(1).fin);
    expect(client.stream(3).text).toBe('OVER SPDYbye');
    expect(client.stream(1).text).toBe('');

    // A second connection on the same session: a new pair (requestID 1), a new pod connection.
    await client.syn(5, pairHeaders('error', podPort, '1'));
    await client.syn(7, pairHeaders('data', podPort, '1'));
    client.data(7, 'two');
    await client.until('the second echo', () => client.stream(7).text === 'TWO');
    ws.close();
    await client.until('the close', () => client.ended);
    client.close();
  });
});

describe('SPDY/3.1 over a raw upgrade (kubectl’s fallback)', () => {
  async function rawSpdy(headers: Record<string, string>): Promise<{ status: string; head: string; client: SpdyClient; socket: tls.TLSSocket }> {
    const url = new URL(s.url);
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: s.ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    const lines = [`POST ${path('')} HTTP/1.1`, `Host: ${url.host}`, `Authorization: Bearer ${s.token}`, 'Content-Length: 0', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    const client = new SpdyClient((b) => socket.write(b));
    let buf = Buffer.alloc(0);
    const head = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        const at = buf.indexOf('\r\n\r\n');
        if (at < 0) return;
        socket.off('data', onData);
        socket.on('data', (more: Buffer) => client.feed(more));
        if (buf.length > at + 4) client.feed(buf.subarray(at + 4));
        resolve(buf.subarray(0, at).toString('latin1'));
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    socket.on('close', () => client.end());
    return { status: head.split('\r\n')[0], head, client, socket };
  }

  it('switches protocols, writes a refused dial on the error stream and FINs the pair', async () => {
    const { status, head, client, socket } = await rawSpdy({ Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
    expect(status).toBe('HTTP/1.1 101 Switching Protocols');
    expect(head).toMatch(/^X-Stream-Protocol-Version: portforward\.k8s\.io$/m);
    expect(head).toMatch(/^Upgrade: SPDY\/3\.1$/m);
    await client.syn(1, pairHeaders('error', refusedPort, '0'));
    await client.syn(3, pairHeaders('data', refusedPort, '0'));
    await client.until('FIN on both streams', () => client.stream(1).fin && client.stream(3).fin);
    expect(client.stream(1).text).toMatch(new RegExp(`^error forwarding port ${refusedPort} to pod p, uid ${uid()}: .*ECONNREFUSED`));
    expect(client.stream(3).text).toBe('');
    // A stream without a port header is refused with RST_STREAM (CANCEL), as spdystream resets it.
    await client.syn(5, [['streamType', 'data']]);
    const rst = await client.until('RST_STREAM', () => client.control(RST_STREAM)[0]);
    expect([rst.payload.readUInt32BE(0), rst.payload.readUInt32BE(4)]).toEqual([5, RST_CANCEL]);
    socket.destroy();
    client.close();
  });

  it('refuses a client that offers no protocol it knows with 403', async () => {
    const { status, head, socket, client } = await rawSpdy({ Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v9.portforward.example' });
    expect(status).toBe('HTTP/1.1 403 Forbidden');
    expect(head).not.toMatch(/Upgrade: SPDY/);
    socket.destroy();
    client.close();
  });
});

describe('refusals before the upgrade', () => {
  async function refused(url: string, protocol: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, [protocol], { headers: { Authorization: `Bearer ${s.token}` }, ca: s.ca });
      ws.on('open', () => reject(new Error('upgraded')));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
  }

  it('a plain request is a 400 "Upgrade request required"', async () => {
    // kubectl's own client trusts the test CA; a GET without Upgrade is what `get --raw` sends.
    const out = await s.kubectl(['get', '--raw', path(`ports=${podPort}`)]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/Upgrade request required/);
  });

  it('a missing pod is 404, a pod not running is 400, v4 without ports is 400', async () => {
    expect(await refused(wsUrl('ports=80', 'nope'), 'v4.channel.k8s.io')).toMatchObject({ status: 404, body: expect.stringContaining('pods \\"nope\\" not found') });
    expect(await refused(wsUrl('ports=80', 'pending'), 'v4.channel.k8s.io')).toMatchObject({
      status: 400,
      body: expect.stringContaining('unable to forward port because pod is not running. Current status=Pending'),
    });
    expect(await refused(wsUrl(''), 'v4.channel.k8s.io')).toMatchObject({ status: 400, body: expect.stringContaining('query parameter \\"port\\" is required') });
    expect(await refused(wsUrl('ports=0'), 'v4.channel.k8s.io')).toMatchObject({ status: 400, body: expect.stringContaining('must be > 0') });
  });

  it('without a dial hook the server answers 503', async () => {
    const bare = await startTestServer({}, { tls: false });
    try {
      await bare.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
      await bare.api.modify('Pod', 'default', 'p', (o) => void (o.status = { phase: 'Running', podIP: '127.0.0.1' }), { status: true });
      const res = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${bare.url.replace('http', 'ws')}${path('ports=80')}`, ['v4.channel.k8s.io'], { headers: { Authorization: `Bearer ${bare.token}` } });
        ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      });
      expect(res).toBe(503);
    } finally {
      await bare.close();
    }
  });
});
