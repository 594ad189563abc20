// Pure helpers: fenceposts, template normalization/hash, rollout history/rollback planning.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/api/types/apps.js';
import type { KubeObject } from '../../src/api/meta.js';
import { resolveFenceposts, maxUnavailable, scaledValue } from '../../src/controllers/deployment-util.js';
import { equalIgnoreHash, podTemplateHash } from '../../src/controllers/template-hash.js';
import { restartPatch, rollbackTemplate, rolloutHistory } from '../../src/api/rollout.js';
import { deployment, podsOf, setup, events } from './harness.js';

const d = (replicas: number, maxSurge?: number | string, maxUnavail?: number | string) =>
  ({ ...deployment('x', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: maxUnavail } } }) }) as unknown as Deployment;

describe('fenceposts', () => {
  it('rounds surge up and unavailable down, defaulting both to 25%', () => {
    expect(resolveFenceposts(d(10))).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts(d(3, '25%', '25%'))).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(d(10, '50%', 1))).toEqual({ surge: 5, unavailable: 1 });
    expect(scaledValue('33%', 10, true, 0)).toBe(4);
  });
  it('treats maxSurge=0,maxUnavailable=0 as maxUnavailable 1, and caps at replicas', () => {
    expect(resolveFenceposts(d(3, 0, 0))).toEqual({ surge: 0, unavailable: 1 });
    expect(maxUnavailable(d(2, 0, 5))).toBe(2);
    expect(maxUnavailable(d(0, 0, 5))).toBe(0);
  });
});

describe('template hash', () => {
  const tpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } };
  it('ignores pod-template-hash, creationTimestamp: null and empty resources', () => {
    const undo = {
      metadata: { creationTimestamp: null, labels: { app: 'web', 'pod-template-hash': 'abc' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: {} }] },
    } as any;
    expect(equalIgnoreHash(tpl as any, undo)).toBe(true);
    expect(podTemplateHash(tpl as any)).toBe(podTemplateHash(undo));
  });
  it('changes with the template and the collision count, in the safe alphabet', () => {
    const other = { ...tpl, spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } };
    expect(podTemplateHash(tpl as any)).not.toBe(podTemplateHash(other as any));
    expect(podTemplateHash(tpl as any, 1)).not.toBe(podTemplateHash(tpl as any));
    expect(podTemplateHash(tpl as any)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });
});

describe('rollout helpers (pure)', () => {
  const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', uid: 'd1', annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'v3' }] } } } };
  const rs = (name: string, rev: string, image: string, extra: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': rev, ...extra }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
    spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': name.slice(4) } }, spec: { containers: [{ name: 'a', image }] } } },
  });
  const foreign: KubeObject = { ...rs('web-zzz', '9', 'other'), metadata: { name: 'web-zzz', annotations: { 'deployment.kubernetes.io/revision': '9' } } };
  const list = [rs('web-aaa', '1', 'v1', { 'kubernetes.io/change-cause': 'one' }), rs('web-bbb', '2', 'v2'), rs('web-ccc', '3', 'v3'), foreign];

  it('history ignores ReplicaSets the Deployment does not own', () => {
    expect(rolloutHistory(deploy, list)).toEqual([
      { revision: 1, changeCause: 'one', rsName: 'web-aaa', images: ['v1'] },
      { revision: 2, changeCause: undefined, rsName: 'web-bbb', images: ['v2'] },
      { revision: 3, changeCause: undefined, rsName: 'web-ccc', images: ['v3'] },
    ]);
  });

  it('plans kubectl undo: previous revision, hash label removed, annotations as kubectl computes them', () => {
    const p = rollbackTemplate(deploy, list);
    expect(p.to).toBe(2);
    expect(p.from).toBe(3);
    expect(p.template.metadata.labels).toEqual({ app: 'web' });
    expect(p.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' });
    expect(p.patch.map((x) => x.path)).toEqual(['/spec/template', '/metadata/annotations']);
    const p1 = rollbackTemplate(deploy, list, 1);
    expect(p1.annotations['kubernetes.io/change-cause']).toBe('one');
    expect(rollbackTemplate(deploy, list, 3).skipped).toBe(true);
  });

  it('refuses paused deployments and unknown revisions', () => {
    expect(() => rollbackTemplate({ ...deploy, spec: { ...deploy.spec, paused: true } }, list)).toThrow(/cannot rollback a paused deployment/);
    expect(() => rollbackTemplate(deploy, list, 9)).toThrow('unable to find specified revision 9 in history');
  });

  it('restartPatch stamps RFC 3339 seconds', () => {
    expect(restartPatch(Date.parse('2026-03-04T05:06:07.890Z'))).toEqual({
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-03-04T05:06:07Z' } } } },
    });
  });
});

describe('proportional scaling mid-rollout', () => {
  it('spreads extra replicas over old and new ReplicaSets as Kubernetes documents (8+5 → 11+7)', async () => {
    const h = await setup();
    await h.api.create(deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await h.settle();
    h.kubelet.ready = (p) => p.spec.containers[0].image !== 'nginx:bad';
    await h.api.modify('Deployment', 'default', 'web', (o) => {
      o.spec.template.spec.containers[0].image = 'nginx:bad';
    });
    await h.settle();
    const sizes = () =>
      Object.fromEntries(h.api.list('ReplicaSet', { namespace: 'default' }).items.map((r) => [r.spec.template!.spec.containers[0].image, r.spec.replicas]));
    expect(sizes()).toEqual({ 'nginx:1.25': 8, 'nginx:bad': 5 });
    await h.api.scale('Deployment', 'default', 'web', 15);
    await h.settle();
    expect(sizes()).toEqual({ 'nginx:1.25': 11, 'nginx:bad': 7 });
    expect(podsOf(h.api)).toHaveLength(18);
    const msgs = events(h.api, 'ScalingReplicaSet').map((e) => e.message);
    expect(msgs.some((m) => /^Scaled up replica set web-\w+ from 8 to 11$/.test(m))).toBe(true);
    await h.mgr.stop();
  });
});
