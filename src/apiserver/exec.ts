// pods/<name>/exec over WebSocket, subprotocol v5.channel.k8s.io (v4 also
// accepted): every binary message starts with a channel byte — 0 stdin,
// 1 stdout, 2 stderr, 3 error/status (a metav1.Status JSON with the exit
// code), 4 resize ({"Width":..,"Height":..}); v5 adds 255 "close channel"
// (the client's stdin EOF). The command runs through the injected `exec`
// function (the kubelet's runtime).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Api } from '../api/api.js';
import { StatusError, badRequest } from '../api/errors.js';
import { pickContainer } from './logs.js';
import type { ResourceRequest } from './request-info.js';
import { toStatusError } from './respond.js';

export interface ExecIO {
  /** Present when the client asked for stdin; ends when the client closes stdin. */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty: boolean;
  /** Terminal size changes from the client (tty sessions). */
  onResize(handler: (size: { width: number; height: number }) => void): void;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export type ExecFn = (namespace: string, pod: string, container: string, command: string[], io: ExecIO) => Promise<{ exitCode: number }>;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export function exitStatus(exitCode: number, command: string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Answers an upgrade request with a metav1.Status instead of switching protocols. */
export function rejectUpgrade(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  const reason = err.code === 401 ? 'Unauthorized' : err.code === 404 ? 'Not Found' : err.code === 403 ? 'Forbidden' : err.code === 503 ? 'Service Unavailable' : 'Bad Request';
  socket.end(`HTTP/1.1 ${err.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export class ExecHandler {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => EXEC_PROTOCOLS.find((p) => protocols.has(p)) ?? false,
  });
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly api: Api,
    private readonly exec: ExecFn | undefined,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rr: ResourceRequest, query: URLSearchParams): void {
    let container: string;
    let command: string[];
    try {
      if (rr.subresource !== 'exec') throw new StatusError(400, 'BadRequest', `${rr.resource}/${rr.subresource} is not served over WebSocket by kubeterm`);
      const pod = this.api.mustGet('Pod', rr.namespace, rr.name);
      container = pickContainer(pod, query.get('container'));
      command = query.getAll('command');
      if (command.length === 0) throw badRequest('you must specify at least 1 command');
      if (!this.exec) throw new StatusError(503, 'ServiceUnavailable', 'exec is not available: no container runtime is attached to this API server');
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
      }
    } catch (e) {
      rejectUpgrade(socket, toStatusError(e));
      return;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) {
      rejectUpgrade(socket, badRequest(`unable to upgrade: no supported subprotocol among [${offered.join(', ')}]; kubeterm speaks ${EXEC_PROTOCOLS.join(', ')}`));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.session(ws, rr, container, command, query));
  }

  private session(ws: WebSocket, rr: ResourceRequest, container: string, command: string[], query: URLSearchParams): void {
    this.sockets.add(ws);
    const flag = (n: string) => query.get(n) === 'true' || query.get(n) === '1';
    const tty = flag('tty');
    const abort = new AbortController();
    const stdin = flag('stdin') ? new PassThrough() : undefined;
    const resizeHandlers: ((s: { width: number; height: number }) => void)[] = [];
    const channel = (ch: number) =>
      new Writable({
        write(chunk: Buffer | string, _enc, cb) {
          if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(chunk)]), cb);
          else cb();
        },
      });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data);
      if (buf.length === 0) return;
      const ch = buf[0];
      const payload = buf.subarray(1);
      if (ch === STDIN) stdin?.write(payload);
      else if (ch === RESIZE) {
        try {
          const s = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
          for (const h of resizeHandlers) h({ width: s.Width ?? 0, height: s.Height ?? 0 });
        } catch {
          /* a malformed resize is ignored, as the kubelet does */
        }
      } else if (ch === CLOSE && payload[0] === STDIN) stdin?.end();
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      abort.abort();
      stdin?.end();
    });
    ws.on('error', () => abort.abort());
    const io: ExecIO = {
      stdin,
      stdout: flag('stdout') ? channel(STDOUT) : undefined,
      stderr: flag('stderr') && !tty ? channel(STDERR) : undefined,
      tty,
      onResize: (h) => resizeHandlers.push(h),
      signal: abort.signal,
    };
    const finish = (status: Record<string, unknown>) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.concat([Buffer.from([ERROR]), Buffer.from(JSON.stringify(status))]), () => ws.close(1000));
    };
    this.exec!(rr.namespace, rr.name, container, command, io).then(
      ({ exitCode }) => finish(exitStatus(exitCode, command)),
      (e: unknown) => {
        const err = toStatusError(e);
        finish({ metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code });
      },
    );
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
  }
}
