// The real helm installs, upgrades and uninstalls a chart that ships what
// almost every upstream chart does: a ServiceAccount, a Role, a RoleBinding
// and a PodDisruptionBudget, beside the Deployment that uses them. The
// ServiceAccount's token then lists pods (allowed by the Role) and is refused
// secrets, through the real kubectl.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { helmAvailable, runHelm } from '../helpers/helm.js';
import { until } from '../helpers/wait.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_TOOLS = kubectlAvailable() && helmAvailable();
const CHART = join(import.meta.dirname, '../fixtures/charts/reader-app');

describe.skipIf(!HAVE_TOOLS)('helm with a chart shipping a ServiceAccount, Role, RoleBinding and PodDisruptionBudget', { timeout: 180_000 }, () => {
  let k: KubectlEngine;
  let engine: Engine;
  const helm = async (...args: string[]): Promise<string> => {
    const r = await runHelm(args, { home: join(k.home, 'helm'), kubeconfig: k.kubeconfig });
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  const get = (kind: string, name: string, ns = 'default') => engine.api.get(kind, ns, name);

  useKubectlEngine('helm-rbac', { nodes: 1 }, (started) => {
    k = started;
    engine = k.engine;
  });

  it('installs: the identity objects exist, the pods run as the ServiceAccount, the budget counts them', async () => {
    const out = await helm('install', 'rdr', CHART, '--namespace', 'default', '--wait', '--timeout', '60s');
    expect(out).toMatch(/^STATUS: deployed$/m);
    expect(get('ServiceAccount', 'rdr-reader')).toBeDefined();
    expect(get('Role', 'rdr-pod-reader')?.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(get('RoleBinding', 'rdr-reads-pods')?.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rdr-pod-reader' });
    const pods = engine.api.list('Pod', { namespace: 'default' }).items.filter((p) => p.metadata.labels?.app === 'rdr-reader');
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.spec?.serviceAccountName).toBe('rdr-reader');
    await until('the budget to count both pods', () => (get('PodDisruptionBudget', 'rdr-reader')?.status as { currentHealthy?: number } | undefined)?.currentHealthy === 2, 30_000);
    expect(get('PodDisruptionBudget', 'rdr-reader')?.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 });
  });

  it("the chart's ServiceAccount may list pods and not secrets", async () => {
    const token = (await k.kubectl('create', 'token', 'rdr-reader')).trim();
    expect(token.split('.')).toHaveLength(3);
    const pods = await k.kubectl('--token', token, 'get', 'pods', '-o', 'name');
    expect(pods).toMatch(/^pod\/rdr-reader-/m);
    const secrets = await k.kubectlFails('--token', token, 'get', 'secrets');
    expect(secrets).toContain('secrets is forbidden: User "system:serviceaccount:default:rdr-reader" cannot list resource "secrets" in API group "" in the namespace "default"');
  });

  it('upgrades the budget and uninstalls everything it made', async () => {
    await helm('upgrade', 'rdr', CHART, '--namespace', 'default', '--set', 'minAvailable=2', '--wait', '--timeout', '60s');
    await until('the raised budget to allow no disruption', () => (get('PodDisruptionBudget', 'rdr-reader')?.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed === 0, 30_000);
    await helm('uninstall', 'rdr', '--namespace', 'default', '--wait', '--timeout', '60s');
    for (const [kind, name] of [['ServiceAccount', 'rdr-reader'], ['Role', 'rdr-pod-reader'], ['RoleBinding', 'rdr-reads-pods'], ['PodDisruptionBudget', 'rdr-reader'], ['Deployment', 'rdr-reader']]) {
      expect(get(kind, name), `${kind}/${name}`).toBeUndefined();
    }
  });
});
