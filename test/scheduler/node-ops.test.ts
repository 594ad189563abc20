import { afterEach, describe, expect, it } from 'vitest';
import { cordon, drain } from '../../src/scheduler/node-ops.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { env, node, pod, settle } from './helpers.js';

let sched: Scheduler | undefined;
afterEach(async () => {
  await sched?.stop();
  sched = undefined;
});

const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9', uid: 'rs-1' } };
const dsOwner = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'logs', uid: 'ds-1' } };

describe('cordon', () => {
  it('sets and clears spec.unschedulable; the scheduler avoids a cordoned node', async () => {
    const e = env();
    await e.api.create(node('node-1'));
    await e.api.create(node('node-2'));
    expect(await cordon(e.api, 'node-1', true)).toBe(true);
    expect(await cordon(e.api, 'node-1', true)).toBe(false);
    expect(e.api.get('Node', '', 'node-1')!.spec?.unschedulable).toBe(true);
    sched = new Scheduler({ api: e.api, clock: e.clock });
    sched.start();
    for (let i = 0; i < 4; i++) await e.api.create(pod(`p-${i}`));
    await settle(sched);
    for (let i = 0; i < 4; i++) expect(e.api.get('Pod', 'default', `p-${i}`)!.spec.nodeName).toBe('node-2');
    expect(await cordon(e.api, 'node-1', false)).toBe(true);
    expect(e.api.get('Node', '', 'node-1')!.spec?.unschedulable).toBeUndefined();
  });
});

describe('drain', () => {
  async function seeded() {
    const e = env();
    await e.api.create(node('node-1'));
    const bound = (name: string, extra: Parameters<typeof pod>[1] = {}) => {
      const p = pod(name, extra);
      p.spec.nodeName = 'node-1';
      return e.api.create(p);
    };
    await bound('web-1', { owner: rsOwner as never });
    await bound('logs-1', { owner: dsOwner as never });
    const mirror = pod('static-1');
    mirror.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
    mirror.spec.nodeName = 'node-1';
    await e.api.create(mirror);
    return { e, bound };
  }

  it('cordons, evicts managed pods gracefully, skips DaemonSet and mirror pods', async () => {
    const { e } = await seeded();
    const res = await drain(e.api, 'node-1');
    expect(res.evicted).toEqual(['default/web-1']);
    expect(res.skipped).toEqual({ 'default/logs-1': 'DaemonSet-managed', 'default/static-1': 'mirror pod' });
    expect(e.api.get('Node', '', 'node-1')!.spec?.unschedulable).toBe(true);
    const web = e.api.get('Pod', 'default', 'web-1')!;
    expect(web.metadata.deletionTimestamp).toBeDefined(); // graceful: the kubelet finishes it
    expect(web.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(e.api.get('Pod', 'default', 'logs-1')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('refuses unmanaged pods unless forced, as kubectl does', async () => {
    const { e, bound } = await seeded();
    await bound('bare');
    await expect(drain(e.api, 'node-1')).rejects.toThrow(
      'unable to drain node "node-1" due to error: cannot delete Pods that declare no controller (use --force to override): default/bare',
    );
    expect(e.api.get('Pod', 'default', 'web-1')!.metadata.deletionTimestamp).toBeUndefined();
    const res = await drain(e.api, 'node-1', { force: true, gracePeriodSeconds: 0 });
    expect(res.evicted.sort()).toEqual(['default/bare', 'default/web-1']);
    expect(e.api.get('Pod', 'default', 'bare')).toBeUndefined();
  });

  it('refuses DaemonSet pods without ignoreDaemonSets', async () => {
    const { e } = await seeded();
    await expect(drain(e.api, 'node-1', { ignoreDaemonSets: false })).rejects.toThrow(
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/logs-1',
    );
  });
});
