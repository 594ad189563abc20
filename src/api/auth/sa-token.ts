// Bound ServiceAccount tokens: ES256-signed JWTs with the claims kube-apiserver
// puts in the tokens of the TokenRequest API (pkg/serviceaccount/claims.go):
// iss, sub `system:serviceaccount:NS:NAME`, aud, exp, iat, nbf, jti, and the
// private claim `kubernetes.io: {namespace, serviceaccount: {name, uid},
// pod|secret: {name, uid}}`. The header's `kid` is the SHA-256 of the public
// key's DER, base64url, as Kubernetes computes it.
//
// The signing key lives in a directory (`sa.key`, PKCS#8 PEM, and `sa.pub`,
// SPKI PEM, both mode 0600), created once and loaded on restart so tokens
// survive it; without a directory the key is in memory (tests). `verify`
// checks signature, issuer, audience and time only: whether the
// ServiceAccount (and bound object) still exist with the claimed uid is the
// API server's question, as it owns the store.
import { rfc3339 } from '../time.js';
import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, errors as joseErrors, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { serviceAccountUsername } from './user.js';

/** kubeadm's `--service-account-issuer`; also the API server's audience. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const ALG = 'ES256';
const KEY_FILE = 'sa.key';
const PUB_FILE = 'sa.pub';

export interface BoundObject {
  kind: 'Pod' | 'Secret';
  name: string;
  uid: string;
}

export interface IssueRequest {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  /** Who may accept the token; empty: the API server's audiences (the issuer). */
  audiences?: string[];
  /** Lifetime in seconds (whole, > 0). The TokenRequest API asks for ≥ 600. */
  expirationSeconds: number;
  boundObject?: BoundObject;
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, seconds precision (metav1.Time). */
  expirationTimestamp: string;
}

interface Ref {
  name: string;
  uid: string;
}

/** The claims of a verified token. Times are seconds since the epoch. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: Ref;
    pod?: Ref;
    secret?: Ref;
  };
}

/** A token refused: the message is safe to show (it never contains the token). */
export class TokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenError';
  }
}

export interface ServiceAccountTokensOptions {
  /** Where the signing key is kept; omitted: an in-memory key (tests, nothing survives a restart). */
  dir?: string;
  issuer?: string;
  /** Milliseconds since the epoch; injected so tests step time. */
  now?: () => number;
}

interface Keys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
}

const VERIFIED_CACHE_MAX = 4096;

