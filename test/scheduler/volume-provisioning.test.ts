// The scheduler and the PersistentVolume controller together on a FakeClock:
// a pod using a claim of the default `local` class (WaitForFirstConsumer) is
// bound only after its volume has been provisioned on the chosen node — and
// the whole exchange (default class, selected-node, provisioning, binding)
// needs no clock step: no scheduling backoff and no poll interval is waited out.
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import type { PersistentVolumeClaim } from '../../src/api/types/storage.js';
import type { Controller } from '../../src/controllers/controller.js';
import { newPVController, type VolumeFs } from '../../src/controllers/pv-controller.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { env, node, pod, settle } from './helpers.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

function setup() {
  const e = env();
  const dirs = new Set<string>();
  const fs: VolumeFs = {
    async mkdir(p) {
      dirs.add(p);
    },
    async remove(p) {
      dirs.delete(p);
    },
  };
  const sched = new Scheduler({ api: e.api, clock: e.clock, random: () => 0 });
  const pvc: Controller = newPVController({ api: e.api, clock: e.clock, dataDir: '/state', fs });
  stops.push(() => sched.stop(), () => pvc.stop());
  return { ...e, sched, pvc, dirs };
}

const claim = (name: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});

const user = (name: string, claimName: string): Pod => pod(name, { spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }] } });

describe('WaitForFirstConsumer provisioning, scheduler + PV controller', () => {
  it('the pod is bound after its volume exists on its node, with no clock step', async () => {
    const { api, clock, sched, pvc, dirs } = setup();
    await api.create(node('node-1'));
    await api.create(node('node-2', { cpu: '100m' }));
    pvc.start();
    sched.start();
    await api.create(claim('data'));
    await settle(sched, pvc);
    // What the claim looked like when the pod got its node (what the kubelet will find).
    let claimAtBind: string | undefined;
    const w = api.watch('Pod', {}, (ev) => {
      if (ev.object.spec?.nodeName && claimAtBind === undefined) {
        claimAtBind = api.get('PersistentVolumeClaim', 'default', 'data')?.status?.phase ?? '';
      }
    });
    stops.push(async () => w.stop());
    const t0 = clock.now();
    await api.create(user('db', 'data'));
    // Each step wakes the next through a watch event.
    await settle(sched, pvc);
    const c = api.get('PersistentVolumeClaim', 'default', 'data')!;
    expect(c.spec.storageClassName).toBe('local');
    expect(c.status?.phase).toBe('Bound');
    expect(c.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
    const pv = api.get('PersistentVolume', '', c.spec.volumeName!)!;
    expect(pv.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0].values).toEqual(['node-1']);
    expect(dirs.has(`/state/pv/${c.metadata.uid}`)).toBe(true);
    const p = api.get('Pod', 'default', 'db')!;
    expect(p.spec.nodeName).toBe('node-1');
    expect(claimAtBind).toBe('Bound');
    expect(clock.now()).toBe(t0);
  });

  it('a pod rejected before the claim had its default class is retried as soon as it gets one', async () => {
    const { api, clock, sched, pvc } = setup();
    await api.create(node('node-1'));
    sched.start();
    // Claim and pod arrive before the PV controller runs (as when a folder of manifests is applied at once).
    await api.create(claim('data'));
    await api.create(user('db', 'data'));
    await settle(sched);
    const cond = api.get('Pod', 'default', 'db')!.status?.conditions?.find((x) => x.type === 'PodScheduled');
    expect(cond?.message).toContain('pod has unbound immediate PersistentVolumeClaims');
    const t0 = clock.now();
    pvc.start(); // creates the default class, gives it to the claim, provisions once the scheduler picks a node
    await settle(sched, pvc);
    expect(api.get('Pod', 'default', 'db')!.spec.nodeName).toBe('node-1');
    expect(api.get('PersistentVolumeClaim', 'default', 'data')!.status?.phase).toBe('Bound');
    expect(clock.now()).toBe(t0); // the 1 s (and longer) backoff was not waited out
  });
});
