// PriorityClass resolution, priority ordering of the queue and preemption,
// against MemoryStore + Api on a FakeClock.
import { describe, expect, it } from 'vitest';
import type { PriorityClass } from '../../src/api/types/config.js';
import type { Node } from '../../src/api/types/node.js';
import type { Pod } from '../../src/api/types/pod.js';
import { env, node, pod, settle, useScheduler } from './helpers.js';


type Env = ReturnType<typeof env>;

const setup = useScheduler(0);

function pc(name: string, value: number, o: Partial<PriorityClass> = {}): PriorityClass {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...o };
}

async function classes(api: Env['api']) {
  await api.create(pc('low', 100));
  await api.create(pc('mid', 500));
  await api.create(pc('high', 1000));
  await api.create(pc('high-never', 1000, { preemptionPolicy: 'Never' }));
}

/** A pod already running on a node (created with spec.nodeName, as a kubelet would see it). */
function running(name: string, nodeName: string, cpu: string, priorityClassName: string, startedAt: string): Pod {
  const p = pod(name, { cpu, spec: { nodeName, priorityClassName } });
  p.status = { phase: 'Running', startTime: startedAt };
  return p;
}

const get = (api: Env['api'], name: string) => api.get('Pod', 'default', name);
const cond = (p: Pod | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type);

function events(api: Env['api'], name: string, reason: string) {
  return api
    .list('Event', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name && e.reason === reason)
    .map((e) => ({ type: e.type, message: e.message }));
}

/**
 * The priority classes and `cluster` (nodes, running pods) created in order,
 * the scheduler started and idle, then `incoming` created and scheduled (or
 * left pending, with any preemption it made).
 */
async function preemptionFor(cluster: (Node | Pod)[], incoming: Pod) {
  const e = setup();
  await classes(e.api);
  for (const o of cluster) await e.api.create(o);
  e.sched.start();
  await settle(e.sched);
  await e.api.create(incoming);
  await settle(e.sched);
  return e;
}

