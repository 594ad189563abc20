// Writing responses: JSON bodies, metav1.Status errors, and the one place that
// turns any thrown value into a Status so a bad request never crashes the server.
import type { ServerResponse } from 'node:http';
import { StatusError, internalError, type Status } from '../api/errors.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJsonText(res, code, JSON.stringify(body), headers);
}

/** A body that is JSON text already (an object's cached text). */
export function sendJsonText(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any error → metav1.Status. StatusErrors keep their code; the rest are 500 without internals leaking. */
export function toStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  return internalError((e as Error)?.message ?? String(e), e);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = toStatusError(e);
  // As responsewriters.ErrorNegotiated: a Status that says when to retry also says it in Retry-After.
  const retry = err.details?.retryAfterSeconds;
  sendJson(res, err.code, err.toStatus(), retry && retry > 0 ? { 'Retry-After': String(retry) } : {});
}

export function successStatus(details: Status['details']): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
