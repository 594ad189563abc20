// SPDY/3.1 framing, the server half of what kubectl's port-forward speaks
// (github.com/moby/spdystream on the client). kubectl 1.32 tunnels it inside a
// WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`) or, as a fallback,
// over a raw `Upgrade: SPDY/3.1` connection; either way the bytes are these
// frames. Only what a port-forward session needs is here: frame parsing,
// SYN_REPLY/RST_STREAM/PING/GOAWAY/DATA writing, and the zlib header blocks.
// Flow control is not enforced in either direction, as spdystream enforces
// none: WINDOW_UPDATE frames are read and ignored.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

export const SPDY_VERSION = 3;

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;

export const FLAG_FIN = 0x01;

/** RST_STREAM status codes (SPDY/3 §2.4.2). */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

/** Larger frames are a protocol error; spdystream never sends more than 16 MiB either. */
const MAX_FRAME_PAYLOAD = 0xffffff;

export type SpdyFrame =
  | { control: false; streamId: number; flags: number; data: Buffer }
  | { control: true; version: number; type: number; flags: number; payload: Buffer };

/** Cuts a byte stream into frames; `push` returns the frames completed by the chunk. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUIntBE(5, 3);
      if (length > MAX_FRAME_PAYLOAD) throw new Error(`SPDY frame of ${length} bytes is too large`);
      if (this.pending.length < 8 + length) break;
      const head = this.pending.readUInt32BE(0);
      const flags = this.pending[4];
      const body = this.pending.subarray(8, 8 + length);
      if (head & 0x80000000) {
        frames.push({ control: true, version: (head >>> 16) & 0x7fff, type: head & 0xffff, flags, payload: body });
      } else {
        frames.push({ control: false, streamId: head & 0x7fffffff, flags, data: body });
      }
      this.pending = this.pending.subarray(8 + length);
    }
    return frames;
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | SPDY_VERSION) * 0x10000 + type, 0);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function synReplyFrame(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([id, headerBlock]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(RST_STREAM, 0, p);
}

export function pingFrame(id: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(id >>> 0);
  return controlFrame(PING, 0, p);
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(GOAWAY, 0, p);
}

/** A SYN_STREAM as a client sends it (tests and tools drive the server with it). */
export function synStreamFrame(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const p = Buffer.alloc(10);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(0, 4);
  return controlFrame(SYN_STREAM, fin ? FLAG_FIN : 0, Buffer.concat([p, headerBlock]));
}

/** The fields of a SYN_STREAM frame's payload. */
export function parseSynStream(payload: Buffer): { streamId: number; headerBlock: Buffer } {
  if (payload.length < 10) throw new Error('SYN_STREAM frame is too short');
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(10) };
}

/** The uncompressed name/value block: a count, then length-prefixed names and NUL-joined values. */
export function encodeHeaderPairs(headers: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  parts.push(u32(headers.length));
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Header names lowercased (SPDY requires it; Go's http.Header.Get canonicalises anyway). */
export function decodeHeaderPairs(block: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let at = 0;
  const u32 = () => {
    if (at + 4 > block.length) throw new Error('truncated SPDY header block');
    const n = block.readUInt32BE(at);
    at += 4;
    return n;
  };
  const bytes = (n: number) => {
    if (at + n > block.length) throw new Error('truncated SPDY header block');
    const s = block.subarray(at, at + n);
    at += n;
    return s;
  };
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = bytes(u32()).toString('utf8').toLowerCase();
    const values = bytes(u32()).toString('utf8').split('\0');
    out.set(name, [...(out.get(name) ?? []), ...values]);
  }
  return out;
}

/**
 * Compresses header blocks for one direction of a session. All blocks of a
 * session form ONE zlib stream, so each is written as stored (uncompressed)
 * deflate blocks after a single zlib header: valid for any inflater, needs no
 * shared compressor state, and the blocks we send (empty SYN_REPLYs) are tiny.
 * The zlib header does not claim the dictionary (FDICT unset), which zlib
 * readers accept: a dictionary only matters for back-references. Each block
 * ends as a sync flush does, with an empty stored block.
 */
export class HeaderDeflater {
  private started = false;

  encode(headers: [string, string][]): Buffer {
    const raw = encodeHeaderPairs(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      // CMF 0x78 (deflate, 32K window), FLG 0x01: (0x78 << 8 | 0x01) % 31 === 0, no FDICT.
      parts.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    const stored = (piece: Buffer) => {
      const head = Buffer.alloc(5);
      head[0] = 0x00; // BFINAL 0, BTYPE 00 (stored), padded to the byte
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
    };
    for (let at = 0; at < raw.length; at += 0xffff) stored(raw.subarray(at, at + 0xffff));
    // An empty stored block is what a sync flush ends with: it is where an
    // inflater (Go's compress/flate) hands out what it has without reading on.
    stored(Buffer.alloc(0));
    return Buffer.concat(parts);
  }
}

/**
 * Inflates the peer's header blocks: one zlib stream per session primed with
 * the SPDY/3 dictionary, each block ending at a sync flush. Calls must be
 * made one at a time, in frame order.
 */
export class HeaderInflater {
  private readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private chunks: Buffer[] = [];
  private failed?: Error;

  constructor() {
    this.inflate.on('data', (b: Buffer) => this.chunks.push(b));
    this.inflate.on('error', (e: Error) => (this.failed = e));
  }

  block(compressed: Buffer): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(new Error(`SPDY header block does not inflate: ${e.message}`));
      this.inflate.once('error', onError);
      this.inflate.write(compressed);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.inflate.off('error', onError);
        if (this.failed) return reject(this.failed);
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.inflate.removeAllListeners('data');
    this.inflate.on('error', () => undefined);
    this.inflate.close();
  }
}

/** Compresses header blocks as a real SPDY client does (zlib with the dictionary, sync flush): used by tests. */
export class HeaderCompressor {
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private chunks: Buffer[] = [];

  constructor() {
    this.deflate.on('data', (b: Buffer) => this.chunks.push(b));
  }

  block(headers: [string, string][]): Promise<Buffer> {
    return new Promise((resolve) => {
      this.deflate.write(encodeHeaderPairs(headers));
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.deflate.close();
  }
}
