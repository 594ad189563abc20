// ServiceAccount controller and root CA publisher, one sync at a time
// (pkg/controller/serviceaccount serviceaccounts_controller_test.go,
// pkg/controller/certificates/rootcacertpublisher publisher_test.go).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newRootCACertPublisher, newServiceAccountController, ROOT_CA_CONFIGMAP } from '../../../src/controllers/serviceaccount.js';
import { create, expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, update } from './fixture.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('serviceaccount reconcile', () => {
  it('creates the default ServiceAccount in an active namespace', async () => {
    const { f, c } = await seededWith(newServiceAccountController, ns('team'));
    expect(await syncOnce(f, c, 'team')).toEqual([create('serviceaccounts', 'team', 'default')]);
  });

  it('does nothing when the default ServiceAccount exists', async () => {
    const { f, c } = await seededWith(newServiceAccountController, ns('team'));
    await f.converge(c, 'team');
    await expectNoWritesNowOrLater(f, c, 'team');
  });

  it('does nothing in a terminating namespace', async () => {
    const f = newFixture();
    await f.seed(ns('team'));
    await f.api.delete('Namespace', '', 'team');
    const c = newServiceAccountController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'team')).toEqual([]);
  });
});

describe('root CA publisher reconcile', () => {
  it('creates kube-root-ca.crt, and puts an edited one back', async () => {
    const f = newFixture();
    await f.seed(ns('team'));
    const c = newRootCACertPublisher({ api: f.api, clock: f.clock, caPEM: PEM });
    expect(await syncOnce(f, c, 'team')).toEqual([create('configmaps', 'team', ROOT_CA_CONFIGMAP)]);
    await f.api.modify('ConfigMap', 'team', ROOT_CA_CONFIGMAP, (o) => {
      o.data = { 'ca.crt': 'tampered' };
    });
    expect(await syncOnce(f, c, 'team')).toEqual([update('configmaps', 'team', ROOT_CA_CONFIGMAP)]);
    expect(f.api.get('ConfigMap', 'team', ROOT_CA_CONFIGMAP)?.data).toEqual({ 'ca.crt': PEM });
  });

  it('does nothing when the ConfigMap is current', async () => {
    const f = newFixture();
    await f.seed(ns('team'));
    const c = newRootCACertPublisher({ api: f.api, clock: f.clock, caPEM: PEM });
    await f.converge(c, 'team');
    await expectNoWritesNowOrLater(f, c, 'team');
  });
});
