// VolumeBinding: missing and unbound claims, WaitForFirstConsumer claims and
// the selected-node annotation, volume node affinity, and retries when claims
// change — against MemoryStore + Api on a FakeClock.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../src/api/types/storage.js';
import { env, node, pod, settle, useScheduler } from './helpers.js';


type Env = ReturnType<typeof env>;

const setup = useScheduler(0);

/** Pod `db` on node-1, waiting in PreBind for its WaitForFirstConsumer claim `data` to be provisioned. */
async function waitingInPreBind() {
  const e = setup();
  await e.api.create(node('node-1'));
  await e.api.create(sc('local', 'WaitForFirstConsumer'));
  await e.api.create(pvc('data', { storageClassName: 'local' }));
  e.sched.start();
  await e.api.create(withClaim('db'));
  await settle(e.sched);
  return e;
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
    ...(o.bound ? { status: { phase: 'Bound' } } : {}),
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

const get = (api: Env['api'], name: string) => api.get('Pod', 'default', name)!;
const scheduledCond = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

function failedScheduling(api: Env['api'], name: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name && e.reason === 'FailedScheduling')
    .map((e) => e.message);
}

/** What the provisioner and the PV controller do for a WaitForFirstConsumer claim: a volume on the node, then the binding. */
async function provision(api: Env['api'], claimName: string, nodeName: string): Promise<void> {
  const claim = api.get('PersistentVolumeClaim', 'default', claimName)!;
  const name = `pvc-${claim.metadata.uid}`;
  const vol = localPV(name, nodeName, claim.spec.storageClassName ?? '');
  vol.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'default', name: claimName, uid: claim.metadata.uid };
  await api.create(vol);
  await completeBinding(api, claimName, name);
}

async function available(api: Env['api'], name: string): Promise<void> {
  await api.modify<PersistentVolume>('PersistentVolume', '', name, (v) => {
    v.status = { phase: 'Available' };
  }, { status: true });
}

