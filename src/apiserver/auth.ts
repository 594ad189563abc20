// Authentication: who a request is, from its `Authorization: Bearer` token.
//   - the admin token (the kubeconfig kubeterm writes) is the user
//     `kubernetes-admin` in `system:masters` (kubeadm's admin identity). It is
//     compared in constant time over SHA-256 digests (equal length by
//     construction), so neither its content nor its length leaks through timing;
//   - a ServiceAccount token (a JWT this cluster signed, see
//     src/api/auth/sa-token.ts) is `system:serviceaccount:NS:NAME` in
//     `system:serviceaccounts`, `system:serviceaccounts:NS` and
//     `system:authenticated`, while its ServiceAccount — and the pod or secret
//     it is bound to — exist with the uid in the token;
//   - anything else — no token, a malformed, expired, foreign-signed or
//     unbound one — is 401 `Unauthorized`, except on the public paths
//     (/healthz, /livez, /readyz and their sub-paths, /version), which answer
//     anyone as `system:anonymous` (system:unauthenticated), as a default
//     Kubernetes cluster lets anonymous clients read them.
// Tokens are never logged, and the 401 never says why (TokenReview does).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Api } from '../api/api.js';
import { ServiceAccountTokens, TokenError, type ServiceAccountClaims } from '../api/auth/sa-token.js';
import { adminUser, serviceAccountUser, type UserInfo } from '../api/auth/user.js';
import { StatusError } from '../api/errors.js';

const PUBLIC_PATHS = [/^\/(healthz|livez|readyz)(\/.*)?$/, /^\/version\/?$/];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((re) => re.test(pathname));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The bearer token of a request, or undefined when it carries none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1].trim() : undefined;
}

export class TokenAuthenticator {
  private readonly expected: Buffer;
  constructor(token: string) {
    if (!token) throw new Error('ApiServer needs a non-empty bearer token');
    this.expected = digest(token);
  }

  /** True when `token` is the admin token (constant time). */
  matches(token: string): boolean {
    return timingSafeEqual(digest(token), this.expected);
  }

  /** True when the request carries `Authorization: Bearer <token>` with the right token. */
  check(req: IncomingMessage): boolean {
    const t = bearerToken(req);
    return t !== undefined && this.matches(t);
  }
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** A token that authenticated: the user and the audiences it is good for. */
export interface Authenticated {
  user: UserInfo;
  audiences: string[];
}

/** Extra keys Kubernetes sets on ServiceAccount users. */
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';

/** Tokens stay valid this long after their bound pod was marked for deletion (graceful shutdown), as in Kubernetes. */
const DELETION_GRACE_MS = 60_000;

export class Authenticator {
  private readonly admin: TokenAuthenticator;

  constructor(
    private readonly api: Api,
    adminToken: string,
    readonly tokens: ServiceAccountTokens,
    private readonly now: () => number = Date.now,
  ) {
    this.admin = new TokenAuthenticator(adminToken);
  }

  /**
   * Authenticates a bearer token for `audiences` (default: the API server's).
   * Throws TokenError with the reason (for TokenReview) when it does not.
   */
  async authenticateToken(token: string, audiences?: readonly string[]): Promise<Authenticated> {
    const apiAudiences = [...this.tokens.apiAudiences];
    if (this.admin.matches(token)) {
      // A static token is audience-agnostic: good for the API server's audiences only.
      const auds = audiences && audiences.length ? apiAudiences.filter((a) => audiences.includes(a)) : apiAudiences;
      if (!auds.length) throw new TokenError('token audiences are invalid for the target audiences');
      return { user: adminUser(), audiences: auds };
    }
    if (!ServiceAccountTokens.looksLikeJwt(token)) throw new TokenError('invalid bearer token');
    const claims = await this.tokens.verify(token, { audiences });
    const user = this.boundUser(claims);
    const wanted = audiences && audiences.length ? audiences : apiAudiences;
    return { user, audiences: claims.aud.filter((a) => wanted.includes(a)) };
  }

  /** The ServiceAccount user of verified claims, once its ServiceAccount and bound object are checked. */
  private boundUser(claims: ServiceAccountClaims): UserInfo {
    const k = claims['kubernetes.io'];
    const ns = k.namespace;
    const sa = this.api.get('ServiceAccount', ns, k.serviceaccount.name);
    if (!sa) throw new TokenError(`serviceaccounts ${JSON.stringify(k.serviceaccount.name)} not found`);
    if (sa.metadata.uid !== k.serviceaccount.uid) throw new TokenError(`service account UID (${sa.metadata.uid ?? ''}) does not match claim (${k.serviceaccount.uid})`);
    if (this.markedLongAgo(sa.metadata.deletionTimestamp)) throw new TokenError(`service account ${ns}/${k.serviceaccount.name} has been deleted`);
    const extra: Record<string, string[]> = {};
    if (claims.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${claims.jti}`];
    if (k.pod) {
      const pod = this.api.get('Pod', ns, k.pod.name);
      if (!pod) throw new TokenError(`pods ${JSON.stringify(k.pod.name)} not found`);
      if (pod.metadata.uid !== k.pod.uid) throw new TokenError(`pod UID (${pod.metadata.uid ?? ''}) does not match claim (${k.pod.uid})`);
      if (this.markedLongAgo(pod.metadata.deletionTimestamp)) throw new TokenError(`pod ${ns}/${k.pod.name} has been deleted`);
      extra[EXTRA_POD_NAME] = [k.pod.name];
      extra[EXTRA_POD_UID] = [k.pod.uid];
    }
    if (k.secret) {
      const secret = this.api.get('Secret', ns, k.secret.name);
      if (!secret) throw new TokenError(`secrets ${JSON.stringify(k.secret.name)} not found`);
      if (secret.metadata.uid !== k.secret.uid) throw new TokenError(`secret UID (${secret.metadata.uid ?? ''}) does not match claim (${k.secret.uid})`);
      if (this.markedLongAgo(secret.metadata.deletionTimestamp)) throw new TokenError(`secret ${ns}/${k.secret.name} has been deleted`);
    }
    return serviceAccountUser(ns, k.serviceaccount.name, k.serviceaccount.uid, extra);
  }

  private markedLongAgo(ts: string | undefined): boolean {
    return !!ts && Date.parse(ts) < this.now() - DELETION_GRACE_MS;
  }

  /**
   * The user of a request: undefined when it carries no bearer token; throws
   * 401 when it carries one that does not authenticate.
   */
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const token = bearerToken(req);
    if (token === undefined) return undefined;
    try {
      return (await this.authenticateToken(token)).user;
    } catch (e) {
      if (e instanceof TokenError) throw unauthorized();
      throw e;
    }
  }
}
