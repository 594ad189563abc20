// Forged credentials and impersonation against the API server: a bounded loop
// of tokens that must all be 401 (random strings, JWT-shaped garbage, `alg:
// none`, HS256 signed with the public key, valid tokens with edited claims,
// foreign keys, tokens of deleted or recreated ServiceAccounts, the admin
// token with a byte changed, other auth schemes) and impersonation headers a
// ServiceAccount may not use (to the admin user, to system:masters, uids,
// extras, odd spellings) that must all be refused — none of them may read a
// Secret. Property-based with fast-check (seeded in CI, see fast-check-seed.ts).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceAccountTokens } from '../../src/api/auth/sa-token.js';
import type { KubeObject } from '../../src/api/meta.js';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { BOOTSTRAP, clusterRole, clusterRoleBinding, role, roleBinding, seed } from '../apiserver/rbac-fixtures.js';
import '../fast-check-seed.js';

const SECRETS = '/api/v1/namespaces/team/secrets';
const b64u = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

let s: TestServer;
let tokens: ServiceAccountTokens;
let readerToken = '';
let staleToken = '';

async function get(path: string, headers: Record<string, string | string[]>): Promise<number> {
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
  const res = await fetch(s.url + path, { headers: h });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  tokens = new ServiceAccountTokens();
  s = await startTestServer({ serviceAccountTokens: tokens }, { tls: false });
  await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
  await s.api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'team' }, stringData: { password: 'x' } } as unknown as KubeObject);
  const sa = await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
  const gone = await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'gone', namespace: 'team' } } as KubeObject);
  await seed(s.api, [
    ...BOOTSTRAP,
    role('team', 'pod-reader', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }]),
    roleBinding('team', 'reader', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'reader' }]),
    // reader may impersonate users named "viewer" and the group "viewers" only.
    clusterRole('narrow-impersonation', [
      { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['viewer'] },
      { verbs: ['impersonate'], apiGroups: [''], resources: ['groups'], resourceNames: ['viewers'] },
    ]),
    clusterRoleBinding('reader-impersonates', { kind: 'ClusterRole', name: 'narrow-impersonation' }, [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }]),
  ]);
  readerToken = (await tokens.issue({ namespace: 'team', serviceAccountName: 'reader', serviceAccountUid: sa.metadata.uid!, expirationSeconds: 3600 })).token;
  staleToken = (await tokens.issue({ namespace: 'team', serviceAccountName: 'gone', serviceAccountUid: gone.metadata.uid!, expirationSeconds: 3600 })).token;
  await s.api.delete('ServiceAccount', 'team', 'gone');
});
afterAll(async () => {
  await s?.close();
});

describe('forged bearer tokens', () => {
  it('sanity: the reader token works and may not read secrets; the admin may', async () => {
    expect(await get('/api/v1/namespaces/team/pods', { Authorization: `Bearer ${readerToken}` })).toBe(200);
    expect(await get(SECRETS, { Authorization: `Bearer ${readerToken}` })).toBe(403);
    expect(await get(SECRETS, { Authorization: `Bearer ${s.token}` })).toBe(200);
  });

  it('crafted forgeries are all 401', async () => {
    const [h, p, sig] = readerToken.split('.');
    const claims = decodeJwt(readerToken) as Record<string, unknown>;
    // Algorithm confusion: HS256 "signed" with bytes an attacker knows (as if the public key were an HMAC secret).
    const pub = 'public-key-bytes';
    const hs = (payload: unknown) => {
      const head = b64u({ alg: 'HS256', typ: 'JWT' });
      const body = b64u(payload);
      return `${head}.${body}.${createHmac('sha256', pub).update(`${head}.${body}`).digest('base64url')}`;
    };
    const admin = { ...claims, sub: 'system:serviceaccount:kube-system:admin', 'kubernetes.io': { namespace: 'kube-system', serviceaccount: { name: 'admin', uid: 'x' } } };
    const forged = [
      `${h}.${b64u(admin)}.${sig}`,
      `${h}.${b64u({ ...claims, exp: 9_999_999_999 })}.${sig}`,
      `${h}.${b64u({ ...claims, aud: ['other'] })}.${sig}`,
      `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(admin)}.`,
      `${b64u({ alg: 'none' })}.${p}.`,
      `${b64u({ alg: 'HS256', typ: 'JWT' })}.${p}.${sig}`,
      hs(claims),
      hs(admin),
      `${h}.${p}`,
      `${h}.${p}.`,
      `${h}.${p}.${sig}.${sig}`,
      readerToken.slice(0, -1),
      `${readerToken} `.trim() + 'A',
      staleToken,
      (await new ServiceAccountTokens().issue({ namespace: 'team', serviceAccountName: 'reader', serviceAccountUid: claims['kubernetes.io'] ? (claims['kubernetes.io'] as { serviceaccount: { uid: string } }).serviceaccount.uid : '', expirationSeconds: 3600 })).token,
      `${s.token}0`,
      s.token.slice(1),
      s.token.toUpperCase(),
      '',
      ' ',
    ];
    for (const t of forged) {
      expect({ t, status: await get(SECRETS, { Authorization: `Bearer ${t}` }) }).toEqual({ t, status: 401 });
    }
    for (const header of [`Basic ${Buffer.from(`admin:${s.token}`).toString('base64')}`, s.token, `Token ${s.token}`, `Bearer`, `Bearer${s.token}`]) {
      expect({ header, status: await get(SECRETS, { Authorization: header }) }).toEqual({ header, status: 401 });
    }
    expect(await get(`${SECRETS}?access_token=${s.token}`, {})).toBe(401);
    expect(await get(SECRETS, {})).toBe(401);
    // Public paths stay public, even with a bad token.
    expect(await get('/healthz', { Authorization: 'Bearer nope' })).toBe(200);
    expect(await get('/version', {})).toBe(200);
  });

  it('random tokens are all 401 (bounded property loop)', async () => {
    const jwtish = fc
      .tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 200 }), fc.base64String({ maxLength: 90 }))
      .map(([a, b, c]) => [a, b, c].map((x) => x.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')).join('.'));
    const edited = fc
      .record({ sub: fc.string({ maxLength: 40 }), ns: fc.string({ maxLength: 10 }), exp: fc.integer({ min: 0, max: 2 ** 40 }), uid: fc.uuid() })
      .map(({ sub, ns, exp, uid }) => {
        const [h, , sig] = readerToken.split('.');
        return `${h}.${b64u({ ...decodeJwt(readerToken), sub, exp, 'kubernetes.io': { namespace: ns, serviceaccount: { name: 'reader', uid } } })}.${sig}`;
      });
    const anything = fc.stringMatching(/^[\x21-\x7e]{1,300}$/);
    await fc.assert(
      fc.asyncProperty(fc.oneof(jwtish, edited, anything), async (t) => {
        if (t === s.token || t === readerToken) return;
        expect(await get(SECRETS, { Authorization: `Bearer ${t}` })).toBe(401);
      }),
      { numRuns: 150 },
    );
  });
});

