// CRD controller, one sync at a time (apiextensions-apiserver's finalizer,
// naming and establishing controllers): the cleanup finalizer first, then
// accepted names and conditions in status, then the kind is served with no
// further write; a deleted CRD's instances go before its finalizer does.
import { describe, expect, it } from 'vitest';
import { newCrdController } from '../../../src/controllers/crd.js';
import { certificateCrd } from '../crd-fixtures.js';
import { del, expectNoWritesNowOrLater, seededWith, syncOnce, update, updateStatus } from './fixture.js';

const NAME = 'certificates.cert.example.com';
const cert = (name: string) => ({ apiVersion: 'cert.example.com/v1', kind: 'Certificate', metadata: { name, namespace: 'default' }, spec: { secretName: name } });

describe('crd reconcile', () => {
  it('adds the cleanup finalizer, then writes accepted names, then serves the kind', async () => {
    const { f, c } = await seededWith(newCrdController, certificateCrd());
    expect(await syncOnce(f, c, NAME)).toEqual([update('customresourcedefinitions', undefined, NAME)]);
    expect(await syncOnce(f, c, NAME)).toEqual([updateStatus('customresourcedefinitions', undefined, NAME)]);
    expect(f.api.kinds.get('Certificate')).toBeUndefined();
    expect(await syncOnce(f, c, NAME)).toEqual([]);
    expect(f.api.kinds.get('Certificate')?.plural).toBe('certificates');
  });

  it('reports a name taken by a built-in in status', async () => {
    const { f, c } = await seededWith(newCrdController, certificateCrd({ plural: 'pods' }));
    await syncOnce(f, c, 'pods.cert.example.com');
    expect(await syncOnce(f, c, 'pods.cert.example.com')).toEqual([updateStatus('customresourcedefinitions', undefined, 'pods.cert.example.com')]);
    const accepted = (f.api.get('CustomResourceDefinition', '', 'pods.cert.example.com')?.status as { conditions: { type: string; status: string }[] }).conditions;
    expect(accepted.find((x) => x.type === 'NamesAccepted')?.status).toBe('False');
  });

  it('deletes a terminating CRD’s instances, then drops its finalizer', async () => {
    const { f, c } = await seededWith(newCrdController, certificateCrd());
    await f.converge(c, NAME);
    await f.seed(cert('a'), cert('b'));
    await f.api.delete('CustomResourceDefinition', '', NAME);
    expect(await syncOnce(f, c, NAME)).toEqual([
      updateStatus('customresourcedefinitions', undefined, NAME), // Terminating: InstanceDeletionInProgress
      del('certificates', 'default', 'a'),
      del('certificates', 'default', 'b'),
      update('customresourcedefinitions', undefined, NAME), // finalizer removed: the CRD goes
    ]);
    expect(f.api.get('CustomResourceDefinition', '', NAME)).toBeUndefined();
    expect(f.api.kinds.get('Certificate')).toBeUndefined();
  });

  it('does nothing for an established CRD', async () => {
    const { f, c } = await seededWith(newCrdController, certificateCrd());
    await f.converge(c, NAME);
    await expectNoWritesNowOrLater(f, c, NAME);
  });
});
