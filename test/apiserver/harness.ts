// A live ApiServer over a MemoryStore for tests: TLS with a real self-signed
// certificate, a kubeconfig in a temp HOME, and a helper that runs the real
// kubectl against it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { ApiServer, ensureServingCert, ensureToken, writeKubeconfig, type ApiServerConfig } from '../../src/apiserver/index.js';
import { MemoryStore } from '../../state/store.js';

export const KUBECTL = '/usr/bin/kubectl';

/** kubectl is required in CI; elsewhere its absence skips the kubectl suites with a printed reason. */
export function kubectlAvailable(): boolean {
  const ok = existsSync(KUBECTL);
  if (!ok) {
    if (process.env.CI) throw new Error(`${KUBECTL} is missing, and CI requires the kubectl suites to run`);
    console.warn(`skipping kubectl tests: ${KUBECTL} is not installed`);
  }
  return ok;
}

export interface TestServer {
  api: Api;
  store: MemoryStore;
  server: ApiServer;
  url: string;
  token: string;
  dir: string;
  kubeconfig: string;
  ca: string;
  kubectl(args: string[], opts?: { stdin?: string; token?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startTestServer(extra: Partial<ApiServerConfig> = {}, opts: { tls?: boolean } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-apiserver-'));
  const store = new MemoryStore();
  const api = new Api({ store });
  for (const ns of ['default', 'kube-system']) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
  const token = await ensureToken(dir);
  const useTls = opts.tls ?? true;
  const cert = useTls ? await ensureServingCert(dir) : undefined;
  const server = new ApiServer({ api, host: '127.0.0.1', port: 0, token, tls: cert ? { cert: cert.cert, key: cert.key } : undefined, ...extra });
  const { url } = await server.start();
  const kubeconfig = join(dir, 'config');
  await writeKubeconfig(kubeconfig, { server: url, token, caData: cert?.cert });
  const kubectl: TestServer['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };
      const full = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...(o.token !== undefined ? ['--token', o.token] : []), ...args];
      const child = execFile(KUBECTL, full, { env, timeout: o.timeoutMs ?? 20_000, cwd: dir }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (o.stdin !== undefined) child.stdin?.end(o.stdin);
      else child.stdin?.end();
    });
  return {
    api,
    store,
    server,
    url,
    token,
    dir,
    kubeconfig,
    ca: cert?.cert ?? '',
    kubectl,
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
