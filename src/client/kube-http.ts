// The HTTP side of the remote (kubeconfig) client: one request helper over
// node's http/https with the credentials `@kubernetes/client-node` derives
// from the kubeconfig (CA, client certificate, bearer token, exec and auth
// plugins — re-applied for every request, so refreshed tokens are used).
// Objects travel as plain JSON, never through the generated typed models, so
// every field a server sends (and every unknown one) is kept as is.
// Failures come back as values the rest of kubeterm already understands: a
// metav1.Status body becomes the same StatusError the embedded engine throws,
// and a connection failure names the server and the kubeconfig context.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { StatusError, type StatusDetails, type StatusReason } from '../api/errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/apis/apps/v1/namespaces/default/deployments/web`. */
  path: string;
  query?: Query;
  /** Sent as JSON (or as is when a string). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Gives up on a request (not a stream) that takes longer; default 30 s. */
  timeoutMs?: number;
}

/** kubectl's reason for an HTTP status when the body is not a Status. */
const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The message kubectl prints for a status it has no Status body for (client-go's `newUnstructuredResponseError`). */
function genericMessage(code: number): string {
  switch (code) {
    case 401:
      return 'the server has asked for the client to provide credentials';
    case 403:
      return 'the server does not allow access to the requested resource';
    case 404:
      return 'the server could not find the requested resource';
    case 405:
      return 'the server does not allow this method on the requested resource';
    case 409:
      return 'the server reported a conflict';
    case 410:
      return 'the server reported the resource is gone';
    case 415:
      return 'the server responded with the status code 415 but did not return more information';
    case 429:
      return 'the server has received too many requests and has asked us to try again later';
    case 500:
      return 'an error on the server has prevented the request from succeeding';
    case 503:
      return 'the server is currently unable to handle the request';
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    default:
      return `the server responded with the status code ${code} but did not return more information`;
  }
}

/** A response body (text) and status turned into a StatusError, preferring the server's own metav1.Status. */
export function statusErrorFrom(code: number, body: string): StatusError {
  let err: StatusError | undefined;
  try {
    const s = JSON.parse(body);
    if (s && s.kind === 'Status' && typeof s.message === 'string') {
      err = new StatusError(typeof s.code === 'number' ? s.code : code, (s.reason || REASONS[code] || 'InternalError') as StatusReason, s.message, s.details as StatusDetails | undefined);
    }
  } catch {
    // not JSON: fall through to the generic wording
  }
  if (!err) {
    const reason = REASONS[code] ?? (code === 429 ? ('TooManyRequests' as StatusReason) : 'InternalError');
    const text = body.trim().split('\n')[0]?.slice(0, 200);
    err = new StatusError(code, reason, text && code >= 500 ? `${genericMessage(code)} (${text})` : genericMessage(code));
  }
  // kubectl's words for refused credentials: the bare "Unauthorized" says nothing about what to fix.
  if (err.code === 401) return new StatusError(401, 'Unauthorized', `You must be logged in to the server (${err.message || 'Unauthorized'})`, err.details);
  return err;
}

export interface KubeHttpOptions {
  kubeConfig: KubeConfig;
  /** The kubeconfig context in use, named in connection errors. */
  context: string;
}

export class KubeHttp {
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly context: string;

  constructor(o: KubeHttpOptions) {
    this.kc = o.kubeConfig;
    this.context = o.context;
    const cluster = this.kc.getCurrentCluster();
    if (!cluster?.server) throw new Error(`kubeconfig context "${o.context}" names no cluster with a server address`);
    this.server = cluster.server.replace(/\/+$/, '');
  }

  url(path: string, query?: Query): URL {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** Sends a request and parses the JSON answer; a failure status throws its StatusError. */
  async json<T = any>(req: KubeRequest): Promise<T> {
    const res = await this.open(req);
    const text = await readAll(res);
    if (!text.trim()) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${req.method} ${req.path}: the server at ${this.server} answered with something that is not JSON`, { cause: e });
    }
  }

  /**
   * Streams the answer line by line (logs). Resolves when the server ends the
   * stream, or quietly when `signal` aborts it.
   */
  async lines(req: KubeRequest, onLine: (line: string) => void): Promise<void> {
    const res = await this.open({ ...req, timeoutMs: 0 });
    await new Promise<void>((resolve, reject) => {
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        rest += chunk;
        let i: number;
        while ((i = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, i).replace(/\r$/, '');
          rest = rest.slice(i + 1);
          onLine(line);
        }
      });
      res.on('end', () => {
        if (rest) onLine(rest);
        resolve();
      });
      res.on('error', (e) => (req.signal?.aborted ? resolve() : reject(this.connectionError(e))));
      res.on('close', () => resolve());
    });
  }

  /** Opens the request; resolves with a 2xx response, else rejects with the StatusError the body describes. */
  private async open(req: KubeRequest): Promise<IncomingMessage> {
    const url = this.url(req.path, req.query);
    const opts: RequestOptions & { headers: Record<string, string> } = { method: req.method, headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      opts.headers['Content-Type'] = req.contentType ?? 'application/json';
      opts.headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const timeoutMs = req.timeoutMs ?? 30_000;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = send(url, { ...opts, signal: req.signal }, (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve(res);
          return;
        }
        readAll(res).then(
          (body) => reject(statusErrorFrom(code, body)),
          (e) => reject(this.connectionError(e)),
        );
      });
      if (timeoutMs > 0) {
        r.setTimeout(timeoutMs, () => r.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })));
      }
      r.on('error', (e) => reject(req.signal?.aborted ? abortError() : this.connectionError(e)));
      r.end(payload);
    });
  }

  /** `connect ECONNREFUSED` → which server, which context, and the cause, in one line. */
  connectionError(e: unknown): Error {
    if (e instanceof StatusError) return e;
    const err = e as NodeJS.ErrnoException;
    const why = (err?.code && CONNECTION_ERRORS[err.code]) || (err?.message ?? String(e));
    return new Error(`cannot reach the Kubernetes API server at ${this.server} (kubeconfig context "${this.context}"): ${why}`, { cause: e });
  }
}

/** Socket error codes in words (node-fetch, used by the Watch, puts the URL and query in its messages). */
const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'no answer (timed out)',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export function abortError(): Error {
  const e = new Error('the request was cancelled');
  e.name = 'AbortError';
  return e;
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    res.on('data', (c: Buffer) => parts.push(c));
    res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    res.on('error', reject);
  });
}
