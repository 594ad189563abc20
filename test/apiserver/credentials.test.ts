// Serving certificate, token and kubeconfig files: created once with mode
// 0600, reused afterwards, and a clear error when openssl is missing.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureServingCert, ensureToken, writeKubeconfig } from '../../src/apiserver/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeterm-creds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('credentials', () => {
  it('creates a self-signed EC certificate for 127.0.0.1 and localhost, 0600, and reuses it', async () => {
    const first = await ensureServingCert(join(dir, 'state'));
    const cert = new X509Certificate(first.cert);
    expect(cert.subject).toBe('CN=kubeterm');
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(await mode(first.certPath)).toBe(0o600);
    expect(await mode(first.keyPath)).toBe(0o600);
    const again = await ensureServingCert(join(dir, 'state'));
    expect(again.cert).toBe(first.cert);
  });

  it('says clearly when openssl is not installed', async () => {
    await expect(ensureServingCert(dir, { openssl: 'openssl-that-does-not-exist' })).rejects.toThrow(
      'cannot create the API server certificate: the "openssl-that-does-not-exist" command is not installed',
    );
  });

  it('creates a 32-byte hex token with mode 0600 and keeps it', async () => {
    const t = await ensureToken(dir);
    expect(t).toMatch(/^[0-9a-f]{64}$/);
    expect(await mode(join(dir, 'token'))).toBe(0o600);
    expect(await ensureToken(dir)).toBe(t);
  });

  it('writes a 0600 kubeconfig with context kubeterm, the token and the CA', async () => {
    const p = join(dir, 'sub', 'kubeconfig');
    await writeKubeconfig(p, { server: 'https://127.0.0.1:6443', token: 'abc', caData: 'PEM' });
    expect(await mode(p)).toBe(0o600);
    const cfg = parse(await readFile(p, 'utf8'));
    expect(cfg['current-context']).toBe('kubeterm');
    expect(cfg.contexts).toEqual([{ name: 'kubeterm', context: { cluster: 'kubeterm', user: 'kubeterm', namespace: 'default' } }]);
    expect(cfg.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('PEM').toString('base64') });
    expect(cfg.users[0].user).toEqual({ token: 'abc' });
  });
});