describe('impersonation', () => {
  const asReader = (h: Record<string, string | string[]>) => get(SECRETS, { Authorization: `Bearer ${readerToken}`, ...h });

  it('refuses every identity the ServiceAccount may not take', async () => {
    const cases: Record<string, string | string[]>[] = [
      { 'Impersonate-User': 'kubernetes-admin' },
      { 'Impersonate-User': 'system:admin' },
      { 'Impersonate-User': 'system:serviceaccount:kube-system:default' },
      { 'Impersonate-User': 'viewer', 'Impersonate-Group': 'system:masters' },
      { 'Impersonate-User': 'viewer', 'Impersonate-Group': ['viewers', 'system:masters'] },
      { 'Impersonate-User': 'viewer', 'Impersonate-Uid': 'admin-uid' },
      { 'Impersonate-User': 'viewer', 'Impersonate-Extra-Scopes': 'all' },
      { 'Impersonate-User': 'viewer', 'Impersonate-Extra-acme.com%2Fproject': 'x' },
      { 'impersonate-user': 'VIEWER' },
      { 'IMPERSONATE-USER': 'kubernetes-admin' },
      { 'Impersonate-Group': 'system:masters' },
      { 'Impersonate-Uid': 'x' },
      { 'Impersonate-Extra-foo': 'bar' },
    ];
    for (const h of cases) {
      const status = await asReader(h);
      expect({ h, ok: status === 403 || status === 500 }).toEqual({ h, ok: true });
    }
  });

  it('allowed impersonation never gains more than the impersonated identity holds', async () => {
    // viewer in viewers: allowed to impersonate, but viewer holds nothing — not even the reader's pods.
    expect(await asReader({ 'Impersonate-User': 'viewer', 'Impersonate-Group': 'viewers' })).toBe(403);
    expect(await get('/api/v1/namespaces/team/pods', { Authorization: `Bearer ${readerToken}`, 'Impersonate-User': 'viewer' })).toBe(403);
    // The admin impersonating the admin's *name* does not carry system:masters along.
    expect(await get(SECRETS, { Authorization: `Bearer ${s.token}`, 'Impersonate-User': 'kubernetes-admin' })).toBe(403);
    expect(await get(SECRETS, { Authorization: `Bearer ${s.token}`, 'Impersonate-User': 'kubernetes-admin', 'Impersonate-Group': 'system:masters' })).toBe(200);
  });

  it('random impersonation headers never read a secret (bounded property loop)', async () => {
    const name = fc.oneof(fc.constantFrom('kubernetes-admin', 'system:masters', 'viewer', 'viewers', 'system:serviceaccount:team:reader', ''), fc.string({ maxLength: 20 }));
    const headers = fc.record(
      {
        'Impersonate-User': name,
        'Impersonate-Group': fc.array(name, { maxLength: 3 }),
        'Impersonate-Uid': name,
        'Impersonate-Extra-Scopes': name,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, async (h) => {
        const clean: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(h)) {
          const vals = (Array.isArray(v) ? v : [v]).filter((x) => /^[\x20-\x7e]*$/.test(x) && x.trim() === x && x !== '');
          if (vals.length) clean[k] = vals;
        }
        const status = await asReader(clean);
        expect(status).not.toBe(200);
      }),
      { numRuns: 150 },
    );
  });
});
