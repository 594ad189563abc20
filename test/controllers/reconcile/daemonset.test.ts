// DaemonSet controller, one sync at a time (pkg/controller/daemon
// daemon_controller_test.go: TestSimpleDaemonSetLaunchesPods,
// TestNodeShouldRunDaemonPod, TestDaemonSetRespectsTermination...): the
// revision, one pod per eligible node, then status; a pod for a node that is
// gone is deleted; a DaemonSet with its pods running writes nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newDaemonSetController } from '../../../src/controllers/daemonset.js';
import { create, del, expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, updateStatus, type Fixture } from './fixture.js';
import { runAll } from './pods.js';

const node = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});
const ds: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } },
};
const podName = expect.stringMatching(/^agent-[a-z0-9]{5}$/);
const revision = expect.stringMatching(/^agent-[0-9a-f]+$/);

async function running(): Promise<{ f: Fixture; c: ReturnType<typeof newDaemonSetController> }> {
  const { f, c } = await seededWith(newDaemonSetController, node('n1'), node('n2'), ds);
  await syncOnce(f, c, 'default/agent');
  await runAll(f);
  await f.converge(c, 'default/agent');
  return { f, c };
}

describe('daemonset reconcile', () => {
  it('records the revision, creates a pod per node, then writes status', async () => {
    const { f, c } = await seededWith(newDaemonSetController, node('n1'), node('n2'), ds);
    expect(await syncOnce(f, c, 'default/agent')).toEqual([
      create('controllerrevisions', 'default', revision),
      create('pods', 'default', podName),
      create('pods', 'default', podName),
      updateStatus('daemonsets', 'default', 'agent'),
    ]);
    expect(f.api.list('Pod').items.map((p) => p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0]).sort()).toEqual(['n1', 'n2']);
  });

  it('creates a pod for a node that joins, and nothing else but status', async () => {
    const { f, c } = await running();
    await f.seed(node('n3'));
    expect(await syncOnce(f, c, 'default/agent')).toEqual([create('pods', 'default', podName), updateStatus('daemonsets', 'default', 'agent')]);
  });

  it('deletes the pod of a node that left', async () => {
    const { f, c } = await running();
    await f.api.delete('Node', '', 'n2');
    f.clear();
    expect(await syncOnce(f, c, 'default/agent')).toEqual([del('pods', 'default', podName), updateStatus('daemonsets', 'default', 'agent')]);
  });

  it('does nothing when every node runs its pod', async () => {
    const { f, c } = await running();
    await expectNoWritesNowOrLater(f, c, 'default/agent');
    expect(f.events()).toEqual([]);
  });

  it('does nothing when its pods run on the nodes its selector and tolerations allow', async () => {
    const f = newFixture();
    const labelled = (name: string, labels: Record<string, string>, taints?: unknown[]): KubeObject => ({ ...node(name), metadata: { name, labels }, ...(taints ? { spec: { taints } } : {}) });
    await f.seed(labelled('ssd-1', { disk: 'ssd' }), labelled('hdd-1', { disk: 'hdd' }), labelled('ssd-tainted', { disk: 'ssd' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    const picky = JSON.parse(JSON.stringify(ds)) as KubeObject;
    picky.spec.minReadySeconds = 5;
    picky.spec.template.spec.nodeSelector = { disk: 'ssd' };
    await f.seed(picky);
    const c = newDaemonSetController({ api: f.api, clock: f.clock });
    expect((await syncOnce(f, c, 'default/agent')).filter((a) => a.resource === 'pods')).toEqual([create('pods', 'default', podName)]);
    await runAll(f);
    await f.converge(c, 'default/agent');
    f.clock.advance(5_000);
    await f.converge(c, 'default/agent');
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/agent')).toEqual([]);
  });
});
