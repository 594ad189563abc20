// Turns dockerode failures into errors a user can act on. dockerode reports
// engine replies as `(HTTP code 404) no such container - No such container: x`
// with the engine's own words in `json.message`; socket failures come as
// ECONNREFUSED/ENOENT. The kubelet shows these messages in Events and in the
// node's Ready condition, so they name Docker and say what went wrong.

interface DockerodeError {
  statusCode?: number;
  code?: string;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNRESET', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** The engine's own message (e.g. `No such image: foo:1`), else the error's. */
export function dockerMessage(e: unknown): string {
  const err = e as DockerodeError;
  const fromJson = err?.json && typeof err.json === 'object' ? err.json.message : undefined;
  if (fromJson) return fromJson;
  if (typeof err?.json === 'string' && (err.json as string).trim()) return (err.json as string).trim();
  return err?.message ?? String(e);
}

export function statusCode(e: unknown): number | undefined {
  return (e as DockerodeError)?.statusCode;
}

export function isNotFound(e: unknown): boolean {
  return statusCode(e) === 404;
}

export function isUnreachable(e: unknown): boolean {
  const code = (e as DockerodeError)?.code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** Wraps any dockerode failure: `docker <op>: <engine message>`, or a clear "cannot connect". */
export function dockerError(op: string, e: unknown, socket = '/var/run/docker.sock'): Error {
  if (isUnreachable(e)) {
    const code = (e as DockerodeError).code;
    return new Error(`Cannot connect to the Docker daemon at unix://${socket}. Is the docker daemon running? (${op}: ${code})`, { cause: e });
  }
  return new Error(`docker ${op}: ${dockerMessage(e)}`, { cause: e });
}
