import { describe, expect, it } from 'vitest';
import { controllerRef, type KubeObject } from '../../src/api/meta.js';
import { REVISION_ANNOTATION } from '../../src/api/rollout.js';
import { deployment, events, isReadyPod, podsOf, setup, type Harness } from './harness.js';

const rsList = (h: Harness) => h.api.list('ReplicaSet', { namespace: 'default' }).items;
const getDeploy = (h: Harness, name = 'web') => h.api.get('Deployment', 'default', name)!;
const cond = (d: KubeObject, type: string) => (d.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

async function setImage(h: Harness, image: string, name = 'web') {
  await h.api.modify('Deployment', 'default', name, (d) => {
    d.spec.template.spec.containers[0].image = image;
  });
}

describe('Deployment controller', () => {
  it('creates one ReplicaSet named <deploy>-<hash> with the hash label, revision 1, and reports a complete rollout', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first' } }));
    await h.settle();
    const [rs] = rsList(h);
    expect(rsList(h)).toHaveLength(1);
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template!.metadata!.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({
      [REVISION_ANNOTATION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
      'kubernetes.io/change-cause': 'first',
    });
    expect(controllerRef(rs)).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    for (const p of podsOf(h.api)) expect(p.metadata.labels!['pod-template-hash']).toBe(hash);
    const d = getDeploy(h);
    expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status!.unavailableReplicas).toBeUndefined(); // omitempty, as on a real cluster
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
    expect(events(h.api, 'ScalingReplicaSet').map((e) => e.message)).toEqual([`Scaled up replica set ${rs.metadata.name} from 0 to 3`]);
    await h.mgr.stop();
  });

  it('rolls out with maxSurge=1/maxUnavailable=0 never dropping below 3 ready pods nor above 4 pods at any step', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    const states: { ready: number; live: number; images: string[] }[] = [];
    const w = h.store.watch('Pod', {}, () => {
      const live = podsOf(h.api, (p) => !p.metadata.deletionTimestamp);
      states.push({ ready: live.filter(isReadyPod).length, live: live.length, images: live.map((p) => p.spec.containers[0].image) });
    });
    await setImage(h, 'nginx:1.26');
    await h.settle();
    w.stop();
    expect(states.length).toBeGreaterThan(10);
    expect(Math.min(...states.map((s) => s.ready))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...states.map((s) => s.live))).toBeLessThanOrEqual(4);
    // and it really moved: the end state is all new
    const pods = podsOf(h.api);
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    const d = getDeploy(h);
    expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe('2');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(cond(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const rss = rsList(h);
    expect(rss).toHaveLength(2);
    const old = rss.find((r) => r.metadata.annotations![REVISION_ANNOTATION] === '1')!;
    expect(old.spec.replicas).toBe(0);
    const msgs = events(h.api, 'ScalingReplicaSet').map((e) => e.message);
    expect(msgs).toContain(`Scaled down replica set ${old.metadata.name} from 3 to 2`);
    await h.mgr.stop();
  });

  it.each([
    [5, 2],
    [4, '50%'],
    [1, 1],
    [6, '10%'],
  ])('keeps %i ready pods at every step with maxSurge=%s, maxUnavailable=0', async (replicas, surge) => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: 0 } } }));
    await h.settle();
    let minReady = Infinity;
    const w = h.store.watch('Pod', {}, () => {
      minReady = Math.min(minReady, podsOf(h.api, isReadyPod).length);
    });
    for (const img of ['nginx:1.26', 'nginx:1.27']) {
      await setImage(h, img);
      await h.settle();
    }
    w.stop();
    expect(minReady).toBe(replicas);
    expect(podsOf(h.api).map((p) => p.spec.containers[0].image)).toEqual(Array(replicas).fill('nginx:1.27'));
    await h.mgr.stop();
  });

  it('rolls out step by step under minReadySeconds with the default 25%/25%', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 4, minReadySeconds: 5 }));
    await h.settle();
    await h.settle(5000);
    expect(getDeploy(h)!.status?.availableReplicas).toBe(4);
    const states: number[] = [];
    const w = h.store.watch('Pod', {}, () => states.push(podsOf(h.api, (p) => !p.metadata.deletionTimestamp).length));
    await setImage(h, 'nginx:1.26');
    await h.settle();
    // 25% of 4: one extra pod, one unavailable
    expect(Math.max(...states)).toBeLessThanOrEqual(5);
    for (let i = 0; i < 10 && getDeploy(h)!.status?.updatedReplicas !== 4; i++) await h.settle(5000);
    await h.settle(5000);
    w.stop();
    const d = getDeploy(h);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(cond(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    await h.mgr.stop();
  });

  it('Recreate scales the old ReplicaSet to 0 and waits for its pods to be gone before creating new ones', async () => {
    const h = await setup({ kubelet: { finishDeletes: false } });
    await h.api.create(deployment('web', { replicas: 3, strategy: { type: 'Recreate' } }));
    await h.settle();
    let overlap = false;
    const w = h.store.watch('Pod', {}, () => {
      const imgs = new Set(podsOf(h.api).map((p) => p.spec.containers[0].image));
      if (imgs.size > 1) overlap = true;
    });
    await setImage(h, 'nginx:1.26');
    await h.settle();
    // old pods are Terminating; no new RS pods yet
    expect(podsOf(h.api).every((p) => p.metadata.deletionTimestamp && p.spec.containers[0].image === 'nginx:1.25')).toBe(true);
    expect(rsList(h)).toHaveLength(1);
    await h.kubelet.finishTerminating();
    await h.settle();
    w.stop();
    expect(overlap).toBe(false);
    const pods = podsOf(h.api);
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:1.26')).toBe(true);
    expect(getDeploy(h).status).toMatchObject({ updatedReplicas: 3, availableReplicas: 3 });
    await h.mgr.stop();
  });

  it('a stalled rollout reports ProgressDeadlineExceeded after progressDeadlineSeconds', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 2 }));
    await h.settle();
    h.kubelet.ready = (p) => p.spec.containers[0].image !== 'broken:1';
    await setImage(h, 'broken:1');
    await h.settle();
    let d = getDeploy(h);
    const newRs = rsList(h).find((r) => r.spec.template!.spec.containers[0].image === 'broken:1')!;
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(d.status!.updatedReplicas).toBeGreaterThan(0);
    await h.settle(300_000);
    expect(cond(getDeploy(h), 'Progressing')?.reason).not.toBe('ProgressDeadlineExceeded');
    await h.settle(301_000 + 1000);
    d = getDeploy(h);
    expect(cond(d, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${newRs.metadata.name}" has timed out progressing.`,
    });
    // old pods keep serving
    expect(podsOf(h.api, (p) => isReadyPod(p)).length).toBeGreaterThanOrEqual(1);
    await h.mgr.stop();
  });

  it('scales proportionally, pauses without rolling out, and resumes', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 4 }));
    await h.settle();
    await h.api.modify('Deployment', 'default', 'web', (d) => {
      d.spec.paused = true;
    });
    await h.settle();
    expect(cond(getDeploy(h), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    await setImage(h, 'nginx:1.26');
    await h.settle();
    expect(rsList(h)).toHaveLength(1);
    await h.api.scale('Deployment', 'default', 'web', 6);
    await h.settle();
    expect(podsOf(h.api)).toHaveLength(6);
    await h.api.modify('Deployment', 'default', 'web', (d) => {
      d.spec.paused = false;
    });
    await h.settle();
    const d = getDeploy(h);
    expect(d.status).toMatchObject({ replicas: 6, updatedReplicas: 6, availableReplicas: 6 });
    expect(podsOf(h.api).every((p) => p.spec.containers[0].image === 'nginx:1.26')).toBe(true);
    await h.mgr.stop();
  });

  it('cleans up old ReplicaSets beyond revisionHistoryLimit, oldest revisions first', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 1, revisionHistoryLimit: 2 }));
    await h.settle();
    for (let i = 1; i <= 4; i++) {
      h.clock.advance(1000);
      await setImage(h, `nginx:1.${30 + i}`);
      await h.settle();
    }
    const revs = rsList(h)
      .map((r) => Number(r.metadata.annotations![REVISION_ANNOTATION]))
      .sort();
    expect(revs).toEqual([3, 4, 5]);
    await h.mgr.stop();
  });

  it('finishes a rollout after a restart of the controllers on the same store', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    // new pods will not get ready until we say so: the rollout is stuck half-way
    h.kubelet.ready = (p) => p.spec.containers[0].image !== 'nginx:1.26';
    await setImage(h, 'nginx:1.26');
    await h.settle();
    expect(rsList(h)).toHaveLength(2);
    expect(getDeploy(h)!.status?.updatedReplicas).toBe(1);
    await h.restart();
    h.kubelet.ready = () => true;
    h.kubelet.resync();
    await h.settle();
    expect(rsList(h)).toHaveLength(2);
    const d = getDeploy(h);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4, readyReplicas: 4 });
    expect(podsOf(h.api).map((p) => p.spec.containers[0].image)).toEqual(Array(4).fill('nginx:1.26'));
    expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe('2');
    await h.mgr.stop();
  });
});
