import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { newGarbageCollector } from '../../src/controllers/garbage-collector.js';
import { newStatefulSetController, ordinalOf } from '../../src/controllers/statefulset.js';
import { events, setup } from './harness.js';
import { WorkloadKubelet } from './workload-kubelet.js';

function sts(name: string, replicas: number, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'mysql:8' }] } },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
      ...spec,
    },
  };
}

async function stsHarness() {
  const kubelet = new WorkloadKubelet();
  const h = await setup({ factories: [newGarbageCollector, newStatefulSetController, kubelet.factory] });
  return { ...h, kubelet };
}

const live = (h: { api: any }, set = 'db') =>
  (h.api.list('Pod', { namespace: 'default', filter: (p: KubeObject) => p.metadata.labels?.app === set && !p.metadata.deletionTimestamp }).items as KubeObject[])
    .map((p) => p.metadata.name!)
    .sort();
const claims = (h: { api: any }) => (h.api.list('PersistentVolumeClaim', { namespace: 'default' }).items as KubeObject[]).map((c) => c.metadata.name!).sort();

describe('StatefulSet controller', () => {
  it('OrderedReady: creates pods in order, each Running and Ready before the next, with stable identity and claims', async () => {
    const h = await stsHarness();
    h.kubelet.ready = () => false;
    await h.api.create(sts('db', 3));
    await h.settle();
    expect(live(h)).toEqual(['db-0']);
    expect(claims(h)).toEqual(['data-db-0']);
    const p0 = h.api.get('Pod', 'default', 'db-0')!;
    expect(p0.spec.hostname).toBe('db-0');
    expect(p0.spec.subdomain).toBe('db');
    expect(p0.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } });
    expect(p0.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(p0.metadata.labels!['controller-revision-hash']).toBeTruthy();
    h.kubelet.ready = (p) => p.metadata.name === 'db-0';
    h.kubelet.resync();
    await h.settle();
    expect(live(h)).toEqual(['db-0', 'db-1']);
    h.kubelet.ready = () => true;
    h.kubelet.resync();
    await h.settle();
    expect(live(h)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(claims(h)).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    const st = h.api.get('StatefulSet', 'default', 'db')!.status;
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1, collisionCount: 0 });
    expect(st!.currentRevision).toBe(st!.updateRevision);
    expect(st!.currentRevision).toBe(`db-${p0.metadata.labels!['controller-revision-hash']}`);
    expect(events(h.api, 'SuccessfulCreate').map((e) => e.message)).toEqual([
      'create Claim data-db-0 Pod db-0 in StatefulSet db success',
      'create Pod db-0 in StatefulSet db successful',
      'create Claim data-db-1 Pod db-1 in StatefulSet db success',
      'create Pod db-1 in StatefulSet db successful',
      'create Claim data-db-2 Pod db-2 in StatefulSet db success',
      'create Pod db-2 in StatefulSet db successful',
    ]);
    // scale down: highest ordinal first; claims are retained by default
    await h.api.scale('StatefulSet', 'default', 'db', 1);
    await h.settle();
    expect(live(h)).toEqual(['db-0']);
    expect(events(h.api, 'SuccessfulDelete').map((e) => e.message)).toEqual([
      'delete Pod db-2 in StatefulSet db successful',
      'delete Pod db-1 in StatefulSet db successful',
    ]);
    expect(claims(h)).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    // a deleted pod comes back with the same name and claim
    await h.api.delete('Pod', 'default', 'db-0');
    await h.settle();
    expect(live(h)).toEqual(['db-0']);
    await h.mgr.stop();
  });

  it('Parallel creates all pods at once; whenScaled/whenDeleted Delete remove claims', async () => {
    const h = await stsHarness();
    h.kubelet.ready = () => false;
    await h.api.create(sts('db', 3, { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Delete' } }));
    await h.settle();
    expect(live(h)).toEqual(['db-0', 'db-1', 'db-2']);
    await h.api.scale('StatefulSet', 'default', 'db', 1);
    await h.settle();
    expect(live(h)).toEqual(['db-0']);
    expect(claims(h)).toEqual(['data-db-0']);
    expect(h.api.get('PersistentVolumeClaim', 'default', 'data-db-0')!.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', name: 'db' }),
    ]);
    await h.api.delete('StatefulSet', 'default', 'db');
    await h.settle();
    await h.settle();
    expect(claims(h)).toEqual([]);
    await h.mgr.stop();
  });

  it('RollingUpdate goes from the highest ordinal down, stopping at the partition', async () => {
    const h = await stsHarness();
    await h.api.create(sts('db', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await h.settle();
    const oldRev = h.api.get('StatefulSet', 'default', 'db')!.status?.currentRevision;
    await h.api.modify('StatefulSet', 'default', 'db', (s) => {
      s.spec.template.spec.containers[0].image = 'mysql:9';
    });
    await h.settle();
    const image = (n: string) => h.api.get('Pod', 'default', n)!.spec.containers[0].image;
    expect(['db-0', 'db-1', 'db-2'].map(image)).toEqual(['mysql:8', 'mysql:9', 'mysql:9']);
    let st = h.api.get('StatefulSet', 'default', 'db')!.status;
    expect(st!.currentRevision).toBe(oldRev);
    expect(st!.updateRevision).not.toBe(oldRev);
    expect(st).toMatchObject({ currentReplicas: 1, updatedReplicas: 2 });
    const deletions = events(h.api, 'SuccessfulDelete').map((e) => e.message);
    expect(deletions).toEqual(['delete Pod db-2 in StatefulSet db successful', 'delete Pod db-1 in StatefulSet db successful']);
    // lower the partition: db-0 follows and the update revision becomes current
    await h.api.modify('StatefulSet', 'default', 'db', (s) => {
      s.spec.updateStrategy.rollingUpdate.partition = 0;
    });
    await h.settle();
    expect(['db-0', 'db-1', 'db-2'].map(image)).toEqual(['mysql:9', 'mysql:9', 'mysql:9']);
    st = h.api.get('StatefulSet', 'default', 'db')!.status;
    expect(st!.currentRevision).toBe(st!.updateRevision);
    expect(h.api.list('ControllerRevision').items).toHaveLength(2);
    await h.mgr.stop();
  });

  it('parses ordinals only from its own names', () => {
    expect(ordinalOf('web', 'web-12')).toBe(12);
    expect(ordinalOf('web', 'web-x')).toBeUndefined();
    expect(ordinalOf('web', 'webby-1')).toBeUndefined();
  });
});
