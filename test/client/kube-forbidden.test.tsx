// Attach mode with a limited kubeconfig, against kubeterm's own API server with
// RBAC enforced: a ServiceAccount whose Role allows listing pods in "team" and
// nothing else. The App over KubeClient lists `:pods team`, and `:secrets`
// says "forbidden" with the server's own reason instead of an empty table or
// the connection banner — and keeps saying it without retrying in a loop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../components/index.js';
import { ServiceAccountTokens } from '../../src/api/auth/sa-token.js';
import type { KubeObject } from '../../src/api/meta.js';
import { ApiServer, ensureServingCert, ensureToken, writeKubeconfig } from '../../src/apiserver/index.js';
import { KubeClient } from '../../src/client/kube.js';
import { Engine } from '../../src/engine.js';
import { waitFor } from './kube-harness.js';

const SA = 'system:serviceaccount:team:reader';
const RBAC = 'rbac.authorization.k8s.io/v1';

let dir: string;
let engine: Engine;
let server: ApiServer;
let client: KubeClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeterm-forbidden-'));
  engine = new Engine({ runtime: 'sim', nodes: 1, persist: false });
  await engine.start();
  const tokens = new ServiceAccountTokens();
  const cert = await ensureServingCert(dir);
  server = new ApiServer({ api: engine.api, host: '127.0.0.1', port: 0, token: await ensureToken(dir), tls: { cert: cert.cert, key: cert.key }, serviceAccountTokens: tokens });
  const { url } = await server.start();

  const api = engine.api;
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
  const sa = await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
  await api.create({ apiVersion: RBAC, kind: 'Role', metadata: { name: 'pod-reader', namespace: 'team' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] } as KubeObject);
  await api.create({
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'reader', namespace: 'team' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }],
  } as KubeObject);
  await api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }] } } as unknown as KubeObject);
  await api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-pass', namespace: 'team' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } } as unknown as KubeObject);

  // `kubectl create token reader -n team`, as the engine's signer issues it.
  const { token } = await tokens.issue({ namespace: 'team', serviceAccountName: 'reader', serviceAccountUid: sa.metadata.uid ?? '', expirationSeconds: 3600 });
  const kubeconfig = join(dir, 'reader.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: url, token, caData: cert.cert, name: 'reader' });
  client = await KubeClient.fromKubeconfig(kubeconfig);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.stop();
  await engine?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The screen's text with wrapped lines joined (a long reason wraps in the table area). */
const flat = (screen: string) => screen.split('\n').map((l) => l.trim()).join(' ');

describe('attach mode with a ServiceAccount that may list pods in team, not secrets', { timeout: 60_000 }, () => {
  it('the client itself: pods in team list, secrets are refused in the server’s words', async () => {
    expect((await client.list('Pod', { namespace: 'team' })).items.map((p) => p.metadata.name)).toEqual(['web']);
    await expect(client.list('Secret', { namespace: 'team' })).rejects.toMatchObject({
      code: 403,
      message: `secrets is forbidden: User "${SA}" cannot list resource "secrets" in API group "" in the namespace "team"`,
    });
  });

  it(':pods team lists; :secrets shows forbidden with the reason, and stays so without a reconnect loop', async () => {
    const inst = render(<App client={client} version="v0.1.0" size={{ columns: 200, rows: 40 }} frameMs={20} />);
    const frame = () => inst.lastFrame() ?? '';
    const type = async (text: string) => {
      for (const ch of text) {
        inst.stdin.write(ch);
        await new Promise((r) => setImmediate(r));
      }
      inst.stdin.write('\r');
    };
    try {
      // The first view, pods of all namespaces, is refused at the cluster scope.
      await waitFor(() => flat(frame()).includes(`forbidden: pods is forbidden: User "${SA}" cannot list resource "pods" in API group "" at the cluster scope`), 'pods refused at the cluster scope');

      await type(':pods team');
      let screen = await waitFor(() => (/Pods\(team\)\[1\]/.test(frame()) && frame().includes('web') ? frame() : ''), 'the pod in team');
      expect(screen).not.toContain('forbidden');

      await type(':secrets');
      const reason = `forbidden: secrets is forbidden: User "${SA}" cannot list resource "secrets" in API group "" in the namespace "team"`;
      screen = await waitFor(() => (flat(frame()).includes(reason) ? frame() : ''), 'the secrets view refused');
      expect(screen).toMatch(/Secrets\(team\)\[0\]/);
      expect(screen).not.toContain('db-pass');
      expect(screen).not.toContain('No resources found');
      expect(screen).not.toContain('connection lost');

      // Past the client's first backoff (1 s): still the refusal, never a lost connection.
      await new Promise((r) => setTimeout(r, 1500));
      expect(flat(frame())).toContain(reason);
      expect(frame()).not.toContain('connection lost');

      // Back to pods: listed again.
      await type(':pods');
      await waitFor(() => /Pods\(team\)\[1\]/.test(frame()), 'the pods view again');
    } finally {
      inst.unmount();
    }
  });
});
