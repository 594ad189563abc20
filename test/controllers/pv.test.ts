import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../src/api/types/storage.js';
import { findBestMatch, pvControllerFactory } from '../../src/controllers/pv-controller.js';
import { events, setup } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pv(name: string, storage: string, o: Partial<PersistentVolume['spec']> & { labels?: Record<string, string> } = {}): KubeObject {
  const { labels, ...spec } = o;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/mnt/${name}` }, ...spec },
  };
}

function pvc(name: string, storage: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec },
  };
}

async function pvHarness() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeterm-pv-'));
  dirs.push(dataDir);
  const h = await setup({ factories: [pvControllerFactory(dataDir)] });
  return { ...h, dataDir };
}

describe('findBestMatch', () => {
  const claim = pvc('c', '2Gi') as PersistentVolumeClaim;
  const vols = [pv('big', '10Gi'), pv('small', '1Gi'), pv('fit', '3Gi'), pv('rox', '2Gi', { accessModes: ['ReadOnlyMany'] }), pv('classy', '2Gi', { storageClassName: 'fast' })] as PersistentVolume[];
  it('picks the smallest volume that fits class, access modes and capacity', () => {
    expect(findBestMatch(claim, vols, '')?.metadata.name).toBe('fit');
    expect(findBestMatch(claim, vols, 'fast')?.metadata.name).toBe('classy');
    const sel = pvc('c', '1Gi', { selector: { matchLabels: { tier: 'gold' } } }) as PersistentVolumeClaim;
    expect(findBestMatch(sel, [...vols, pv('gold', '5Gi', { labels: { tier: 'gold' } })] as PersistentVolume[], '')?.metadata.name).toBe('gold');
  });
});

describe('PersistentVolume controller', () => {
  it('creates the default local StorageClass on start', async () => {
    const h = await pvHarness();
    const sc = h.api.get('StorageClass', '', 'local')!;
    expect(sc).toMatchObject({
      provisioner: 'kubeterm.io/local',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    });
    await h.mgr.stop();
  });

  it('the seed example: a hostPath PV and a class-less PVC bind; deleting the claim releases a Retain volume', async () => {
    const h = await pvHarness();
    await h.api.create(pv('mysql-pv', '1Gi', { hostPath: { path: '/mnt/data' } }));
    await h.api.create(pvc('mysql-pvc', '1Gi'));
    await h.settle();
    const claim = h.api.get('PersistentVolumeClaim', 'default', 'mysql-pvc')!;
    expect(claim.spec.volumeName).toBe('mysql-pv');
    expect(claim.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(claim.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const vol = h.api.get('PersistentVolume', '', 'mysql-pv')!;
    expect(vol.status!.phase).toBe('Bound');
    expect(vol.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'mysql-pvc', uid: claim.metadata.uid });
    await h.api.delete('PersistentVolumeClaim', 'default', 'mysql-pvc');
    await h.settle();
    expect(h.api.get('PersistentVolume', '', 'mysql-pv')!.status?.phase).toBe('Released');
    // a new claim does not get a Released volume
    await h.api.create(pvc('again', '1Gi', { storageClassName: '' }));
    await h.settle();
    expect(h.api.get('PersistentVolumeClaim', 'default', 'again')!.status?.phase).toBe('Pending');
    expect(events(h.api, 'FailedBinding').map((e) => e.message)).toContain('no persistent volumes available for this claim and no storage class is set');
    await h.mgr.stop();
  });

  it('volumeName pre-binding and selectors', async () => {
    const h = await pvHarness();
    await h.api.create(pv('a', '5Gi'));
    await h.api.create(pv('b', '5Gi'));
    await h.api.create(pvc('want-b', '1Gi', { volumeName: 'b', storageClassName: '' }));
    await h.settle();
    expect(h.api.get('PersistentVolume', '', 'b')!.spec?.claimRef?.name).toBe('want-b');
    expect(h.api.get('PersistentVolume', '', 'a')!.status?.phase).toBe('Available');
    await h.mgr.stop();
  });

  it('WaitForFirstConsumer: provisions a directory once a pod uses the claim; Delete reclaims it', async () => {
    const h = await pvHarness();
    await h.api.create(pvc('data', '2Gi'));
    await h.settle();
    let claim = h.api.get('PersistentVolumeClaim', 'default', 'data')!;
    expect(claim.status!.phase).toBe('Pending');
    expect(claim.spec.storageClassName).toBe('local');
    expect(events(h.api, 'WaitForFirstConsumer').map((e) => e.message)).toEqual(['waiting for first consumer to be created before binding']);
    await h.api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', namespace: 'default' },
      spec: { nodeName: 'node-1', containers: [{ name: 'db', image: 'mysql' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    await h.settle();
    claim = h.api.get('PersistentVolumeClaim', 'default', 'data')!;
    const name = `pvc-${claim.metadata.uid}`;
    expect(claim.spec.volumeName).toBe(name);
    expect(claim.status).toMatchObject({ phase: 'Bound', capacity: { storage: '2Gi' } });
    const vol = h.api.get('PersistentVolume', '', name)!;
    const dir = join(h.dataDir, 'pv', claim.metadata.uid!);
    expect(vol.spec).toMatchObject({ storageClassName: 'local', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: dir } });
    expect(vol.spec.nodeAffinity!.required!.nodeSelectorTerms[0]!.matchExpressions?.[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] });
    expect(existsSync(dir)).toBe(true);
    expect(events(h.api, 'ProvisioningSucceeded').map((e) => e.message)).toEqual([`Successfully provisioned volume ${name}`]);
    await h.api.delete('Pod', 'default', 'db', { gracePeriodSeconds: 0 });
    await h.api.delete('PersistentVolumeClaim', 'default', 'data');
    await h.settle();
    expect(h.api.get('PersistentVolume', '', name)).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    await h.mgr.stop();
  });
});
