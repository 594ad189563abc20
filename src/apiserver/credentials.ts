// What a kubeconfig needs to reach the server: a self-signed serving
// certificate (SAN 127.0.0.1 and localhost, plus what the caller adds: the
// `kubernetes` Service's names and ClusterIP, so pods verify it at
// https://kubernetes.default.svc), a bearer token, and the kubeconfig
// file itself. All three live in the state folder with mode 0600 and are
// reused across restarts, so a kubeconfig written once keeps working.
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify as toYaml } from 'yaml';

const run = promisify(execFile);

export interface ServingCert {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Writes atomically with mode 0600 (temp file + rename), so a crash never leaves half a key. */
async function writePrivate(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export interface ServingCertOptions {
  openssl?: string;
  /** Names the certificate must be valid for besides localhost (e.g. kubernetes.default.svc). */
  dnsNames?: string[];
  /** Addresses it must be valid for besides 127.0.0.1 (e.g. the `kubernetes` ClusterIP). */
  ips?: string[];
}

/** The subjectAltName entries a certificate must carry: IP:127.0.0.1, DNS:localhost, then the extra ones. */
function wantedSANs(opts: ServingCertOptions): { dns: string[]; ips: string[] } {
  return { dns: [...new Set(['localhost', ...(opts.dnsNames ?? [])])], ips: [...new Set(['127.0.0.1', ...(opts.ips ?? [])])] };
}

/** Whether the PEM certificate covers every wanted name and address (an unreadable one does not). */
function coversSANs(pem: string, want: { dns: string[]; ips: string[] }): boolean {
  try {
    const have = new Set((new X509Certificate(pem).subjectAltName ?? '').split(',').map((s) => s.trim()));
    return want.dns.every((d) => have.has(`DNS:${d}`)) && want.ips.every((ip) => have.has(`IP Address:${ip}`));
  } catch {
    return false;
  }
}

/**
 * Returns the serving certificate and key in `dir` (`apiserver.crt`,
 * `apiserver.key`), creating a self-signed EC P-256 pair with the `openssl` CLI
 * when absent — or when the existing certificate lacks one of the wanted
 * subject alternative names (an older state folder): it is then made again.
 * Throws a clear error when openssl is not installed.
 */
export async function ensureServingCert(dir: string, opts: ServingCertOptions = {}): Promise<ServingCert> {
  const certPath = join(dir, 'apiserver.crt');
  const keyPath = join(dir, 'apiserver.key');
  const sans = wantedSANs(opts);
  const haveBoth = (await exists(certPath)) && (await exists(keyPath));
  if (!haveBoth || !coversSANs(await readFile(certPath, 'utf8'), sans)) {
    await mkdir(dir, { recursive: true });
    const tmpCert = `${certPath}.${process.pid}.tmp`;
    const tmpKey = `${keyPath}.${process.pid}.tmp`;
    const openssl = opts.openssl ?? 'openssl';
    try {
      await run(openssl, [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
        '-subj', '/CN=kubeterm', '-addext', `subjectAltName=${[...sans.ips.map((ip) => `IP:${ip}`), ...sans.dns.map((d) => `DNS:${d}`)].join(',')}`,
        '-keyout', tmpKey, '-out', tmpCert,
      ], { timeout: 30_000 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') {
        throw new Error(`cannot create the API server certificate: the "${openssl}" command is not installed (install OpenSSL, or run with the API server turned off)`, { cause: e });
      }
      throw new Error(`cannot create the API server certificate with ${openssl}: ${(err.stderr ?? err.message).trim()}`, { cause: e });
    }
    await chmod(tmpKey, 0o600);
    await chmod(tmpCert, 0o600);
    await rename(tmpKey, keyPath);
    await rename(tmpCert, certPath);
  }
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8'), certPath, keyPath };
}

/** Returns the bearer token kept in `dir/token` (32 random bytes, hex), creating it when absent. */
export async function ensureToken(dir: string): Promise<string> {
  const path = join(dir, 'token');
  if (await exists(path)) {
    const t = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(t)) return t;
  }
  const token = randomBytes(32).toString('hex');
  await writePrivate(path, token + '\n');
  return token;
}

export interface KubeconfigInput {
  server: string;
  token: string;
  /** PEM text of the CA (the self-signed serving cert); omitted for plain http. */
  caData?: string;
  /** Context/cluster/user name; default `kubeterm`. */
  name?: string;
}

/** Writes a kubeconfig (mode 0600) with one context pointing at the server with the bearer token. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  const name = input.name ?? 'kubeterm';
  const cluster: Record<string, string> = { server: input.server };
  if (input.caData) cluster['certificate-authority-data'] = Buffer.from(input.caData, 'utf8').toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  };
  await writePrivate(path, toYaml(doc));
}
