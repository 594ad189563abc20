// The seeds' kubectl tables, run with the real kubectl against the whole
// embedded engine (controllers, scheduler, kubelet on the simulated runtime)
// through its own HTTPS API server and the kubeconfig it writes: apply, get -o
// wide, rollout status, scale, set image, rollout history, rollout undo
// (reusing the old ReplicaSet), logs, exec, describe, delete -f.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_KUBECTL = kubectlAvailable();
const seed = join(import.meta.dirname, '../../examples/seeds/nginx-deployment.yaml');

describe.skipIf(!HAVE_KUBECTL)('the seeds’ kubectl commands against the embedded engine', { timeout: 120_000 }, () => {
  let k: KubectlEngine;
  let engine: Engine;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const replicaSets = () => engine.api.list('ReplicaSet', { namespace: 'default' }).items;
  const image = () => engine.api.get('Deployment', 'default', 'nginx-deployment')?.spec.template.spec.containers[0].image;

  useKubectlEngine('kubectl-engine', {}, (started) => {
    k = started;
    engine = k.engine;
  });

  it('applies the seed Deployment and waits for its rollout', async () => {
    expect(await kubectl('apply', '-f', seed)).toMatch(/^deployment\.apps\/nginx-deployment created$/m);
    expect(await kubectl('rollout', 'status', 'deployment/nginx-deployment', '--timeout=60s')).toMatch(/successfully rolled out/);
    const wide = await kubectl('get', 'pods', '-o', 'wide');
    expect(wide).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/m);
    expect(wide.match(/^nginx-deployment-\S+\s+1\/1\s+Running\s+0\s/gm)).toHaveLength(3);
    expect(await kubectl('apply', '-f', seed)).toMatch(/deployment\.apps\/nginx-deployment unchanged/);
  });

  it('scales to 5', async () => {
    expect(await kubectl('scale', 'deployment', 'nginx-deployment', '--replicas=5')).toMatch(/deployment\.apps\/nginx-deployment scaled/);
    await kubectl('rollout', 'status', 'deployment/nginx-deployment', '--timeout=60s');
    expect(await kubectl('get', 'deploy', 'nginx-deployment')).toMatch(/^nginx-deployment\s+5\/5\s+5\s+5\s/m);
  });

  it('updates the image, shows the history and undoes it onto the old ReplicaSet', async () => {
    expect(await kubectl('set', 'image', 'deploy/nginx-deployment', 'nginx=nginx:1.25')).toMatch(/image updated/);
    expect(await kubectl('rollout', 'status', 'deploy/nginx-deployment', '--timeout=60s')).toMatch(/successfully rolled out/);
    expect(replicaSets()).toHaveLength(2);
    const history = await kubectl('rollout', 'history', 'deploy/nginx-deployment');
    expect(history).toMatch(/^REVISION\s+CHANGE-CAUSE/m);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
    const oldRs = replicaSets().find((rs) => rs.spec.template!.spec.containers[0].image === 'nginx:1.14.2')!;

    expect(await kubectl('rollout', 'undo', 'deploy/nginx-deployment')).toMatch(/deployment\.apps\/nginx-deployment rolled back/);
    expect(await kubectl('rollout', 'status', 'deploy/nginx-deployment', '--timeout=60s')).toMatch(/successfully rolled out/);
    expect(image()).toBe('nginx:1.14.2');
    // kubectl's undo template (creationTimestamp: null, resources: {}) hashes to the old ReplicaSet: no third one.
    expect(replicaSets()).toHaveLength(2);
    const reused = replicaSets().find((rs) => rs.metadata.uid === oldRs.metadata.uid)!;
    expect(reused.spec.replicas).toBe(5);
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('reads logs, runs exec and describes a pod', async () => {
    const pod = engine.api
      .list('Pod', { namespace: 'default' })
      .items.find((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)!.metadata.name!;
    expect((await kubectl('logs', pod)).trim().length).toBeGreaterThan(0);
    expect(await kubectl('exec', pod, '--', 'echo', 'hi')).toBe('hi\n');
    const described = await kubectl('describe', 'pod', pod);
    expect(described).toMatch(/^Name:\s+nginx-deployment-/m);
    expect(described).toMatch(/^Events:/m);
    expect(described).toMatch(/Scheduled/);
  });

  it('deletes what the file created and returns once it is gone', async () => {
    expect(await kubectl('delete', '-f', seed)).toMatch(/deployment\.apps "nginx-deployment" deleted/);
    expect(engine.api.get('Deployment', 'default', 'nginx-deployment')).toBeUndefined();
  });
});
