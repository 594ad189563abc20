// The ServiceAccount controller, the root CA publisher and the `kubernetes`
// Service controller, sample-controller style: one reconcile(key) against a
// seeded store, asserting the writes it made, in order, and that a second
// reconcile of a settled key writes nothing.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { KindRegistry } from '../../src/api/kinds.js';
import { newKubernetesServiceController, SKIP_MIRROR_LABEL } from '../../src/controllers/kubernetes-service.js';
import { DESCRIPTION_ANNOTATION, newRootCACertPublisher, newServiceAccountController, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION } from '../../src/controllers/serviceaccount.js';
import { ensureNamespace } from '../../src/controllers/namespace.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function recordingApi() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now(), kinds: new KindRegistry() });
  const writes: string[] = [];
  const watch = store.watch('*', {}, (ev) => writes.push(`${ev.type} ${ev.object.kind}/${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name}`));
  return { clock, store, api, writes, stop: () => watch.stop() };
}

describe('ServiceAccount controller', () => {
  it('creates `default` in an active namespace, nothing more, and nothing on the next reconcile', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'team');
    const c = newServiceAccountController({ api: t.api, clock: t.clock });
    t.writes.length = 0;
    await c.reconcileNow('team');
    expect(t.writes).toEqual(['ADDED ServiceAccount/team/default']);
    const sa = t.api.get('ServiceAccount', 'team', 'default')!;
    expect(sa.metadata).toMatchObject({ name: 'default', namespace: 'team' });
    t.writes.length = 0;
    await c.reconcileNow('team');
    await c.reconcileNow('team');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('puts `default` back when it is deleted, keeps other ServiceAccounts alone', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'team');
    const c = newServiceAccountController({ api: t.api, clock: t.clock });
    await c.reconcileNow('team');
    await t.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'team' } });
    const before = t.api.get('ServiceAccount', 'team', 'default')!.metadata.uid;
    await t.api.delete('ServiceAccount', 'team', 'default');
    t.writes.length = 0;
    await c.reconcileNow('team');
    expect(t.writes).toEqual(['ADDED ServiceAccount/team/default']);
    expect(t.api.get('ServiceAccount', 'team', 'default')!.metadata.uid).not.toBe(before);
    expect(t.api.get('ServiceAccount', 'team', 'robot')).toBeDefined();
    t.stop();
  });

  it('does nothing for a missing or terminating namespace', async () => {
    const t = recordingApi();
    const c = newServiceAccountController({ api: t.api, clock: t.clock });
    await c.reconcileNow('ghost');
    await t.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    t.writes.length = 0;
    await c.reconcileNow('leaving');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('running: every namespace gets one as it appears, and a deleted one comes back', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'default');
    const c = newServiceAccountController({ api: t.api, clock: t.clock });
    c.start();
    await ensureNamespace(t.api, 'team');
    await c.whenIdle();
    expect(t.api.list('ServiceAccount').items.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(['default/default', 'team/default']);
    await t.api.delete('ServiceAccount', 'team', 'default');
    await c.whenIdle();
    expect(t.api.get('ServiceAccount', 'team', 'default')).toBeDefined();
    await c.stop();
    t.stop();
  });
});

describe('root CA publisher', () => {
  it('creates kube-root-ca.crt with ca.crt and the description, then does nothing', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'team');
    const c = newRootCACertPublisher({ api: t.api, clock: t.clock, caPEM: CA });
    t.writes.length = 0;
    await c.reconcileNow('team');
    expect(t.writes).toEqual(['ADDED ConfigMap/team/kube-root-ca.crt']);
    const cm = t.api.get('ConfigMap', 'team', ROOT_CA_CONFIGMAP)!;
    expect(cm.data).toEqual({ 'ca.crt': CA });
    expect(cm.metadata.annotations).toEqual({ [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION });
    t.writes.length = 0;
    await c.reconcileNow('team');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('puts the bundle back when someone edits it, keeping their other annotations', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'team');
    const c = newRootCACertPublisher({ api: t.api, clock: t.clock, caPEM: CA });
    await c.reconcileNow('team');
    await t.api.modify('ConfigMap', 'team', ROOT_CA_CONFIGMAP, (o) => {
      o.data = { 'ca.crt': 'forged', extra: 'x' };
      o.metadata.annotations = { note: 'mine' };
    });
    t.writes.length = 0;
    await c.reconcileNow('team');
    expect(t.writes).toEqual(['MODIFIED ConfigMap/team/kube-root-ca.crt']);
    const cm = t.api.get('ConfigMap', 'team', ROOT_CA_CONFIGMAP)!;
    expect(cm.data).toEqual({ 'ca.crt': CA });
    expect(cm.metadata.annotations).toEqual({ note: 'mine', [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION });
    t.stop();
  });
});

