import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { defaultAdmissionPlugins } from '../../src/api/admission/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { startControllers } from '../../src/controllers/index.js';
import { newReplicaSetController } from '../../src/controllers/replicaset.js';
import { newResourceQuotaController } from '../../src/controllers/quota.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { events, replicaSet } from './harness.js';

function setupQuota() {
  const clock = new FakeClock();
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now(), admission: defaultAdmissionPlugins() });
  const mgr = startControllers({ api, clock, factories: [newResourceQuotaController, newReplicaSetController] });
  return { clock, store, api, mgr };
}

function pod(name: string, resources?: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx', ...(resources ? { resources } : {}) }], ...extra },
  };
}

const quota = (name: string, hard: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name, namespace: 'default' },
  spec: { hard },
});

const limitRange = (limits: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', namespace: 'default' }, spec: { limits } });

async function refusal(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; reason: string; message: string };
    return { code: err.code, reason: err.reason, message: err.message };
  }
  throw new Error('expected the write to be refused');
}

describe('ResourceQuota admission and controller', () => {
  it('refuses a pod past requests.cpu with Kubernetes message (403) and keeps status.used current', async () => {
    const { api, mgr } = setupQuota();
    await api.create(quota('compute', { 'requests.cpu': '4', 'requests.memory': '1Gi', pods: '10' }));
    await api.create(pod('a', { requests: { cpu: '3', memory: '256Mi' } }));
    await mgr.whenIdle();
    expect(api.get('ResourceQuota', 'default', 'compute')!.status).toEqual({
      hard: { 'requests.cpu': '4', 'requests.memory': '1Gi', pods: '10' },
      used: { 'requests.cpu': '3', 'requests.memory': '256Mi', pods: '1' },
    });
    const err = await refusal(api.create(pod('x', { requests: { cpu: '2', memory: '64Mi' } })));
    expect(err).toEqual({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "x" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=3, limited: requests.cpu=4',
    });
    // a pod without the tracked request
    const missing = await refusal(api.create(pod('y')));
    expect(missing.message).toBe('pods "y" is forbidden: failed quota: compute: must specify requests.cpu,requests.memory');
    // a finished pod frees its share
    await api.modify('Pod', 'default', 'a', (p) => {
      p.status = { phase: 'Succeeded' };
    }, { status: true });
    await mgr.whenIdle();
    expect(api.get('ResourceQuota', 'default', 'compute')!.status?.used).toEqual({ 'requests.cpu': '0', 'requests.memory': '0', pods: '0' });
    await api.create(pod('x', { requests: { cpu: '2', memory: '64Mi' } }));
    await mgr.stop();
  });

  it('counts objects (configmaps, count/deployments.apps) and names generateName pods by prefix', async () => {
    const { api, mgr } = setupQuota();
    await api.create(quota('objects', { configmaps: '1', 'count/replicasets.apps': '1', pods: '2' }));
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', namespace: 'default' }, data: {} });
    const err = await refusal(api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two', namespace: 'default' }, data: {} }));
    expect(err.message).toBe('configmaps "two" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
    await api.create(replicaSet('web', 3));
    await mgr.whenIdle();
    expect(api.list('Pod').items).toHaveLength(2);
    expect(events(api, 'FailedCreate')[0].message).toBe(
      'Error creating: pods "web-" is forbidden: exceeded quota: objects, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const rs2 = await refusal(api.create(replicaSet('other', 1)));
    expect(rs2.message).toBe(
      'replicasets.apps "other" is forbidden: exceeded quota: objects, requested: count/replicasets.apps=1, used: count/replicasets.apps=1, limited: count/replicasets.apps=1',
    );
    await mgr.whenIdle();
    expect(api.get('ResourceQuota', 'default', 'objects')!.status?.used).toEqual({ configmaps: '1', 'count/replicasets.apps': '1', pods: '2' });
    await mgr.stop();
  });
});

describe('LimitRange admission', () => {
  it('fills default limits and requests and notes them in the annotation', async () => {
    const { api, mgr } = setupQuota();
    await api.create(limitRange([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]));
    const p = await api.create(pod('web'));
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
    );
    await mgr.stop();
  });

  it('enforces min, max and maxLimitRequestRatio with Kubernetes messages', async () => {
    const { api, mgr } = setupQuota();
    await api.create(limitRange([{ type: 'Container', max: { cpu: '1' }, min: { memory: '64Mi' }, maxLimitRequestRatio: { cpu: '2' } }]));
    const tooBig = await refusal(api.create(pod('x', { limits: { cpu: '2' }, requests: { cpu: '1500m', memory: '128Mi' } })));
    expect(tooBig).toMatchObject({ code: 403, message: 'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2' });
    const tooSmall = await refusal(api.create(pod('y', { limits: { cpu: '1' }, requests: { cpu: '1', memory: '32Mi' } })));
    expect(tooSmall.message).toBe('pods "y" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi');
    const ratio = await refusal(api.create(pod('z', { limits: { cpu: '1' }, requests: { cpu: '250m', memory: '64Mi' } })));
    expect(ratio.message).toBe('pods "z" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000');
    const two = await refusal(api.create(pod('w', { limits: { cpu: '2' }, requests: { cpu: '500m', memory: '64Mi' } })));
    expect(two.message).toBe(
      'pods "w" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000]',
    );
    // max alone makes it the default limit (and request): a pod without cpu gets 1 and passes
    const defaulted = await api.create(pod('d', { requests: { memory: '64Mi' } }));
    expect(defaulted.spec.containers[0].resources.limits).toEqual({ cpu: '1' });
    await api.create(pod('ok', { limits: { cpu: '1' }, requests: { cpu: '600m', memory: '64Mi' } }));
    await mgr.stop();
  });
});
