// Request bodies: read with a size cap (413 beyond it, as the Kubernetes API
// server caps at 3 MiB), then decode by Content-Type — JSON, YAML (apply
// configurations) or Kubernetes protobuf. Malformed input is a 400 that says
// why; nothing here throws anything but a StatusError.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StatusError, badRequest } from '../api/errors.js';
import { decodeProtobufObject } from './protobuf.js';

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export function tooLarge(limit: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // drain so the connection can answer
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(badRequest(`error reading request body: ${e.message}`));
    });
  });
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** Decodes an object body (create/update). */
export function decodeObject(body: Buffer, contentType: string): Record<string, unknown> {
  if (body.length === 0) throw badRequest('the request body is empty');
  let v: unknown;
  if (contentType === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
  if (contentType === 'application/yaml' || contentType === 'application/apply-patch+yaml') {
    try {
      v = parseYaml(body.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  } else if (contentType === '' || contentType === 'application/json' || contentType.endsWith('+json')) {
    v = parseJson(body);
  } else {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('the request body must be a JSON object');
  return v as Record<string, unknown>;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding JSON: ${(e as Error).message}`);
  }
}
