// Deployment controller, one sync at a time (pkg/controller/deployment
// deployment_controller_test.go: TestSyncDeploymentCreatesReplicaSet,
// TestSyncDeploymentDontDoAnythingDuringDeletion; rolling_test.go): the new
// ReplicaSet, the revision annotation and status; a scale is written to the
// ReplicaSet; a rollout surges the new ReplicaSet and scales the old one down
// within maxUnavailable; a complete rollout writes nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newDeploymentController } from '../../../src/controllers/deployment.js';
import { deployment } from '../harness.js';
import { create, expectNoWritesNowOrLater, seededWith, syncOnce, update, updateStatus, type Fixture } from './fixture.js';

const rsName = expect.stringMatching(/^web-[0-9a-f]+$/);

/** Every ReplicaSet reports its spec.replicas pods Ready and available, as the ReplicaSet controller would once its pods run. */
async function allAvailable(f: Fixture): Promise<void> {
  for (const rs of f.api.list('ReplicaSet').items) {
    await f.api.modify('ReplicaSet', 'default', rs.metadata.name!, (o: KubeObject) => {
      const n = o.spec.replicas as number;
      o.status = n
        ? { replicas: n, fullyLabeledReplicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: o.metadata.generation }
        : { replicas: 0, observedGeneration: o.metadata.generation };
    }, { status: true });
  }
  f.clear();
}

/** Sync and let the ReplicaSets catch up until the Deployment stops writing. */
async function rollOut(f: Fixture, c: ReturnType<typeof newDeploymentController>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const wrote = (await syncOnce(f, c, 'default/web')).length > 0;
    await allAvailable(f);
    if (!wrote) return;
  }
  throw new Error('deployment did not settle');
}

describe('deployment reconcile', () => {
  it('creates the new ReplicaSet, records the revision, then writes status', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 3 }));
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      create('replicasets', 'default', rsName),
      update('deployments', 'default', 'web'), // deployment.kubernetes.io/revision: "1"
      updateStatus('deployments', 'default', 'web'), // Progressing: NewReplicaSetCreated
      updateStatus('deployments', 'default', 'web'), // syncRolloutStatus
    ]);
    expect(f.api.list('ReplicaSet').items[0].spec.replicas).toBe(3);
    expect(f.events()).toEqual([expect.stringMatching(/^Normal ScalingReplicaSet Scaled up replica set web-[0-9a-f]+ from 0 to 3$/)]);
  });

  it('writes a scale to its ReplicaSet, then status', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 3 }));
    await rollOut(f, c);
    await f.api.scale('Deployment', 'default', 'web', 5);
    f.clear();
    expect(await syncOnce(f, c, 'default/web')).toEqual([update('replicasets', 'default', rsName), updateStatus('deployments', 'default', 'web')]);
    expect(f.api.list('ReplicaSet').items[0].spec.replicas).toBe(5);
  });

  it('starts a rollout: the new ReplicaSet at maxSurge, the old one down by maxUnavailable', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 4 }));
    await rollOut(f, c);
    const [old] = f.api.list('ReplicaSet').items;
    await f.api.modify('Deployment', 'default', 'web', (d: KubeObject) => {
      d.spec.template.spec.containers[0].image = 'nginx:1.26';
    });
    f.clear();
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      create('replicasets', 'default', rsName),
      update('deployments', 'default', 'web'),
      updateStatus('deployments', 'default', 'web'),
      update('replicasets', 'default', old.metadata.name!),
      updateStatus('deployments', 'default', 'web'),
    ]);
    // 25 % of 4: surge 1, unavailable 1.
    const replicas = Object.fromEntries(f.api.list('ReplicaSet').items.map((rs) => [rs.metadata.name === old.metadata.name ? 'old' : 'new', rs.spec.replicas]));
    expect(replicas).toEqual({ old: 3, new: 1 });
  });

  it('does nothing once the rollout is complete', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 3 }));
    await rollOut(f, c);
    await expectNoWritesNowOrLater(f, c, 'default/web');
    expect(f.events()).toEqual([]);
  });

  it('does nothing after a completed rollout to a new template', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 3 }));
    await rollOut(f, c);
    await f.api.modify('Deployment', 'default', 'web', (d: KubeObject) => {
      d.spec.template.spec.containers[0].image = 'nginx:1.26';
    });
    await rollOut(f, c);
    expect(f.api.list('ReplicaSet').items.map((rs) => rs.spec.replicas).sort()).toEqual([0, 3]);
    await expectNoWritesNowOrLater(f, c, 'default/web');
    expect(f.events()).toEqual([]);
  });

  it('reports ProgressDeadlineExceeded once, then does nothing while the rollout stays stuck', async () => {
    const { f, c } = await seededWith(newDeploymentController, deployment('web', { replicas: 2, progressDeadlineSeconds: 60 }));
    await f.converge(c, 'default/web');
    f.clock.advance(61_000);
    expect(await syncOnce(f, c, 'default/web')).toEqual([updateStatus('deployments', 'default', 'web')]);
    const progressing = f.api.get('Deployment', 'default', 'web')?.status?.conditions?.find((x: { type: string }) => x.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/web')).toEqual([]);
  });
});
