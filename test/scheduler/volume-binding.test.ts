// VolumeBinding: missing and unbound claims, WaitForFirstConsumer claims and
// the selected-node annotation, volume node affinity, and retries when claims
// change — against MemoryStore + Api on a FakeClock.
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../src/api/types/storage.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { env, node, pod, settle } from './helpers.js';

let sched: Scheduler | undefined;
afterEach(async () => {
  await sched?.stop();
  sched = undefined;
});

type Env = ReturnType<typeof env>;

function setup() {
  const e = env();
  sched = new Scheduler({ api: e.api, clock: e.clock, random: () => 0 });
  return { ...e, sched };
}

function sc(name: string, mode: 'Immediate' | 'WaitForFirstConsumer', provisioner = 'kubeterm.io/local'): StorageClass {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: mode, reclaimPolicy: 'Delete' };
}

function pvc(name: string, o: { storageClassName?: string; volumeName?: string; bound?: boolean } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', ...(o.bound ? { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } } : {}) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(o.storageClassName !== undefined ? { storageClassName: o.storageClassName } : {}),
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

function localPV(name: string, nodeName: string, storageClassName = 'manual'): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/mnt/${name}` },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } },
    },
  };
}

function withClaim(name: string, claimName = 'data'): Pod {
  return pod(name, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } });
}

const get = (api: Env['api'], name: string) => api.get<Pod>('Pod', 'default', name)!;
const scheduledCond = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

function failedScheduling(api: Env['api'], name: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name && e.reason === 'FailedScheduling')
    .map((e) => e.message);
}

describe('VolumeBinding', () => {
  it('a claim that does not exist keeps the pod Pending', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    const msg =
      '0/2 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    expect(get(api, 'db').spec.nodeName).toBeUndefined();
    expect(scheduledCond(get(api, 'db'))).toMatchObject({ status: 'False', reason: 'Unschedulable', message: msg });
    expect(failedScheduling(api, 'db')).toContain(msg);
  });

  it('an unbound claim without a class, or of an Immediate class, is "unbound immediate"', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(sc('fast', 'Immediate', 'example.com/fast'));
    await api.create(pvc('data'));
    await api.create(pvc('quick', { storageClassName: 'fast' }));
    sched.start();
    await api.create(withClaim('a', 'data'));
    await api.create(withClaim('b', 'quick'));
    await settle(sched);
    const msg =
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    expect(scheduledCond(get(api, 'a'))?.message).toBe(msg);
    expect(scheduledCond(get(api, 'b'))?.message).toBe(msg);
  });

  it('retries when the claim gets bound', async () => {
    const { api, clock, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    await api.create(localPV('pv-2', 'node-2'));
    await api.create(pvc('data', { storageClassName: 'manual' }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(scheduledCond(get(api, 'db'))?.message).toContain('pod has unbound immediate PersistentVolumeClaims');
    // What the PV controller does when it binds.
    await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data', (c) => {
      c.spec.volumeName = 'pv-2';
      c.metadata.annotations = { ...(c.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes' };
    });
    clock.advance(1000);
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-2');
  });

  it('a claim bound to a volume with node affinity restricts the pod to that node', async () => {
    const { api, sched } = setup();
    for (const n of ['node-1', 'node-2', 'node-3']) await api.create(node(n));
    await api.create(localPV('pv-2', 'node-2'));
    await api.create(pvc('data', { storageClassName: 'manual', volumeName: 'pv-2', bound: true }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-2');
  });

  it('volume node affinity conflict when the volume\'s node cannot take the pod', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-3'));
    await api.create(localPV('pv-2', 'node-2'));
    await api.create(pvc('data', { storageClassName: 'manual', volumeName: 'pv-2', bound: true }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(scheduledCond(get(api, 'db'))?.message).toBe(
      '0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('an unbound WaitForFirstConsumer claim is fine: the pod binds and the claim gets the selected node', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(sc('local', 'WaitForFirstConsumer'));
    await api.create(pvc('data', { storageClassName: 'local' }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
    const claim = api.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data')!;
    expect(claim.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
  });

  it('a claim already carrying a selected node keeps the pod on that node', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    await api.create(sc('local', 'WaitForFirstConsumer'));
    const c = pvc('data', { storageClassName: 'local' });
    c.metadata.annotations = { 'volume.kubernetes.io/selected-node': 'node-2' };
    await api.create(c);
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-2');
  });

  it('WaitForFirstConsumer without a provisioner needs a static volume on the node', async () => {
    const { api, clock, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    await api.create(sc('static', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner'));
    await api.create(pvc('data', { storageClassName: 'static' }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(scheduledCond(get(api, 'db'))?.message).toBe(
      "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    await api.create(localPV('pv-1', 'node-1', 'static'));
    // The PV controller makes a new volume Available; Pending ones are not matched (as in Kubernetes).
    await api.modify<PersistentVolume>('PersistentVolume', '', 'pv-1', (v) => {
      v.status = { phase: 'Available' };
    }, { status: true });
    clock.advance(1000);
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
    // No provisioning: the claim is not annotated.
    expect(api.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data')!.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
  });
});
