// ServiceAccount tokens: the claims Kubernetes puts in bound tokens, keys kept
// in a folder (0600) and reused on restart, and every way a token must be
// refused — expired, not yet valid, signed by another key, tampered, for
// another audience, or bound to a ServiceAccount / pod that is gone or was
// recreated (the API server's Authenticator checks those against the store).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { DEFAULT_ISSUER, ServiceAccountTokens, TokenError } from '../../src/api/auth/sa-token.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Authenticator } from '../../src/apiserver/auth.js';
import { MemoryStore } from '../../state/store.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
let now = T0;
const clock = () => now;
const req = { namespace: 'team', serviceAccountName: 'reader', serviceAccountUid: 'sa-uid-1', expirationSeconds: 3600 };

describe('ServiceAccountTokens', () => {
  let dir: string;
  beforeEach(async () => {
    now = T0;
    dir = await mkdtemp(join(tmpdir(), 'kubeterm-satoken-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('issues bound tokens with Kubernetes claims', async () => {
    const tokens = new ServiceAccountTokens({ now: clock });
    const { token, expirationTimestamp } = await tokens.issue({ ...req, audiences: ['api', 'vault'], boundObject: { kind: 'Pod', name: 'web-1', uid: 'pod-uid-1' } });
    expect(expirationTimestamp).toBe('2026-03-01T13:00:00Z');
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('ES256');
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const c = decodeJwt(token);
    expect(c).toMatchObject({
      iss: DEFAULT_ISSUER,
      sub: 'system:serviceaccount:team:reader',
      aud: ['api', 'vault'],
      iat: T0 / 1000,
      nbf: T0 / 1000,
      exp: T0 / 1000 + 3600,
      'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'reader', uid: 'sa-uid-1' }, pod: { name: 'web-1', uid: 'pod-uid-1' } },
    });
    expect(typeof c.jti).toBe('string');
    const claims = await tokens.verify(token, { audiences: ['vault'] });
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'web-1', uid: 'pod-uid-1' });
    // Default audience: the API server's (the issuer).
    const plain = await tokens.issue(req);
    expect(decodeJwt(plain.token).aud).toEqual([DEFAULT_ISSUER]);
    await expect(tokens.verify(plain.token)).resolves.toMatchObject({ sub: 'system:serviceaccount:team:reader' });
  });

  it('keeps its key in the folder (0600) and reuses it after a restart', async () => {
    const first = new ServiceAccountTokens({ dir, now: clock });
    const { token } = await first.issue(req);
    for (const f of ['sa.key', 'sa.pub']) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o600);
    const again = new ServiceAccountTokens({ dir, now: clock });
    await expect(again.verify(token)).resolves.toMatchObject({ sub: 'system:serviceaccount:team:reader' });
    expect(decodeProtectedHeader((await again.issue(req)).token).kid).toBe(decodeProtectedHeader(token).kid);
  });

  it('refuses expired, early, foreign, tampered, other-audience and malformed tokens', async () => {
    const tokens = new ServiceAccountTokens({ now: clock });
    const other = new ServiceAccountTokens({ now: clock });
    const otherIssuer = new ServiceAccountTokens({ now: clock, issuer: 'https://elsewhere.example' });
    const { token } = await tokens.issue(req);

    const refuse = async (t: string, msg: RegExp, opts?: { audiences?: string[] }) => {
      const e = await tokens.verify(t, opts).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(TokenError);
      expect((e as Error).message).toMatch(msg);
    };

    await refuse((await other.issue(req)).token, /signature/);
    await refuse((await otherIssuer.issue(req)).token, /invalid bearer token/);
    const [h, p, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    await refuse(`${h}.${forged}.${sig}`, /signature/);
    await refuse(`${h}.${p}.${sig.slice(0, -4)}AAAA`, /invalid bearer token/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    await refuse(none, /invalid bearer token/);
    await refuse('not-a-jwt', /not a JWT/);
    await refuse(token, /audiences/, { audiences: ['vault'] });

    now = T0 + 3600_000; // exactly at exp
    await refuse(token, /expired/);
    now = T0 - 120_000;
    const early = new ServiceAccountTokens({ now: () => T0 + 60_000 });
    await expect(tokens.verify((await early.issue(req)).token).catch((e: Error) => e.message)).resolves.toMatch(/invalid bearer token|not valid yet/);
  });

  it('a token verified once is still refused once it expires (no stale cache)', async () => {
    const tokens = new ServiceAccountTokens({ now: clock });
    const { token } = await tokens.issue({ ...req, expirationSeconds: 600 });
    await tokens.verify(token);
    now += 601_000;
    await expect(tokens.verify(token)).rejects.toThrow(/expired/);
  });
});

describe('Authenticator: bound ServiceAccount tokens', () => {
  let api: Api;
  let tokens: ServiceAccountTokens;
  let authn: Authenticator;
  let sa: KubeObject;
  let pod: KubeObject;

  beforeEach(async () => {
    now = T0;
    api = new Api({ store: new MemoryStore(), now: clock });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    sa = await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
    pod = await api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'team' },
      spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'nginx' }] },
    } as unknown as KubeObject);
    tokens = new ServiceAccountTokens({ now: clock });
    authn = new Authenticator(api, 'admin-token', tokens, clock);
  });

  const issueFor = (o: { pod?: KubeObject; saUid?: string } = {}) =>
    tokens.issue({
      namespace: 'team',
      serviceAccountName: 'reader',
      serviceAccountUid: o.saUid ?? sa.metadata.uid!,
      expirationSeconds: 3600,
      ...(o.pod ? { boundObject: { kind: 'Pod' as const, name: o.pod.metadata.name!, uid: o.pod.metadata.uid! } } : {}),
    });

  it('authenticates as the ServiceAccount with its groups, uid and the pod it is bound to', async () => {
    const { token } = await issueFor({ pod });
    const { user } = await authn.authenticateToken(token);
    expect(user.username).toBe('system:serviceaccount:team:reader');
    expect(user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    expect(user.uid).toBe(sa.metadata.uid);
    expect(user.extra).toMatchObject({ 'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': [pod.metadata.uid] });
  });

  it('the admin token is kubernetes-admin in system:masters', async () => {
    await expect(authn.authenticateToken('admin-token')).resolves.toMatchObject({ user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } });
    await expect(authn.authenticateToken('admin-token2')).rejects.toThrow(TokenError);
  });

  it('refuses a token whose ServiceAccount is gone or was recreated', async () => {
    const { token } = await issueFor();
    await expect(authn.authenticateToken((await issueFor({ saUid: 'someone-else' })).token)).rejects.toThrow(/does not match claim/);
    await api.delete('ServiceAccount', 'team', 'reader');
    await expect(authn.authenticateToken(token)).rejects.toThrow(/not found/);
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
    await expect(authn.authenticateToken(token)).rejects.toThrow(/does not match claim/);
  });

  it('refuses a token whose pod is gone or was recreated', async () => {
    const { token } = await issueFor({ pod });
    await api.delete('Pod', 'team', 'web', { gracePeriodSeconds: 0 });
    await expect(authn.authenticateToken(token)).rejects.toThrow(/not found/);
    await api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'team' },
      spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'nginx' }] },
    } as unknown as KubeObject);
    await expect(authn.authenticateToken(token)).rejects.toThrow(/does not match claim/);
  });
});
