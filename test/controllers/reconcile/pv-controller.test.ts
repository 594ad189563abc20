// PersistentVolume controller, one sync at a time (pkg/controller/volume/persistentvolume
// binder_test.go: "1-2 - claim binds to volume", provision_test.go, delete_test.go):
// binding writes the volume, its status, the claim, its status — in that order;
// a bound pair is not written again.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { LOCAL_PROVISIONER, pvControllerFactory, type VolumeFs } from '../../../src/controllers/pv-controller.js';
import { create, del, expectNoWritesNowOrLater, newFixture, syncOnce, update, updateStatus, type Fixture } from './fixture.js';

const pv = (name: string, size = '1Gi', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: '', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` }, ...extra },
});
const pvc = (name: string, storageClassName: string, size = '1Gi'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: size } } },
});
const immediateLocal: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast' },
  provisioner: LOCAL_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

/** Directory operations recorded, not performed. */
function fakeFs(): VolumeFs & { ops: string[] } {
  const ops: string[] = [];
  return { ops, mkdir: async (p) => void ops.push(`mkdir ${p}`), remove: async (p) => void ops.push(`rm ${p}`) };
}
const controller = (f: Fixture, fs = fakeFs()) => pvControllerFactory('/data', fs)({ api: f.api, clock: f.clock });

describe('pv-controller reconcile', () => {
  it('binds a claim to the volume that fits: volume, volume status, claim, claim status', async () => {
    const f = newFixture();
    await f.seed(pv('small', '1Gi'), pv('big', '10Gi'), pvc('data', ''));
    const c = controller(f);
    expect(await syncOnce(f, c, 'pvc:default/data')).toEqual([
      update('persistentvolumes', undefined, 'small'),
      updateStatus('persistentvolumes', undefined, 'small'),
      update('persistentvolumeclaims', 'default', 'data'),
      updateStatus('persistentvolumeclaims', 'default', 'data'),
    ]);
  });

  it('provisions a volume for a claim of an Immediate local class', async () => {
    const f = newFixture();
    const fs = fakeFs();
    const [, claim] = await f.seed(immediateLocal, pvc('data', 'fast'));
    const c = controller(f, fs);
    expect(await syncOnce(f, c, 'pvc:default/data')).toEqual([create('persistentvolumes', undefined, `pvc-${claim.metadata.uid}`)]);
    expect(fs.ops).toEqual([`mkdir /data/pv/${claim.metadata.uid}`]);
    expect(f.events()).toEqual([`Normal ProvisioningSucceeded Successfully provisioned volume pvc-${claim.metadata.uid}`]);
  });

  it('releases and deletes a provisioned volume whose claim is gone', async () => {
    const f = newFixture();
    const fs = fakeFs();
    const [, claim] = await f.seed(immediateLocal, pvc('data', 'fast'));
    const c = controller(f, fs);
    await f.converge(c, 'pvc:default/data');
    const name = `pvc-${claim.metadata.uid}`;
    await f.converge(c, `pv:${name}`);
    await f.converge(c, 'pvc:default/data');
    await f.api.delete('PersistentVolumeClaim', 'default', 'data');
    f.clear();
    expect(await syncOnce(f, c, `pv:${name}`)).toEqual([updateStatus('persistentvolumes', undefined, name), del('persistentvolumes', undefined, name)]);
    expect(fs.ops.at(-1)).toBe(`rm /data/pv/${claim.metadata.uid}`);
  });

  it('creates the default StorageClass when there is none, and nothing when there is', async () => {
    const f = newFixture();
    const c = controller(f);
    expect(await syncOnce(f, c, '#default-storage-class')).toEqual([create('storageclasses', undefined, 'local')]);
    expect(await syncOnce(f, c, '#default-storage-class')).toEqual([]);
  });

  it('does nothing for a bound claim and its volume', async () => {
    const f = newFixture();
    await f.seed(pv('small', '1Gi'), pvc('data', ''));
    const c = controller(f);
    await f.converge(c, 'pvc:default/data');
    await f.converge(c, 'pv:small');
    await expectNoWritesNowOrLater(f, c, 'pvc:default/data');
    await expectNoWritesNowOrLater(f, c, 'pv:small');
    expect(f.events()).toEqual([]);
  });
});