/** The kubelet's part of a graceful delete: finish every terminating pod. */
async function finishTerminating(api: Env['api']) {
  for (const p of api.list('Pod').items) {
    if (p.metadata.deletionTimestamp) await api.delete('Pod', 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  }
}

describe('PriorityClass resolution', () => {
  it('orders pending pods by priority, then by creation time', async () => {
    const { api, clock, sched } = setup();
    await classes(api);
    await api.create(node('node-1'));
    const order: string[] = [];
    api.watch('Pod', {}, (ev) => {
      if (ev.type === 'MODIFIED' && ev.object.spec?.nodeName && !ev.oldObject?.spec?.nodeName) order.push(ev.object.metadata.name!);
    });
    await api.create(pod('z-old-low', { spec: { priorityClassName: 'low' } }));
    clock.advance(2000);
    await api.create(pod('b-new-low', { spec: { priorityClassName: 'low' } }));
    await api.create(pod('a-none'));
    await api.create(pod('y-high', { spec: { priorityClassName: 'high' } }));
    await api.create(pod('x-mid', { spec: { priorityClassName: 'mid' } }));
    await api.create(pod('w-explicit', { spec: { priority: 700 } }));
    sched.start();
    await settle(sched);
    expect(order).toEqual(['y-high', 'w-explicit', 'x-mid', 'z-old-low', 'b-new-low', 'a-none']);
    // The resolved priority is written as the Priority admission plugin would.
    expect(get(api, 'y-high')?.spec.priority).toBe(1000);
    expect(get(api, 'y-high')?.spec.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(get(api, 'a-none')?.spec.priority).toBeUndefined();
  });

  it('applies the globalDefault class to pods that name none', async () => {
    const { api, sched } = setup();
    await api.create(pc('everyday', 50, { globalDefault: true }));
    await api.create(node('node-1'));
    sched.start();
    await api.create(pod('plain'));
    await settle(sched);
    const p = get(api, 'plain')!;
    expect(p.spec.nodeName).toBe('node-1');
    expect(p.spec.priority).toBe(50);
    expect(p.spec.priorityClassName).toBe('everyday');
  });

  it('keeps a pod naming an unknown class Pending until the class exists', async () => {
    const { api, clock, sched } = setup();
    await api.create(node('node-1'));
    sched.start();
    await api.create(pod('vip', { spec: { priorityClassName: 'gold' } }));
    await settle(sched);
    const p = get(api, 'vip')!;
    expect(p.spec.nodeName).toBeUndefined();
    expect(cond(p, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: 'no PriorityClass with name gold was found' });
    expect(events(api, 'vip', 'FailedScheduling')).toContainEqual({ type: 'Warning', message: 'no PriorityClass with name gold was found' });
    await api.create(pc('gold', 5000));
    clock.advance(1000);
    await settle(sched);
    expect(get(api, 'vip')?.spec.nodeName).toBe('node-1');
    expect(get(api, 'vip')?.spec.priority).toBe(5000);
  });
});

describe('preemption', () => {
  it('evicts the lowest-priority victims on the best node, nominates it, then binds there', async () => {
    const { api, clock, sched } = await preemptionFor(
      [
        node('node-1', { cpu: '2' }),
        node('node-2', { cpu: '2' }),
        running('mid-1', 'node-1', '1', 'mid', '2024-01-01T00:00:00Z'),
        running('low-1', 'node-1', '1', 'low', '2024-01-01T00:00:00Z'),
        running('low-2', 'node-2', '1', 'low', '2024-01-01T00:00:00Z'),
        running('low-3', 'node-2', '1', 'low', '2024-01-01T00:00:00Z'),
      ],
      pod('vip', { cpu: '2', spec: { priorityClassName: 'high' } }),
    );

    // node-1 would cost a mid-priority pod; node-2 only low ones.
    const vip = get(api, 'vip')!;
    expect(vip.spec.nodeName).toBeUndefined();
    expect(vip.status?.nominatedNodeName).toBe('node-2');
    expect(cond(vip, 'PodScheduled')?.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    for (const v of ['low-2', 'low-3']) {
      const victim = get(api, v)!;
      expect(victim.metadata.deletionTimestamp).toBeDefined();
      expect(cond(victim, 'DisruptionTarget')).toMatchObject({
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: 'default-scheduler: preempting to accommodate a higher priority pod',
      });
      expect(events(api, v, 'Preempted')).toEqual([{ type: 'Normal', message: `Preempted by pod ${vip.metadata.uid} on node node-2` }]);
    }
    for (const kept of ['mid-1', 'low-1']) expect(get(api, kept)?.metadata.deletionTimestamp).toBeUndefined();
    expect(sched.stats.preempted).toBe(2);

    // While the victims terminate, the pod does not preempt again.
    await api.create(node('node-3', { cpu: '1' }));
    clock.advance(2000);
    await settle(sched);
    expect(cond(get(api, 'vip'), 'PodScheduled')?.message).toBe(
      '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    );
    expect(sched.stats.preempted).toBe(2);

    await finishTerminating(api);
    clock.advance(4000);
    await settle(sched);
    const bound = get(api, 'vip')!;
    expect(bound.spec.nodeName).toBe('node-2');
    expect(bound.spec.priority).toBe(1000);
    expect(cond(bound, 'PodScheduled')?.status).toBe('True');
  });

  it('prefers the node with fewer victims, and keeps (reprieves) pods it does not need to evict', async () => {
    const { api } = await preemptionFor(
      [
        node('node-1', { cpu: '3' }),
        node('node-2', { cpu: '3' }),
        running('a', 'node-1', '2', 'low', '2024-01-01T00:00:00Z'),
        running('b', 'node-1', '1', 'low', '2024-01-01T00:00:00Z'),
        running('c', 'node-2', '1', 'low', '2024-01-01T00:00:00Z'),
        running('d', 'node-2', '1', 'low', '2024-01-01T00:00:00Z'),
        running('e', 'node-2', '1', 'low', '2024-01-02T00:00:00Z'),
      ],
      pod('vip', { cpu: '2', spec: { priorityClassName: 'mid' } }),
    );
    // node-1: evicting a (2 cpu) is enough, b is reprieved; node-2 would need two victims.
    expect(get(api, 'vip')?.status?.nominatedNodeName).toBe('node-1');
    expect(get(api, 'a')?.metadata.deletionTimestamp).toBeDefined();
    for (const kept of ['b', 'c', 'd', 'e']) expect(get(api, kept)?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('between equal victims, evicts the one that started most recently', async () => {
    const { api } = await preemptionFor(
      [
        node('node-1', { cpu: '1' }),
        node('node-2', { cpu: '1' }),
        running('veteran', 'node-1', '1', 'low', '2024-01-01T00:00:00Z'),
        running('rookie', 'node-2', '1', 'low', '2024-06-01T00:00:00Z'),
      ],
      pod('vip', { cpu: '1', spec: { priorityClassName: 'high' } }),
    );
    expect(get(api, 'vip')?.status?.nominatedNodeName).toBe('node-2');
    expect(get(api, 'rookie')?.metadata.deletionTimestamp).toBeDefined();
    expect(get(api, 'veteran')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('never preempts pods of equal or higher priority', async () => {
    const { api, sched } = await preemptionFor(
      [
        node('node-1', { cpu: '2' }),
        running('same', 'node-1', '1', 'mid', '2024-01-01T00:00:00Z'),
        running('higher', 'node-1', '1', 'high', '2024-01-01T00:00:00Z'),
      ],
      pod('newcomer', { cpu: '1', spec: { priorityClassName: 'mid' } }),
    );
    const p = get(api, 'newcomer')!;
    expect(p.status?.nominatedNodeName).toBeUndefined();
    expect(cond(p, 'PodScheduled')?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    expect(get(api, 'same')?.metadata.deletionTimestamp).toBeUndefined();
    expect(get(api, 'higher')?.metadata.deletionTimestamp).toBeUndefined();
    expect(sched.stats.preempted).toBe(0);
  });

  it('reports the filter failure when evicting every lower-priority pod is not enough', async () => {
    const { api } = await preemptionFor(
      [
        node('node-1', { cpu: '2' }),
        node('node-2', { cpu: '2', taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] }),
        running('keep', 'node-1', '1', 'high', '2024-01-01T00:00:00Z'),
        running('cheap', 'node-1', '1', 'low', '2024-01-01T00:00:00Z'),
      ],
      pod('wide', { cpu: '2', spec: { priorityClassName: 'mid' } }),
    );
    expect(cond(get(api, 'wide'), 'PodScheduled')?.message).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {gpu: yes}. ' +
        'preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 Preemption is not helpful for scheduling.',
    );
    expect(get(api, 'cheap')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('respects preemptionPolicy: Never (from the class)', async () => {
    const { api } = await preemptionFor(
      [
        node('node-1', { cpu: '1' }),
        running('low-1', 'node-1', '1', 'low', '2024-01-01T00:00:00Z'),
      ],
      pod('polite', { cpu: '1', spec: { priorityClassName: 'high-never' } }),
    );
    const p = get(api, 'polite')!;
    expect(cond(p, 'PodScheduled')?.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect(p.status?.nominatedNodeName).toBeUndefined();
    expect(get(api, 'low-1')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('keeps the room preemption freed for the nominated pod', async () => {
    const { api, clock, sched } = await preemptionFor(
      [
        node('node-1', { cpu: '2' }),
        running('low-1', 'node-1', '2', 'low', '2024-01-01T00:00:00Z'),
      ],
      pod('vip', { cpu: '2', spec: { priorityClassName: 'high' } }),
    );
    expect(get(api, 'vip')?.status?.nominatedNodeName).toBe('node-1');
    await finishTerminating(api);
    // A lower-priority pod arriving before vip's retry must not take node-1.
    await api.create(pod('sneaky', { cpu: '1', spec: { priorityClassName: 'mid' } }));
    await settle(sched);
    expect(get(api, 'sneaky')?.spec.nodeName).toBeUndefined();
    clock.advance(2000);
    await settle(sched);
    expect(get(api, 'vip')?.spec.nodeName).toBe('node-1');
    expect(get(api, 'sneaky')?.spec.nodeName).toBeUndefined();
  });
});