/** The PV controller's last two writes: the claim's volumeName and bind-completed, then its Bound phase. */
async function completeBinding(api: Env['api'], claimName: string, volumeName: string): Promise<void> {
  await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', claimName, (c) => {
    c.spec.volumeName = volumeName;
    c.metadata.annotations = { ...(c.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes' };
  });
  await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', claimName, (c) => {
    c.status = { phase: 'Bound', accessModes: c.spec.accessModes, capacity: { storage: '1Gi' } };
  }, { status: true });
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
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2'));
    await api.create(localPV('pv-2', 'node-2'));
    await api.create(pvc('data', { storageClassName: 'manual' }));
    sched.start();
    await api.create(withClaim('db'));
    await settle(sched);
    expect(scheduledCond(get(api, 'db'))?.message).toContain('pod has unbound immediate PersistentVolumeClaims');
    // What the PV controller does when it binds; the pod is retried at once (no clock step).
    await completeBinding(api, 'data', 'pv-2');
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

  it('an unbound WaitForFirstConsumer claim: the claim gets the selected node, the pod is bound once the volume is', async () => {
    const { api, clock, sched } = setup();
    await api.create(node('node-1'));
    await api.create(sc('local', 'WaitForFirstConsumer'));
    await api.create(pvc('data', { storageClassName: 'local' }));
    sched.start();
    const t0 = clock.now();
    await api.create(withClaim('db'));
    await settle(sched);
    const claim = api.get('PersistentVolumeClaim', 'default', 'data')!;
    expect(claim.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
    // PreBind waits for the provisioner: the kubelet must not get a pod whose claim has no volume.
    expect(get(api, 'db').spec.nodeName).toBeUndefined();
    expect(sched.cache.node('node-1')!.pods.size).toBe(1); // assumed there meanwhile
    await provision(api, 'data', 'node-1');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
    expect(clock.now()).toBe(t0); // no backoff or poll interval was waited out
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
    await provision(api, 'data', 'node-2');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-2');
  });

  it('WaitForFirstConsumer without a provisioner needs a static volume on the node, which PreBind pre-binds', async () => {
    const { api, sched } = setup();
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
    await available(api, 'pv-1');
    await settle(sched);
    // The volume is pre-bound to the claim (no provisioning is asked for); the pod waits for the binding.
    const claim = api.get('PersistentVolumeClaim', 'default', 'data')!;
    const vol = api.get('PersistentVolume', '', 'pv-1')!;
    expect(vol.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: claim.metadata.uid });
    expect(vol.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect(claim.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    expect(get(api, 'db').spec.nodeName).toBeUndefined();
    // The PV controller completes the binding: then the pod is bound.
    await completeBinding(api, 'data', 'pv-1');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
  });

  it('pre-binds the smallest fitting volume on the node, each volume to one claim', async () => {
    const { api, sched } = setup();
    await api.create(node('node-1'));
    await api.create(sc('static', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner'));
    for (const [name, size] of [['pv-5g', '5Gi'], ['pv-2g', '2Gi'], ['pv-3g', '3Gi']] as const) {
      const v = localPV(name, 'node-1', 'static');
      v.spec.capacity = { storage: size };
      await api.create(v);
      await available(api, name);
    }
    await api.create(pvc('a', { storageClassName: 'static' }));
    await api.create(pvc('b', { storageClassName: 'static' }));
    sched.start();
    await api.create(pod('db', { spec: { volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'a' } }, { name: 'b', persistentVolumeClaim: { claimName: 'b' } }] } }));
    await settle(sched);
    const refOf = (n: string) => api.get('PersistentVolume', '', n)!.spec.claimRef?.name;
    expect([refOf('pv-2g'), refOf('pv-3g'), refOf('pv-5g')]).toEqual(['a', 'b', undefined]);
    await completeBinding(api, 'a', 'pv-2g');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBeUndefined(); // b is not bound yet
    await completeBinding(api, 'b', 'pv-3g');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
  });

  it('a provisioner that gives up (drops selected-node) fails PreBind; the pod is retried after its backoff', async () => {
    const { api, clock, sched } = await waitingInPreBind();
    await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data', (c) => {
      delete c.metadata.annotations!['volume.kubernetes.io/selected-node'];
    });
    await settle(sched);
    const msg = 'running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for PVC "data"';
    expect(failedScheduling(api, 'db')).toContain(msg);
    expect(scheduledCond(get(api, 'db'))).toMatchObject({ status: 'False', reason: 'SchedulerError', message: msg });
    expect(sched.cache.node('node-1')!.pods.size).toBe(0); // the assumption is forgotten
    expect(sched.stats.bindErrors).toBe(1);
    // An error backoff is waited out even though the scheduler is idle.
    expect(api.get('PersistentVolumeClaim', 'default', 'data')!.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    clock.advance(1000);
    await settle(sched);
    expect(api.get('PersistentVolumeClaim', 'default', 'data')!.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
    await provision(api, 'data', 'node-1');
    await settle(sched);
    expect(get(api, 'db').spec.nodeName).toBe('node-1');
  });

  it('a claim deleted while PreBind waits fails the bind; the retry reports the missing claim', async () => {
    const { api, clock, sched } = await waitingInPreBind();
    await api.delete('PersistentVolumeClaim', 'default', 'data');
    await settle(sched);
    expect(failedScheduling(api, 'db')).toContain(
      'running PreBind plugin "VolumeBinding": binding volumes: failed to check provisioning pvc: persistentvolumeclaim "data" not found',
    );
    clock.advance(1000);
    await settle(sched);
    expect(scheduledCond(get(api, 'db'))).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(scheduledCond(get(api, 'db'))?.message).toContain('persistentvolumeclaim "data" not found');
  });

  it('gives up waiting for volumes after the bind timeout (600 s)', async () => {
    const { api, clock, sched } = await waitingInPreBind();
    clock.advance(599_000);
    await settle(sched);
    expect(failedScheduling(api, 'db')).toEqual([]);
    clock.advance(1000);
    await settle(sched);
    expect(failedScheduling(api, 'db')).toContain('running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded');
    expect(get(api, 'db').spec.nodeName).toBeUndefined();
  });

  it('a pod deleted while its volumes are provisioned is dropped quietly', async () => {
    const { api, sched } = await waitingInPreBind();
    await api.delete('Pod', 'default', 'db', { gracePeriodSeconds: 0 });
    await settle(sched);
    expect(api.get('Pod', 'default', 'db')).toBeUndefined();
    expect(failedScheduling(api, 'db')).toEqual([]);
    expect(sched.cache.node('node-1')!.pods.size).toBe(0);
    expect(sched.stats.bindErrors).toBe(0);
  });
});
