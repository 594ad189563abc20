// Table tests for the StatefulSet controller's pure parts (src/controllers/statefulset-pods.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { StatefulSet } from '../../src/api/types/apps.js';
import { CONTROLLER_REVISION_HASH } from '../../src/controllers/controller-revision.js';
import { claimOwners, computeStatus, ordinalOf, splitByOrdinal, statefulClaim, statefulPod, usesCurrentRevision } from '../../src/controllers/statefulset-pods.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function sts(spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default', uid: 'set-uid', generation: 2 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, serviceName: 'db-h', template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...spec } as StatefulSet['spec'],
  };
}

function pod(name: string, o: { hash?: string; ready?: boolean; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { [CONTROLLER_REVISION_HASH]: o.hash ?? 'new' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}) },
    spec: {},
    status: { phase: 'Running', conditions: o.ready === false ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

describe('ordinalOf', () => {
  it.each([
    ['db', 'db-0', 0],
    ['db', 'db-12', 12],
    ['db', 'db-x', undefined],
    ['db', 'dbx-1', undefined],
    ['a.b', 'a.b-3', 3],
    ['a.b', 'axb-3', undefined],
  ])('ordinalOf(%s, %s) = %s', (set, name, want) => expect(ordinalOf(set, name)).toBe(want));
});

describe('splitByOrdinal', () => {
  it('keeps ordinals in [start, start+replicas) and condemns the rest, highest first', () => {
    const r = splitByOrdinal(sts({ replicas: 2, ordinals: { start: 1 } }), [pod('db-0'), pod('db-1'), pod('db-2'), pod('db-5'), pod('db-3'), pod('other')]);
    expect([...r.byOrdinal.keys()].sort()).toEqual([1, 2]);
    expect(r.condemned.map((p) => p.metadata.name)).toEqual(['db-5', 'db-3', 'db-0']);
  });
});

describe('usesCurrentRevision', () => {
  const rolling = (partition: number) => sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } });
  it.each([
    ['below the partition keeps current', rolling(2), 1, 'cur', 'upd', true],
    ['at the partition updates', rolling(2), 2, 'cur', 'upd', false],
    ['no update pending', rolling(2), 0, 'same', 'same', false],
    ['OnDelete ignores the partition', sts({ updateStrategy: { type: 'OnDelete' } }), 0, 'cur', 'upd', false],
  ] as const)('%s', (_n, set, ordinal, cur, upd, want) => expect(usesCurrentRevision(set, ordinal, cur, upd)).toBe(want));
});

describe('claims', () => {
  const tpl = { metadata: { name: 'data', labels: { tier: 'x' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  it('names the claim <template>-<set>-<ordinal> with the set labels, owned only under whenDeleted: Delete', () => {
    const keep = statefulClaim(sts({ volumeClaimTemplates: [tpl] as never }), tpl as never, 4);
    expect(keep.metadata).toEqual({ name: 'data-db-4', namespace: 'default', labels: { tier: 'x', app: 'db' } });
    const owned = statefulClaim(sts({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } } as never), tpl as never, 0);
    expect(owned.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid', blockOwnerDeletion: true }]);
  });
  it('claimOwners keeps foreign owners and drops ours when retained', () => {
    const foreign = { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x' };
    const ours = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid' };
    expect(claimOwners(sts(), [foreign, ours])).toEqual([foreign]);
    expect(claimOwners(sts(), [ours])).toBeUndefined();
  });
  it('the pod mounts its claims and carries its identity', () => {
    const p = statefulPod(sts({ volumeClaimTemplates: [tpl] as never }), sts().spec.template, 1, 'h1');
    expect(p.metadata.name).toBe('db-1');
    expect(p.spec.hostname).toBe('db-1');
    expect(p.spec.subdomain).toBe('db-h');
    expect(p.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }]);
    expect(p.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1', [CONTROLLER_REVISION_HASH]: 'h1' });
  });
});

describe('computeStatus', () => {
  it('counts replicas by revision and completes the rolling update once all run the update revision', () => {
    const s = computeStatus(sts(), [pod('db-0'), pod('db-1'), pod('db-2')], 'db-old', 'old', 'db-new', 'new', NOW);
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-new', updateRevision: 'db-new', availableReplicas: 3, observedGeneration: 2 });
  });
  it('mid-rollout: current stays, terminating and foreign pods are not counted as current/updated', () => {
    const s = computeStatus(sts(), [pod('db-0', { hash: 'old' }), pod('db-1', { hash: 'old', ready: false }), pod('db-2', { deleting: true }), pod('x-0')], 'db-old', 'old', 'db-new', 'new', NOW);
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 0, currentRevision: 'db-old' });
  });
});