describe('kubernetes Service controller', () => {
  const opts = { clusterIP: '10.96.0.1', endpoint: { ip: '127.0.0.1', port: 6443 } };

  it('writes the Service, its Endpoints and EndpointSlice in that order, as Kubernetes shapes them; then nothing', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'default');
    const c = newKubernetesServiceController({ api: t.api, clock: t.clock, ...opts });
    t.writes.length = 0;
    await c.reconcileNow('default/kubernetes');
    expect(t.writes).toEqual(['ADDED Service/default/kubernetes', 'ADDED Endpoints/default/kubernetes', 'ADDED EndpointSlice/default/kubernetes']);
    const svc = t.api.get('Service', 'default', 'kubernetes')!;
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.0.1', sessionAffinity: 'None', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }] });
    expect(svc.spec.selector).toBeUndefined();
    const ep = t.api.get('Endpoints', 'default', 'kubernetes')!;
    expect(ep.metadata.labels).toEqual({ [SKIP_MIRROR_LABEL]: 'true' });
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const slice = t.api.get('EndpointSlice', 'default', 'kubernetes')!;
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });
    t.writes.length = 0;
    await c.reconcileNow('default/kubernetes');
    await c.reconcileNow('default/kubernetes');
    expect(t.writes).toEqual([]);
    t.stop();
  });

  it('follows a new API server port (a restart on another port) without touching the ClusterIP', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'default');
    await newKubernetesServiceController({ api: t.api, clock: t.clock, ...opts }).reconcileNow('default/kubernetes');
    const c = newKubernetesServiceController({ api: t.api, clock: t.clock, clusterIP: '10.96.0.1', endpoint: { ip: '127.0.0.1', port: 7443 } });
    t.writes.length = 0;
    await c.reconcileNow('default/kubernetes');
    expect(t.writes).toEqual(['MODIFIED Service/default/kubernetes', 'MODIFIED Endpoints/default/kubernetes', 'MODIFIED EndpointSlice/default/kubernetes']);
    expect(t.api.get('Service', 'default', 'kubernetes')!.spec).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ port: 443, targetPort: 7443 }] });
    expect(t.api.get('Endpoints', 'default', 'kubernetes')!.subsets![0].ports).toEqual([{ name: 'https', port: 7443, protocol: 'TCP' }]);
    t.stop();
  });

  it('makes the Service again when its ClusterIP is not the first of today\'s range (the range changed between runs)', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'default');
    await newKubernetesServiceController({ api: t.api, clock: t.clock, clusterIP: '10.100.0.1', endpoint: opts.endpoint }).reconcileNow('default/kubernetes');
    const c = newKubernetesServiceController({ api: t.api, clock: t.clock, ...opts });
    t.writes.length = 0;
    await c.reconcileNow('default/kubernetes');
    expect(t.writes).toEqual(['DELETED Service/default/kubernetes', 'ADDED Service/default/kubernetes']);
    expect(t.api.get('Service', 'default', 'kubernetes')!.spec.clusterIP).toBe('10.96.0.1');
    t.stop();
  });

  it('running: a deleted Service or Endpoints comes back', async () => {
    const t = recordingApi();
    await ensureNamespace(t.api, 'default');
    const c = newKubernetesServiceController({ api: t.api, clock: t.clock, ...opts });
    c.start();
    c.enqueue('default/kubernetes'); // the engine writes it once before starting the controller
    await c.whenIdle();
    await t.api.delete('Endpoints', 'default', 'kubernetes');
    await t.api.delete('Service', 'default', 'kubernetes');
    await c.whenIdle();
    expect(t.api.get('Service', 'default', 'kubernetes')?.spec.clusterIP).toBe('10.96.0.1');
    expect(t.api.get('Endpoints', 'default', 'kubernetes')?.subsets).toHaveLength(1);
    await c.stop();
    t.stop();
  });
});
