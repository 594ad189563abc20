import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { KindRegistry } from '../../src/api/kinds.js';
import { kindFromCrd } from '../../src/api/crd/kind-from-crd.js';
import type { KubeObject } from '../../src/api/meta.js';
import { CRD_CLEANUP_FINALIZER, namesConflict, newCrdController, registerEstablishedCrds } from '../../src/controllers/crd.js';
import { certificate, certificateCrd, widgetCrd } from './crd-fixtures.js';
import { setup } from './harness.js';
import { recordingApi } from '../helpers/recording-api.js';

const CRD = 'CustomResourceDefinition';
type Cond = { type: string; status: string; reason?: string; message?: string };
const conditions = (o: KubeObject | undefined): Cond[] => ((o?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []);
const cond = (o: KubeObject | undefined, type: string) => conditions(o).find((c) => c.type === type);

describe('CRD controller: one reconcile', () => {
  it('adds the cleanup finalizer first, then accepts names, establishes and registers the kind', async () => {
    const t = recordingApi();
    const c = newCrdController({ api: t.api, clock: t.clock });
    await t.api.create(certificateCrd());
    t.writes.length = 0;
    const reconcile = (k: string) => c.reconcileNow(k);
    await reconcile('certificates.cert.example.com');
    expect(t.writes).toEqual(['MODIFIED CustomResourceDefinition/certificates.cert.example.com']);
    expect(t.api.get(CRD, '', 'certificates.cert.example.com')!.metadata.finalizers).toEqual([CRD_CLEANUP_FINALIZER]);
    expect(t.api.kinds.get('Certificate')).toBeUndefined();

    t.writes.length = 0;
    await reconcile('certificates.cert.example.com');
    expect(t.writes).toEqual(['MODIFIED CustomResourceDefinition/certificates.cert.example.com']);
    const crd = t.api.get(CRD, '', 'certificates.cert.example.com')!;
    expect(cond(crd, 'NamesAccepted')).toMatchObject({ status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    expect(cond(crd, 'Established')).toMatchObject({ status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    expect((crd.status as { storedVersions: string[] }).storedVersions).toEqual(['v1']);
    expect((crd.status as { acceptedNames: { plural: string; listKind: string } }).acceptedNames).toMatchObject({ plural: 'certificates', listKind: 'CertificateList' });

    t.writes.length = 0;
    const gen = t.api.kinds.generation;
    await reconcile('certificates.cert.example.com');
    expect(t.writes).toEqual([]); // registering is not a store write
    expect(t.api.kinds.get('Certificate')).toMatchObject({ group: 'cert.example.com', plural: 'certificates', namespaced: true, shortNames: ['cert', 'certs'] });
    expect(t.api.kinds.generation).toBe(gen + 1);
    t.stop();
  });

  it('do nothing: an Established CRD whose kind is registered makes no write and no registry change', async () => {
    const t = recordingApi();
    const c = newCrdController({ api: t.api, clock: t.clock });
    const reconcile = (k: string) => c.reconcileNow(k);
    await t.api.create(certificateCrd());
    for (let i = 0; i < 3; i++) await reconcile('certificates.cert.example.com');
    t.writes.length = 0;
    const gen = t.api.kinds.generation;
    await reconcile('certificates.cert.example.com');
    await reconcile('certificates.cert.example.com');
    expect(t.writes).toEqual([]);
    expect(t.api.kinds.generation).toBe(gen);
    t.stop();
  });

  it('a name clash with a built-in short name is NamesAccepted=False, not Established, and nothing is served', async () => {
    const t = recordingApi();
    const c = newCrdController({ api: t.api, clock: t.clock });
    const reconcile = (k: string) => c.reconcileNow(k);
    await t.api.create(certificateCrd({ shortNames: ['po'] }));
    await reconcile('certificates.cert.example.com');
    await reconcile('certificates.cert.example.com');
    const crd = t.api.get(CRD, '', 'certificates.cert.example.com');
    expect(cond(crd, 'NamesAccepted')).toMatchObject({ status: 'False', reason: 'ShortNamesConflict', message: '"po" is already in use' });
    expect(cond(crd, 'Established')).toMatchObject({ status: 'False', reason: 'NotAccepted' });
    expect(t.api.kinds.get('Certificate')).toBeUndefined();
    t.stop();
  });
});

describe('namesConflict', () => {
  const accepted = (crd: KubeObject): KubeObject => ({ ...crd, metadata: { name: 'other.cert.example.com' }, status: { acceptedNames: { plural: (crd.spec as { names: { plural: string } }).names.plural } } });
  it.each([
    ['the same plural in the same group', certificateCrd({ shortNames: [] }), [accepted(certificateCrd({ kind: 'Other', shortNames: ['x'] }))], 'PluralConflict'],
    ['a built-in plural', certificateCrd({ plural: 'pods', shortNames: [] }), [], 'PluralConflict'],
    ['a built-in kind, in any group', certificateCrd({ kind: 'Deployment', shortNames: [] }), [], 'KindConflict'],
  ])('%s', (_what, crd, others, reason) => {
    const named = { ...crd, metadata: { name: `${(crd.spec as { names: { plural: string } }).names.plural}.cert.example.com` } };
    expect(namesConflict(named, others)?.reason).toBe(reason);
  });
  it('no conflict for free names', () => {
    expect(namesConflict(certificateCrd(), [])).toBeUndefined();
  });
});

describe('CRD controller with the control plane', () => {
  it('custom resources are served once Established, and deleting the CRD deletes them first', async () => {
    const h = await setup();
    await h.api.create(certificateCrd());
    await h.settle();
    const cert = await h.api.create(certificate('web'));
    expect(cert.spec?.duration).toBe('2160h'); // schema default
    expect(cert.metadata.generation).toBe(1);
    await h.api.create(certificate('api'));
    await h.api.delete(CRD, '', 'certificates.cert.example.com');
    const terminating = h.api.get(CRD, '', 'certificates.cert.example.com');
    expect(terminating?.metadata.deletionTimestamp).toBeTruthy();
    await h.settle();
    expect(h.api.list('Certificate').items).toHaveLength(0);
    expect(h.api.get(CRD, '', 'certificates.cert.example.com')).toBeUndefined();
    expect(h.api.kinds.get('Certificate')).toBeUndefined();
    await h.mgr.stop();
  });

  it('a restart serves the stored CRDs kinds before any controller runs, and resumes a deletion left half-way', async () => {
    const h = await setup();
    await h.api.create(certificateCrd());
    await h.settle();
    await h.api.create(certificate('web'));
    await h.mgr.stop();
    // Mid-deletion "crash": the CRD is marked, its finalizer still holds, its custom resource is still there.
    await h.api.delete(CRD, '', 'certificates.cert.example.com');
    expect(h.store.get('Certificate', 'default', 'web')).toBeDefined();
    const fresh = new Api({ store: h.store, now: () => h.clock.now(), kinds: new KindRegistry() });
    registerEstablishedCrds(fresh);
    expect(fresh.kinds.get('Certificate')?.plural).toBe('certificates');
    const h2 = await setup({ store: h.store, clock: h.clock });
    await h2.settle();
    expect(h2.api.list('Certificate').items).toHaveLength(0);
    expect(h2.api.get(CRD, '', 'certificates.cert.example.com')).toBeUndefined();
    await h2.mgr.stop();
  });

  it('creating a custom resource while its CRD terminates is refused', async () => {
    const h = await setup({ kubelet: { finishDeletes: false } });
    await h.api.create(certificateCrd());
    await h.settle();
    await h.api.create({ ...certificate('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    await h.api.delete(CRD, '', 'certificates.cert.example.com');
    await h.settle();
    await expect(h.api.create(certificate('late'))).rejects.toThrow('create not allowed while custom resource definition is terminating');
    expect(cond(h.api.get(CRD, '', 'certificates.cert.example.com'), 'Terminating')).toMatchObject({ status: 'True', reason: 'InstanceDeletionInProgress' });
    await h.mgr.stop();
  });

  it('two versions: a v1beta1 object is stored as v1, and the scale subresource reads the CRD paths', async () => {
    const h = await setup();
    await h.api.create(widgetCrd());
    await h.settle();
    const w = await h.api.create({ apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 'small' } });
    expect(w.apiVersion).toBe('example.com/v1');
    expect((w.spec as { replicas?: number }).replicas).toBe(1);
    await h.api.scale('Widget', 'default', 'w', 4);
    expect(h.api.get('Widget', 'default', 'w')?.spec?.replicas).toBe(4);
    const info = kindFromCrd(h.api.get(CRD, '', 'widgets.example.com')!);
    expect(info.subresources).toEqual(['status', 'scale']);
    expect(info.alsoServed).toEqual(['v1beta1']);
    await h.mgr.stop();
  });

  it('garbage collection follows ownerReferences to and from custom resources; namespace deletion removes them', async () => {
    const h = await setup();
    await h.api.create(certificateCrd());
    await h.settle();
    await h.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const cert: KubeObject = await h.api.create({ ...certificate('web'), metadata: { name: 'web', namespace: 'team' } });
    // A Secret owned by the Certificate (as cert-manager makes one), and a Certificate owned by a ConfigMap.
    await h.api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'team', ownerReferences: [{ apiVersion: 'cert.example.com/v1', kind: 'Certificate', name: 'web', uid: cert.metadata.uid!, controller: true }] }, type: 'Opaque' } as KubeObject);
    const owner: KubeObject = await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'team' } } as KubeObject);
    await h.api.create({ ...certificate('child'), metadata: { name: 'child', namespace: 'team', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }] } });
    await h.settle();
    await h.api.delete('Certificate', 'team', 'web');
    await h.api.delete('ConfigMap', 'team', 'owner');
    await h.settle();
    expect(h.api.get('Secret', 'team', 'web-tls')).toBeUndefined();
    expect(h.api.get('Certificate', 'team', 'child')).toBeUndefined();
    await h.api.create({ ...certificate('left'), metadata: { name: 'left', namespace: 'team' } });
    await h.api.delete('Namespace', '', 'team');
    await h.settle();
    await h.settle(6_000);
    expect(h.api.list('Certificate', { namespace: 'team' }).items).toHaveLength(0);
    expect(h.api.get('Namespace', '', 'team')).toBeUndefined();
    await h.mgr.stop();
  });
});
