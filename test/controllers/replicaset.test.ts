import { describe, expect, it } from 'vitest';
import { controllerRef } from '../../src/api/meta.js';
import { compareForDeletion } from '../../src/controllers/pod-util.js';
import { events, isReadyPod, podsOf, replicaSet, setup } from './harness.js';

describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods with generateName, labels and a controller ownerReference', async () => {
    const h = await setup();
    const rs = await h.api.create(replicaSet('web', 3));
    await h.settle();
    const pods = podsOf(h.api);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(controllerRef(p)).toMatchObject({ kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true });
    }
    const st = h.api.get('ReplicaSet', 'default', 'web')!.status;
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const created = events(h.api, 'SuccessfulCreate');
    expect(created).toHaveLength(3);
    expect(created.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    await h.mgr.stop();
  });

  it('scales down deleting the most deletable pods first (ActivePods order)', async () => {
    // Pods stay unready unless named in `readyNames`, and stay unbound when in `unbound`.
    const h = await setup({ kubelet: { ready: () => true } });
    await h.api.create(replicaSet('web', 4));
    await h.settle();
    const [a, b, c, d] = podsOf(h.api).map((p) => p.metadata.name!);
    // b: not ready; c: ready with restarts; a, d: ready, healthy. Stop the kubelet from fixing them.
    h.kubelet.ready = (p) => p.metadata.name !== b;
    await h.api.modify('Pod', 'default', c, (p) => {
      p.status.containerStatuses[0].restartCount = 4;
    }, { status: true });
    h.kubelet.resync();
    await h.settle();
    expect(isReadyPod(h.api.get('Pod', 'default', b)!)).toBe(false);
    await h.api.scale('ReplicaSet', 'default', 'web', 2);
    await h.settle();
    const left = podsOf(h.api).map((p) => p.metadata.name).sort();
    expect(left).toEqual([a, d].sort());
    const deleted = events(h.api, 'SuccessfulDelete').map((e) => e.message);
    expect(deleted.sort()).toEqual([`Deleted pod: ${b}`, `Deleted pod: ${c}`].sort());
    expect(h.api.get('ReplicaSet', 'default', 'web')!.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    await h.mgr.stop();
  });

  it('orders deletion: unassigned < assigned, Pending < Running, not ready < ready, newer first', () => {
    const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; created?: string }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
      spec: { ...(o.node ? { nodeName: o.node } : {}) },
      status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] },
    });
    const pods = [
      pod('old-ready', { node: 'n', ready: true }),
      pod('new-ready', { node: 'n', ready: true, created: '2026-01-01T00:01:00Z' }),
      pod('running-unready', { node: 'n' }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('unassigned', { phase: 'Pending' }),
    ];
    expect([...pods].sort(compareForDeletion).map((p) => p.metadata.name)).toEqual(['unassigned', 'pending', 'running-unready', 'new-ready', 'old-ready']);
  });

  it('adopts matching orphans, releases pods whose labels stop matching, and replaces them', async () => {
    const h = await setup();
    const orphan = await h.api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    const rs = await h.api.create(replicaSet('web', 2));
    await h.settle();
    expect(controllerRef(h.api.get('Pod', 'default', 'stray')!)?.uid).toBe(rs.metadata.uid);
    expect(podsOf(h.api)).toHaveLength(2);
    void orphan;
    await h.api.modify('Pod', 'default', 'stray', (p) => {
      p.metadata.labels = { app: 'debug' };
    });
    await h.settle();
    expect(controllerRef(h.api.get('Pod', 'default', 'stray')!)).toBeUndefined();
    expect(podsOf(h.api, (p) => p.metadata.labels?.app === 'web')).toHaveLength(2);
    await h.mgr.stop();
  });

  it('does not count terminating or finished pods, and honours minReadySeconds', async () => {
    const h = await setup({ kubelet: { finishDeletes: false } });
    const rs = replicaSet('web', 2);
    rs.spec.minReadySeconds = 10;
    await h.api.create(rs);
    await h.settle();
    expect(h.api.get('ReplicaSet', 'default', 'web')!.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(h.api.get('ReplicaSet', 'default', 'web')!.status?.availableReplicas).toBeUndefined();
    await h.settle(10_000);
    expect(h.api.get('ReplicaSet', 'default', 'web')!.status).toMatchObject({ availableReplicas: 2 });
    // One pod fails, one is deleted (bound, so it stays Terminating): both are replaced.
    const [p1, p2] = podsOf(h.api);
    h.kubelet.ready = (p) => p.metadata.name !== p1.metadata.name;
    await h.api.modify('Pod', 'default', p1.metadata.name!, (p) => {
      p.status.phase = 'Failed';
    }, { status: true });
    await h.api.delete('Pod', 'default', p2.metadata.name!);
    await h.settle();
    const active = podsOf(h.api, (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed');
    expect(active).toHaveLength(2);
    expect(h.api.get('Pod', 'default', p2.metadata.name!)?.metadata.deletionTimestamp).toBeTruthy();
    expect(h.api.get('ReplicaSet', 'default', 'web')!.status?.replicas).toBe(2);
    await h.mgr.stop();
  });
});

describe('ReplicaSet controller failures', () => {
  it('reports FailedCreate (event + ReplicaFailure), tries one pod per sync (slow start) and backs off', async () => {
    const { Api } = await import('../../src/api/api.js');
    const { MemoryStore } = await import('../../state/store.js');
    const { FakeClock } = await import('../../src/util/clock.js');
    const { startControllers } = await import('../../src/controllers/index.js');
    const { newReplicaSetController } = await import('../../src/controllers/replicaset.js');
    const { StatusError } = await import('../../src/api/errors.js');
    const clock = new FakeClock();
    let podCreates = 0;
    let refuse = true;
    class RefusingApi extends Api {
      override async create<T extends import('../../src/api/meta.js').KubeObject>(obj: T, opts = {}): Promise<T> {
        if (obj.kind === 'Pod' && refuse) {
          podCreates++;
          throw new StatusError(403, 'Forbidden', `pods "${obj.metadata.generateName}" is forbidden: exceeded quota: compute`);
        }
        return super.create(obj, opts);
      }
    }
    const api = new RefusingApi({ store: new MemoryStore({ now: () => clock.now() }), now: () => clock.now() });
    const mgr = startControllers({ api, clock, factories: [newReplicaSetController] });
    await api.create(replicaSet('web', 5));
    await mgr.whenIdle();
    // slow start: a failing sync stops after its first batch of one (our own status write may resync once)
    const first = podCreates;
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(2);
    const ev = events(api, 'FailedCreate');
    expect(ev[0].message).toBe('Error creating: pods "web-" is forbidden: exceeded quota: compute');
    const rs = api.get('ReplicaSet', 'default', 'web')!;
    expect(rs.status!.conditions).toEqual([
      expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota: compute' }),
    ]);
    // no retry before the backoff delay, one attempt per retry after it
    await mgr.whenIdle();
    expect(podCreates).toBe(first);
    clock.advance(1_000);
    await mgr.whenIdle();
    expect(podCreates).toBe(first + 1);
    refuse = false;
    clock.advance(60_000);
    await mgr.whenIdle();
    expect(api.list('Pod').items).toHaveLength(5);
    expect(api.get('ReplicaSet', 'default', 'web')!.status?.conditions).toBeUndefined();
    await mgr.stop();
  });
});
