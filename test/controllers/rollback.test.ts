import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { REVISION_ANNOTATION, restartPatch, rollbackTemplate, rolloutHistory, revisionOf } from '../../src/api/rollout.js';
import { isStatusError } from '../../src/api/errors.js';
import { deployment, podsOf, setup, type Harness } from './harness.js';

const rsList = (h: Harness) => h.api.list('ReplicaSet', { namespace: 'default' }).items;
const getDeploy = (h: Harness) => h.api.get('Deployment', 'default', 'web')!;
const images = (h: Harness) => podsOf(h.api).map((p) => p.spec.containers[0].image);

/** Three revisions: nginx:1.25 (1), 1.26 (2), 1.27 (3). */
async function threeRevisions(): Promise<Harness> {
  const h = await setup();
  await h.api.create(deployment('web', { replicas: 2, annotations: { 'kubernetes.io/change-cause': 'v1.25' } }));
  await h.settle();
  for (const v of ['1.26', '1.27']) {
    h.clock.advance(1000);
    await h.api.modify('Deployment', 'default', 'web', (d) => {
      d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': `v${v}` };
      d.spec.template.spec.containers[0].image = `nginx:${v}`;
    });
    await h.settle();
  }
  return h;
}

describe('rollout history and rollback', () => {
  it('lists history with change-cause and images, oldest first', async () => {
    const h = await threeRevisions();
    const hist = rolloutHistory(getDeploy(h), rsList(h));
    expect(hist.map((x) => [x.revision, x.changeCause, x.images[0]])).toEqual([
      [1, 'v1.25', 'nginx:1.25'],
      [2, 'v1.26', 'nginx:1.26'],
      [3, 'v1.27', 'nginx:1.27'],
    ]);
    await h.mgr.stop();
  });

  it('undo to the previous revision reuses its ReplicaSet and bumps its revision', async () => {
    const h = await threeRevisions();
    const before = rsList(h);
    const plan = rollbackTemplate(getDeploy(h), before);
    expect(plan).toMatchObject({ from: 3, to: 2, skipped: false });
    expect(plan.template.metadata.labels['pod-template-hash']).toBeUndefined();
    expect(plan.annotations['kubernetes.io/change-cause']).toBe('v1.26');
    await h.api.patch('Deployment', 'default', 'web', 'json', plan.patch);
    await h.settle();
    const after = rsList(h);
    expect(after.map((r) => r.metadata.name).sort()).toEqual(before.map((r) => r.metadata.name).sort());
    const reused = after.find((r) => r.metadata.name === plan.rsName)!;
    expect(revisionOf(reused)).toBe(4);
    expect(reused.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('2');
    expect(getDeploy(h).metadata.annotations![REVISION_ANNOTATION]).toBe('4');
    expect(images(h)).toEqual(['nginx:1.26', 'nginx:1.26']);
    expect(getDeploy(h).status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2 });
    await h.mgr.stop();
  });

  it('undo --to-revision=1 reuses revision 1; unknown revisions are refused in kubectl words', async () => {
    const h = await threeRevisions();
    expect(() => rollbackTemplate(getDeploy(h), rsList(h), 7)).toThrow('unable to find specified revision 7 in history');
    const plan = rollbackTemplate(getDeploy(h), rsList(h), 1);
    await h.api.patch('Deployment', 'default', 'web', 'json', plan.patch);
    await h.settle();
    expect(rsList(h)).toHaveLength(3);
    expect(revisionOf(h.api.get('ReplicaSet', 'default', plan.rsName)!)).toBe(4);
    expect(images(h)).toEqual(['nginx:1.25', 'nginx:1.25']);
    // now revision 1 is gone from history (it became 4)
    try {
      rollbackTemplate(getDeploy(h), rsList(h), 1);
      throw new Error('expected an error');
    } catch (e) {
      expect(isStatusError(e)).toBe(true);
      expect((e as Error).message).toBe('unable to find specified revision 1 in history');
    }
    await h.mgr.stop();
  });

  it('a kubectl-undo-like template (creationTimestamp: null, resources: {}) maps to the existing ReplicaSet', async () => {
    const h = await threeRevisions();
    const rev1 = rsList(h).find((r) => revisionOf(r) === 1)!;
    const tpl = JSON.parse(JSON.stringify(rev1.spec.template));
    delete tpl.metadata.labels['pod-template-hash'];
    tpl.metadata.creationTimestamp = null;
    tpl.spec.containers[0].resources = {};
    await h.api.patch('Deployment', 'default', 'web', 'json', [{ op: 'replace', path: '/spec/template', value: tpl }]);
    await h.settle();
    expect(rsList(h)).toHaveLength(3);
    expect(revisionOf(h.api.get('ReplicaSet', 'default', rev1.metadata.name!)!)).toBe(4);
    expect(images(h)).toEqual(['nginx:1.25', 'nginx:1.25']);
    await h.mgr.stop();
  });

  it('no history: a single revision cannot be undone', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 1 }));
    await h.settle();
    expect(() => rollbackTemplate(getDeploy(h), rsList(h))).toThrow('no rollout history found for deployment "web"');
    await h.mgr.stop();
  });

  it('restart stamps restartedAt on the template and rolls every pod', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 2 }));
    await h.settle();
    const oldPods = podsOf(h.api).map((p) => p.metadata.name);
    const patch = restartPatch(h.clock.now());
    expect(patch).toEqual({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } } } });
    await h.api.patch('Deployment', 'default', 'web', 'strategic', patch);
    await h.settle();
    const pods = podsOf(h.api);
    expect(pods).toHaveLength(2);
    expect(pods.some((p: KubeObject) => oldPods.includes(p.metadata.name))).toBe(false);
    expect(rsList(h)).toHaveLength(2);
    await h.mgr.stop();
  });
});
