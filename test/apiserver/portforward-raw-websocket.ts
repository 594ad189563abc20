// A bare WebSocket client over TLS for subprotocols the `ws` client refuses to
// offer: `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token, yet it is what
// kubectl (gorilla/websocket) sends. Handshake by hand, masked binary frames
// out, unmasked frames in (binary payloads handed on; close ends the stream).
import { createHash, randomBytes } from 'node:crypto';
import tls from 'node:tls';

export interface RawWebSocket {
  status: number;
  headers: Record<string, string>;
  send(data: Buffer): void;
  close(): void;
  socket: tls.TLSSocket;
}

export async function rawWebSocket(
  url: string,
  opts: { path: string; protocol: string; token: string; ca: string; onMessage: (b: Buffer) => void; onClose: () => void },
): Promise<RawWebSocket> {
  const u = new URL(url);
  const socket = tls.connect({ host: u.hostname, port: Number(u.port), ca: opts.ca });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  socket.write(
    [
      `GET ${opts.path} HTTP/1.1`,
      `Host: ${u.host}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${key}`,
      `Sec-WebSocket-Protocol: ${opts.protocol}`,
      `Authorization: Bearer ${opts.token}`,
    ].join('\r\n') + '\r\n\r\n',
  );
  let buf = Buffer.alloc(0);
  const head = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const at = buf.indexOf('\r\n\r\n');
      if (at < 0) return;
      socket.off('data', onData);
      const text = buf.subarray(0, at).toString('latin1');
      buf = buf.subarray(at + 4);
      resolve(text);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const status = Number(statusLine.split(' ')[1]);
  if (status === 101) {
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    if (headers['sec-websocket-accept'] !== accept) throw new Error('bad Sec-WebSocket-Accept');
  }
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      if (buf.length < at + len) return;
      const payload = buf.subarray(at, at + len);
      buf = buf.subarray(at + len);
      if (opcode === 2 || opcode === 0) opts.onMessage(payload);
      else if (opcode === 8) {
        socket.end();
        return;
      }
    }
  };
  const frame = (opcode: number, data: Buffer) => {
    const mask = randomBytes(4);
    const len = data.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (len >= 126 && len < 65536) {
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(len, 2);
    } else if (len >= 65536) {
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    const masked = Buffer.from(data);
    for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
    socket.write(Buffer.concat([head, mask, masked]));
  };
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    parse();
  });
  socket.on('close', () => opts.onClose());
  parse();
  return {
    status,
    headers,
    socket,
    send: (data) => frame(2, data),
    close: () => {
      frame(8, Buffer.from([0x03, 0xe8]));
      socket.end();
    },
  };
}
