// Table tests for the PersistentVolume controller's pure decisions (src/controllers/pv-binding.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../src/api/types/storage.js';
import { LOCAL_PROVISIONER, PROVISIONED_BY, namedVolumeDecision, provisionedVolume, volumeDecision } from '../../src/controllers/pv-binding.js';

function pvc(o: { volumeName?: string; phase?: string; storage?: string; className?: string } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', uid: 'claim-uid' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage ?? '1Gi' } }, ...(o.volumeName ? { volumeName: o.volumeName } : {}), ...(o.className !== undefined ? { storageClassName: o.className } : {}) },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  } as PersistentVolumeClaim;
}

function pv(o: { claimRef?: Record<string, string>; phase?: string; capacity?: string; policy?: string; provisioned?: boolean } = {}): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'vol', ...(o.provisioned ? { annotations: { [PROVISIONED_BY]: LOCAL_PROVISIONER } } : {}) },
    spec: { capacity: { storage: o.capacity ?? '2Gi' }, accessModes: ['ReadWriteOnce'], ...(o.claimRef ? { claimRef: o.claimRef } : {}), ...(o.policy ? { persistentVolumeReclaimPolicy: o.policy } : {}) },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  } as PersistentVolume;
}

const mine = { name: 'data', namespace: 'default', uid: 'claim-uid' };

describe('namedVolumeDecision', () => {
  const cases: [string, PersistentVolumeClaim, PersistentVolume | undefined, Record<string, unknown>][] = [
    ['a Bound claim whose volume is gone is Lost', pvc({ volumeName: 'vol', phase: 'Bound' }), undefined, { action: 'lost' }],
    ['a pending claim waits for its volume', pvc({ volumeName: 'vol' }), undefined, { action: 'volumeMissing' }],
    ['bound both ways: only phases to fix', pvc({ volumeName: 'vol', phase: 'Bound' }), pv({ claimRef: mine }), { action: 'confirmBound', claimPhase: false, volumePhase: true }],
    ['bound to another claim', pvc({ volumeName: 'vol' }), pv({ claimRef: { name: 'other', namespace: 'default', uid: 'x' } }), { action: 'boundElsewhere' }],
    ['pre-bound by name (no uid) to this claim: bind', pvc({ volumeName: 'vol' }), pv({ claimRef: { name: 'data', namespace: 'default' } }), { action: 'bind' }],
    ['free and big enough: bind', pvc({ volumeName: 'vol' }), pv(), { action: 'bind' }],
    ['free but too small', pvc({ volumeName: 'vol', storage: '5Gi' }), pv(), { action: 'mismatch' }],
  ];
  for (const [name, c, v, want] of cases) it(name, () => expect(namedVolumeDecision(c, v)).toEqual(want));
});

describe('volumeDecision', () => {
  const claim = (uid: string, volumeName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', uid }, spec: { volumeName } });
  const cases: [string, PersistentVolume, KubeObject | undefined, Record<string, unknown>][] = [
    ['no claimRef: Available', pv(), undefined, { phase: 'Available' }],
    ['already Available: nothing', pv({ phase: 'Available' }), undefined, {}],
    ['pre-bound without uid: Available', pv({ claimRef: { name: 'data', namespace: 'default' } }), undefined, { phase: 'Available' }],
    ['its claim points back: Bound', pv({ claimRef: mine, phase: 'Available' }), claim('claim-uid', 'vol'), { phase: 'Bound' }],
    ['its claim has not taken it yet: wait', pv({ claimRef: mine, phase: 'Available' }), claim('claim-uid'), {}],
    ['claim gone, Retain: Released only', pv({ claimRef: mine, phase: 'Bound' }), undefined, { phase: 'Released' }],
    ['claim replaced by a new uid counts as gone', pv({ claimRef: mine, phase: 'Released', policy: 'Retain' }), claim('new-uid'), {}],
    ['claim gone, Delete, provisioned: delete', pv({ claimRef: mine, phase: 'Bound', policy: 'Delete', provisioned: true }), undefined, { phase: 'Released', reclaim: 'delete' }],
    ['claim gone, Delete, not ours to delete', pv({ claimRef: mine, phase: 'Failed', policy: 'Delete' }), undefined, { reclaim: 'unsupported' }],
  ];
  for (const [name, v, c, want] of cases) it(name, () => expect(volumeDecision(v, c)).toEqual(want));
});

describe('provisionedVolume', () => {
  const sc: StorageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: LOCAL_PROVISIONER, reclaimPolicy: 'Retain' } as StorageClass;
  it('sizes the volume to the request, binds it to the claim and pins it to the node', () => {
    const v = provisionedVolume(pvc(), sc, 'node-1', '/data/pv/claim-uid');
    expect(v.metadata).toEqual({ name: 'pvc-claim-uid', annotations: { [PROVISIONED_BY]: LOCAL_PROVISIONER } });
    expect(v.spec).toMatchObject({
      capacity: { storage: '1Gi' },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'local',
      hostPath: { path: '/data/pv/claim-uid', type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: 'claim-uid' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } },
    });
  });
  it('has no node affinity without a node', () => expect(provisionedVolume(pvc(), sc, undefined, '/d').spec.nodeAffinity).toBeUndefined());
});
