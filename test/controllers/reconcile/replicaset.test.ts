// ReplicaSet controller, one sync at a time (kubernetes pkg/controller/replicaset
// replica_set_test.go: TestSyncReplicaSetCreateFailures, TestSyncReplicaSetDormancy).
import { describe, expect, it } from 'vitest';
import { newReplicaSetController } from '../../../src/controllers/replicaset.js';
import { replicaSet } from '../harness.js';
import { create, del, newFixture, seededWith, syncOnce, update, updateStatus } from './fixture.js';
import { runAll } from './pods.js';

const podName = expect.stringMatching(/^web-[a-z0-9]{5}$/);

describe('replicaset reconcile', () => {
  it('creates the missing pods, then writes status', async () => {
    const { f, c } = await seededWith(newReplicaSetController, replicaSet('web', 3));
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      create('pods', 'default', podName),
      create('pods', 'default', podName),
      create('pods', 'default', podName),
      updateStatus('replicasets', 'default', 'web'),
    ]);
    expect(f.events()).toHaveLength(3);
    expect(f.api.get('ReplicaSet', 'default', 'web')?.status).toMatchObject({ replicas: 3, observedGeneration: 1 });
  });

  it('deletes the surplus when scaled down, then writes status', async () => {
    const { f, c } = await seededWith(newReplicaSetController, replicaSet('web', 3));
    await f.converge(c, 'default/web');
    await f.api.scale('ReplicaSet', 'default', 'web', 1);
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      del('pods', 'default', podName),
      del('pods', 'default', podName),
      updateStatus('replicasets', 'default', 'web'),
    ]);
  });

  it('adopts a matching orphan instead of creating a pod', async () => {
    const f = newFixture();
    await f.seed(replicaSet('web', 1), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
    });
    const c = newReplicaSetController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/web')).toEqual([update('pods', 'default', 'stray'), updateStatus('replicasets', 'default', 'web')]);
  });

  it('does nothing when the ReplicaSet is in sync', async () => {
    const { f, c } = await seededWith(newReplicaSetController, replicaSet('web', 3));
    await f.converge(c, 'default/web');
    expect(await syncOnce(f, c, 'default/web')).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('does nothing when its pods run Ready, however much time passes', async () => {
    const f = newFixture();
    const rs = replicaSet('web', 3);
    rs.spec.minReadySeconds = 10;
    await f.seed(rs);
    const c = newReplicaSetController({ api: f.api, clock: f.clock });
    await f.converge(c, 'default/web');
    await runAll(f);
    // Ready now, available after minReadySeconds: one status write for each.
    expect(await syncOnce(f, c, 'default/web')).toEqual([updateStatus('replicasets', 'default', 'web')]);
    f.clock.advance(10_000);
    expect(await syncOnce(f, c, 'default/web')).toEqual([updateStatus('replicasets', 'default', 'web')]);
    expect(f.api.get('ReplicaSet', 'default', 'web')?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/web')).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('does nothing for a ReplicaSet that no longer exists', async () => {
    const f = newFixture();
    const c = newReplicaSetController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/gone')).toEqual([]);
  });
});