function keyId(spkiPem: string): string {
  const der = Buffer.from(spkiPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('base64url');
}

async function writePrivate(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function loadOrCreateKeys(dir: string | undefined): Promise<Keys> {
  if (dir) {
    const pem = await readIfPresent(join(dir, KEY_FILE));
    if (pem) {
      const privateKey = await importPKCS8(pem, ALG, { extractable: true });
      // The public key is derived again from the private one: a stale or edited sa.pub cannot disagree.
      const spki = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
      return { privateKey, publicKey: await importSPKI(spki, ALG), kid: keyId(spki) };
    }
  }
  const pair = await generateKeyPair(ALG, { extractable: true });
  const spki = await exportSPKI(pair.publicKey);
  if (dir) {
    await mkdir(dir, { recursive: true });
    await writePrivate(join(dir, PUB_FILE), spki);
    await writePrivate(join(dir, KEY_FILE), await exportPKCS8(pair.privateKey));
  }
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, kid: keyId(spki) };
}

const isRef = (v: unknown): v is Ref => !!v && typeof v === 'object' && typeof (v as Ref).name === 'string' && typeof (v as Ref).uid === 'string';

function secondsRfc3339(seconds: number): string {
  return rfc3339(seconds * 1000);
}

export class ServiceAccountTokens {
  readonly issuer: string;
  /** The audiences the API server accepts (kube-apiserver `--api-audiences`, default the issuer). */
  readonly apiAudiences: readonly string[];
  private readonly dir?: string;
  private readonly now: () => number;
  private keys?: Promise<Keys>;
  /** Tokens whose signature was checked already → their claims; time and audience are checked on every use. */
  private readonly verified = new Map<string, ServiceAccountClaims>();

  constructor(opts: ServiceAccountTokensOptions = {}) {
    this.dir = opts.dir;
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = [this.issuer];
    this.now = opts.now ?? Date.now;
  }

  /** Loads (or creates) the signing key; call once at start to surface file errors early. */
  async ready(): Promise<void> {
    await this.loadKeys();
  }

  private loadKeys(): Promise<Keys> {
    if (!this.keys) {
      this.keys = loadOrCreateKeys(this.dir).catch((e: unknown) => {
        this.keys = undefined;
        throw new Error(`cannot load the ServiceAccount signing key${this.dir ? ` in ${this.dir}` : ''}: ${(e as Error).message}`, { cause: e });
      });
    }
    return this.keys;
  }

  async issue(req: IssueRequest): Promise<IssuedToken> {
    if (!req.namespace || !req.serviceAccountName || !req.serviceAccountUid) throw new Error('issue needs the ServiceAccount namespace, name and uid');
    if (!Number.isSafeInteger(req.expirationSeconds) || req.expirationSeconds <= 0) {
      throw new Error(`expirationSeconds must be a whole number of seconds > 0, got ${String(req.expirationSeconds)}`);
    }
    const keys = await this.loadKeys();
    const now = Math.floor(this.now() / 1000);
    const exp = now + req.expirationSeconds;
    const audiences = req.audiences && req.audiences.length ? [...req.audiences] : [...this.apiAudiences];
    const k8s: ServiceAccountClaims['kubernetes.io'] = {
      namespace: req.namespace,
      serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUid },
    };
    if (req.boundObject?.kind === 'Pod') k8s.pod = { name: req.boundObject.name, uid: req.boundObject.uid };
    else if (req.boundObject?.kind === 'Secret') k8s.secret = { name: req.boundObject.name, uid: req.boundObject.uid };
    const token = await new SignJWT({ 'kubernetes.io': k8s })
      .setProtectedHeader({ alg: ALG, kid: keys.kid })
      .setIssuer(this.issuer)
      .setSubject(serviceAccountUsername(req.namespace, req.serviceAccountName))
      .setAudience(audiences)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(keys.privateKey);
    return { token, expirationTimestamp: secondsRfc3339(exp) };
  }

  /** True when the string has the shape of a JWT (three base64url parts). Cheap; says nothing about validity. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  /**
   * The claims of a token this issuer signed, valid now for one of `audiences`
   * (default: the API server's). Throws TokenError otherwise.
   */
  async verify(token: string, opts: { audiences?: readonly string[] } = {}): Promise<ServiceAccountClaims> {
    const audiences = opts.audiences && opts.audiences.length ? opts.audiences : this.apiAudiences;
    let claims = this.verified.get(token);
    if (!claims) {
      if (!ServiceAccountTokens.looksLikeJwt(token)) throw new TokenError('invalid bearer token, token is not a JWT');
      const keys = await this.loadKeys();
      try {
        const { payload } = await jwtVerify(token, keys.publicKey, { algorithms: [ALG], issuer: this.issuer, currentDate: new Date(this.now()) });
        claims = checkShape(payload);
      } catch (e) {
        throw describeJoseError(e);
      }
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      this.verified.set(token, claims);
    }
    const now = Math.floor(this.now() / 1000);
    if (now >= claims.exp) {
      this.verified.delete(token);
      throw new TokenError('service account token has expired');
    }
    if (now < claims.nbf) throw new TokenError('service account token is not valid yet');
    if (!claims.aud.some((a) => audiences.includes(a))) {
      throw new TokenError(`token audiences ${goQuoteList(claims.aud)} is invalid for the target audiences ${goQuoteList([...audiences])}`);
    }
    return claims;
  }
}

function goQuoteList(xs: string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

function checkShape(p: Record<string, unknown>): ServiceAccountClaims {
  const k = p['kubernetes.io'] as ServiceAccountClaims['kubernetes.io'] | undefined;
  const aud = typeof p.aud === 'string' ? [p.aud] : p.aud;
  if (
    typeof p.sub !== 'string' || typeof p.exp !== 'number' || typeof p.nbf !== 'number' || typeof p.iat !== 'number' ||
    !Array.isArray(aud) || !aud.every((a) => typeof a === 'string') ||
    !k || typeof k !== 'object' || typeof k.namespace !== 'string' || !isRef(k.serviceaccount) ||
    (k.pod !== undefined && !isRef(k.pod)) || (k.secret !== undefined && !isRef(k.secret)) ||
    p.sub !== serviceAccountUsername(k.namespace, k.serviceaccount.name)
  ) {
    throw new TokenError('invalid bearer token, the token claims are malformed');
  }
  return { ...(p as unknown as ServiceAccountClaims), aud: aud as string[] };
}

function describeJoseError(e: unknown): TokenError {
  if (e instanceof TokenError) return e;
  if (e instanceof joseErrors.JWTExpired) return new TokenError('service account token has expired', { cause: e });
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return new TokenError('service account token is not valid yet', { cause: e });
    if (e.claim === 'iat') return new TokenError('service account token is issued in the future', { cause: e });
    if (e.claim === 'iss') return new TokenError('invalid bearer token, the token was not issued by this cluster', { cause: e });
    return new TokenError(`invalid bearer token, claim "${e.claim}" is invalid`, { cause: e });
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenError('invalid bearer token, the token signature is invalid', { cause: e });
  return new TokenError('invalid bearer token, the token is malformed', { cause: e });
}
