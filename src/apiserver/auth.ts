// Bearer-token authentication. Tokens are compared in constant time over
// SHA-256 digests (equal length by construction), so neither the content nor
// the length of the expected token leaks through timing. Tokens are never
// logged. Health checks (/healthz, /livez, /readyz and their sub-paths) and
// /version answer without a token — as Kubernetes lets anonymous clients read
// them (system:public-info-viewer) — everything else needs the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../api/errors.js';

const PUBLIC_PATHS = [/^\/(healthz|livez|readyz)(\/.*)?$/, /^\/version\/?$/];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((re) => re.test(pathname));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class TokenAuthenticator {
  private readonly expected: Buffer;
  constructor(token: string) {
    if (!token) throw new Error('ApiServer needs a non-empty bearer token');
    this.expected = digest(token);
  }

  /** True when the request carries `Authorization: Bearer <token>` with the right token. */
  check(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    if (!m) return false;
    return timingSafeEqual(digest(m[1].trim()), this.expected);
  }
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}
