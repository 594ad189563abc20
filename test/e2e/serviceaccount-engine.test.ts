// The whole engine on the simulated runtime with the API server on: every
// namespace gets its `default` ServiceAccount and kube-root-ca.crt (the
// serving certificate), `default` has the `kubernetes` Service at the first
// ClusterIP with endpoints to the API server, pods get kube-api-access with a
// token the engine's issuer signed and bound to them, and a pod naming a
// missing ServiceAccount is refused. Without the API server there is no token
// volume (nothing to reach, no CA), but the ServiceAccount is still defaulted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceAccountTokens } from '../../src/api/auth/sa-token.js';
import type { Pod } from '../../src/api/types/pod.js';
import { Engine } from '../../src/engine.js';
import { until } from '../helpers/wait.js';

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(apiServer: boolean): Promise<{ engine: Engine; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-saengine-'));
  dirs.push(dir);
  const engine = new Engine({ runtime: 'sim', nodes: 1, persist: false, dataDir: dir, apiServer: apiServer ? { host: '127.0.0.1', port: 0 } : false });
  engines.push(engine);
  await engine.start();
  return { engine, dir };
}

const pod = (name: string, namespace: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
});

describe('ServiceAccounts in the engine', () => {
  it('with the API server: default ServiceAccounts, kube-root-ca.crt, the kubernetes Service and a bound token in every pod', { timeout: 60_000 }, async () => {
    const { engine, dir } = await start(true);
    const api = engine.api;
    expect(engine.apiServer?.error).toBeUndefined();
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    // A pod at once after its namespace: admitted while the controller creates `default`.
    const created = (await api.create(pod('web', 'team'))) as Pod;
    await engine.whenIdle();
    const caPEM = readFileSync(join(dir, 'apiserver.crt'), 'utf8');
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'team']) {
      expect(api.get('ServiceAccount', ns, 'default'), ns).toBeDefined();
      expect(api.get('ConfigMap', ns, 'kube-root-ca.crt')?.data, ns).toEqual({ 'ca.crt': caPEM });
    }
    const port = Number(new URL(engine.apiServer!.url!).port);
    expect(api.get('Service', 'default', 'kubernetes')?.spec).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: port }] });
    expect(api.get('Endpoints', 'default', 'kubernetes')?.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]);

    const vol = created.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    const file = join(dir, 'kubelet', 'node-1', 'pods', created.metadata.uid!, 'volumes', vol.name, 'token');
    const token = await until('the token file', () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    }, 20_000);
    // The engine's key signed it: a fresh issuer over the same state folder verifies it.
    const claims = await new ServiceAccountTokens({ dir }).verify(token);
    expect(claims).toMatchObject({
      sub: 'system:serviceaccount:team:default',
      'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'default', uid: api.get('ServiceAccount', 'team', 'default')!.metadata.uid }, pod: { name: 'web', uid: created.metadata.uid } },
    });
    expect(claims.exp - claims.iat).toBe(3607);

    await expect(api.create(pod('lost', 'team', { serviceAccountName: 'robot' }))).rejects.toThrow(
      'pods "lost" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found',
    );
  });

  it('without the API server: serviceAccountName is defaulted, no token volume, no kubernetes Service', { timeout: 60_000 }, async () => {
    const { engine } = await start(false);
    const p = (await engine.api.create(pod('web', 'default'))) as Pod;
    await engine.whenIdle();
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.volumes ?? []).toEqual([]);
    expect(engine.api.get('ServiceAccount', 'default', 'default')).toBeDefined();
    expect(engine.api.get('ConfigMap', 'default', 'kube-root-ca.crt')).toBeUndefined();
    expect(engine.api.get('Service', 'default', 'kubernetes')).toBeUndefined();
  });
});
