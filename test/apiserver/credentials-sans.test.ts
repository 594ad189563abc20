// The serving certificate's names for pods: valid for the `kubernetes`
// Service's DNS names and ClusterIP besides 127.0.0.1 and localhost, and
// made again when an existing one (an older state folder) lacks them.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureServingCert } from '../../src/apiserver/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeterm-sans-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

describe('serving certificate names', () => {
  it('is valid for the kubernetes Service names and ClusterIP, and is kept while it is', async () => {
    const c = await ensureServingCert(dir, { dnsNames: NAMES, ips: ['10.96.0.1'] });
    const x = new X509Certificate(c.cert);
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:10.96.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local');
    for (const n of NAMES) expect(x.checkHost(n), n).toBe(n);
    expect(x.checkIP('10.96.0.1')).toBe('10.96.0.1');
    expect((await ensureServingCert(dir, { dnsNames: NAMES, ips: ['10.96.0.1'] })).cert).toBe(c.cert);
    // Asking for fewer names keeps it too.
    expect((await ensureServingCert(dir)).cert).toBe(c.cert);
  });

  it('makes an old certificate without those names again, and one for another service range', async () => {
    const old = await ensureServingCert(dir);
    expect(new X509Certificate(old.cert).subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    const fresh = await ensureServingCert(dir, { dnsNames: NAMES, ips: ['10.96.0.1'] });
    expect(fresh.cert).not.toBe(old.cert);
    expect(fresh.key).not.toBe(old.key);
    expect(new X509Certificate(fresh.cert).checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    const moved = await ensureServingCert(dir, { dnsNames: NAMES, ips: ['10.103.0.1'] });
    expect(new X509Certificate(moved.cert).checkIP('10.103.0.1')).toBe('10.103.0.1');
  });
});
