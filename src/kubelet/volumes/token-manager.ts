// The kubelet's ServiceAccount token cache (kubernetes pkg/kubelet/token):
// projected `serviceAccountToken` sources ask here for a token bound to their
// pod. A token is fetched from the injected source (the engine's issuer, which
// signs a JWT the API server accepts) and kept until it needs refreshing —
// once 80% of its lifetime has passed, or 24 hours after it was issued,
// whichever comes first — so the periodic volume resync rewrites the token
// file (atomically, through the volume's AtomicWriter) well before it expires.
// A pod's tokens are forgotten when its volumes are cleaned up.
import type { Clock } from '../../util/clock.js';

export interface TokenRequest {
  namespace: string;
  serviceAccountName: string;
  /** Empty: the API server's own audiences. */
  audiences: string[];
  expirationSeconds: number;
  /** The pod the token is bound to. */
  pod: { name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** When the token expires (RFC 3339 text, a Date or epoch milliseconds). */
  expirationTimestamp: string | Date | number;
}

/** Issues one token (the TokenRequest the kubelet makes); rejects with the reason when it cannot. */
export type TokenSource = (req: TokenRequest) => Promise<IssuedToken>;

export interface TokenManagerOptions {
  clock: Clock;
  source: TokenSource;
  /** A token is refreshed at the latest this long after it was issued (default 24 h). */
  maxTTLMs?: number;
}

interface Entry {
  token: string;
  expiresAt: number;
  /** The lifetime asked for: issued-at is expiresAt minus this. */
  ttlMs: number;
  podUid: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class TokenManager {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly clock: Clock;
  private readonly source: TokenSource;
  private readonly maxTTLMs: number;

  constructor(opts: TokenManagerOptions) {
    if (!opts?.clock) throw new Error('TokenManager: clock is required');
    if (typeof opts.source !== 'function') throw new Error('TokenManager: source is required');
    this.clock = opts.clock;
    this.source = opts.source;
    this.maxTTLMs = opts.maxTTLMs ?? DAY_MS;
  }

  /** A valid token for the request: the cached one, or a fresh one when it is due for refresh. Rejects with `failed to fetch token: …`. */
  async get(req: TokenRequest): Promise<string> {
    const key = keyOf(req);
    const cur = this.cache.get(key);
    if (cur && !this.requiresRefresh(cur)) return cur.token;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetch(key, req, cur).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Forgets every token bound to the pod. */
  forgetPod(uid: string): void {
    for (const [k, e] of this.cache) if (e.podUid === uid) this.cache.delete(k);
  }

  /** Cached tokens (diagnostics, tests). */
  get size(): number {
    return this.cache.size;
  }

  /** Due once 80% of the lifetime has passed (20% left) or maxTTL after issue. */
  requiresRefresh(e: Pick<Entry, 'expiresAt' | 'ttlMs'>): boolean {
    const now = this.clock.now();
    const issuedAt = e.expiresAt - e.ttlMs;
    if (now >= issuedAt + this.maxTTLMs) return true;
    return now >= e.expiresAt - e.ttlMs / 5;
  }

  private async fetch(key: string, req: TokenRequest, cur: Entry | undefined): Promise<string> {
    let issued: IssuedToken;
    try {
      issued = await this.source(req);
    } catch (e) {
      // A token still valid is better than none: keep serving it until it really expires (as the kubelet does).
      if (cur && this.clock.now() < cur.expiresAt) return cur.token;
      throw new Error(`failed to fetch token: ${(e as Error).message}`, { cause: e });
    }
    const expiresAt = toMillis(issued.expirationTimestamp);
    if (!issued.token || !Number.isFinite(expiresAt)) throw new Error('failed to fetch token: the token source returned no token or no expiration');
    this.cache.set(key, { token: issued.token, expiresAt, ttlMs: req.expirationSeconds * 1000, podUid: req.pod.uid });
    return issued.token;
  }
}

function keyOf(r: TokenRequest): string {
  return JSON.stringify([r.namespace, r.serviceAccountName, [...r.audiences].sort(), r.expirationSeconds, r.pod.uid]);
}

function toMillis(t: string | Date | number): number {
  if (typeof t === 'number') return t;
  if (t instanceof Date) return t.getTime();
  return Date.parse(t);
}
