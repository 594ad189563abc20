import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { defaultAdmissionPlugins, type AdmissionPlugin } from '../../src/api/admission/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

function api(plugins: AdmissionPlugin[] = defaultAdmissionPlugins()): Api {
  const clock = new FakeClock();
  return new Api({ store: new MemoryStore({ now: () => clock.now() }), now: () => clock.now(), admission: plugins });
}

const claim = (name: string, storage: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
});

describe('Api admission hook', () => {
  it('runs plugins on create after defaulting and before validation, and on update', async () => {
    const seen: string[] = [];
    const a = api([
      {
        name: 'Recorder',
        admit(attrs) {
          seen.push(`${attrs.operation} ${attrs.object.kind} ${attrs.object.metadata.name ?? attrs.object.metadata.generateName} ${attrs.object.spec?.volumeMode ?? '-'}`);
        },
      },
    ]);
    await a.create({ ...claim('', '1Gi'), metadata: { generateName: 'data-', namespace: 'default' } });
    const [c] = a.list('PersistentVolumeClaim').items;
    await a.modify('PersistentVolumeClaim', 'default', c.metadata.name!, (o) => {
      o.metadata.labels = { x: 'y' };
    });
    // defaulted (volumeMode) and not yet named on create; named on update
    expect(seen).toEqual(['CREATE PersistentVolumeClaim data- Filesystem', `UPDATE PersistentVolumeClaim ${c.metadata.name} Filesystem`]);
  });

  it('quota: storage requests on create and on resize; an update that adds nothing passes even over quota', async () => {
    const a = api();
    await a.create(claim('a', '4Gi'));
    await a.create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'storage', namespace: 'default' }, spec: { hard: { 'requests.storage': '5Gi', persistentvolumeclaims: '1' } } });
    await expect(a.create(claim('b', '1Gi'))).rejects.toThrow(
      'persistentvolumeclaims "b" is forbidden: exceeded quota: storage, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1',
    );
    await expect(
      a.modify('PersistentVolumeClaim', 'default', 'a', (o) => {
        o.spec.resources.requests.storage = '6Gi';
      }),
    ).rejects.toThrow('persistentvolumeclaims "a" is forbidden: exceeded quota: storage, requested: requests.storage=6Gi, used: requests.storage=0, limited: requests.storage=5Gi');
    await a.modify('PersistentVolumeClaim', 'default', 'a', (o) => {
      o.metadata.labels = { tier: 'db' };
    });
    expect(a.get('PersistentVolumeClaim', 'default', 'a')!.metadata.labels).toEqual({ tier: 'db' });
  });

  it('LimitRange bounds PersistentVolumeClaim storage', async () => {
    const a = api();
    await a.create({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'storage', namespace: 'default' },
      spec: { limits: [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }] },
    });
    await expect(a.create(claim('tiny', '500Mi'))).rejects.toThrow(
      'persistentvolumeclaims "tiny" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi',
    );
    await expect(a.create(claim('huge', '20Gi'))).rejects.toThrow(
      'persistentvolumeclaims "huge" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi',
    );
    await a.create(claim('ok', '2Gi'));
  });
});
