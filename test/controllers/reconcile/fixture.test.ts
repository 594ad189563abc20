// The recording fixture itself: one action per request, in order, nested
// writes not counted twice, a no-op update still counted (a wasted request),
// a modify that changes nothing not counted, dry runs and Events kept out.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { create, del, newFixture, patch, update, updateStatus } from './fixture.js';

const cm = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...extra }, data: { a: '1' } });

describe('reconcile fixture', () => {
  it('records each write once, in order, as client-go actions', async () => {
    const f = newFixture();
    await f.seed(cm('a'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await f.api.create(cm('b'));
    await f.api.patch('ConfigMap', 'default', 'b', 'merge', { data: { a: '2' } });
    await f.api.modify('Namespace', '', 'team', (o) => {
      o.status = { phase: 'Active', conditions: [] };
    }, { status: true });
    await f.api.delete('ConfigMap', 'default', 'a', { propagationPolicy: 'Foreground' }); // adds a finalizer inside: still one delete
    expect(f.actions()).toEqual([
      create('configmaps', 'default', 'b'),
      patch('configmaps', 'default', 'b'),
      updateStatus('namespaces', undefined, 'team'),
      del('configmaps', 'default', 'a'),
    ]);
  });

  it('counts an update that changes nothing, but not a modify that finds nothing to change', async () => {
    const f = newFixture();
    const [a] = await f.seed(cm('a'));
    await f.api.modify('ConfigMap', 'default', 'a', () => undefined);
    await f.api.modify('ConfigMap', 'default', 'a', (o) => o);
    expect(f.actions()).toEqual([]);
    await f.api.update(a);
    expect(f.actions()).toEqual([update('configmaps', 'default', 'a')]);
  });

  it('names a generated object once it exists, and leaves dry runs out', async () => {
    const f = newFixture();
    const made: KubeObject = await f.api.create<KubeObject>({ ...cm(''), metadata: { generateName: 'gen-', namespace: 'default' } });
    await f.api.create(cm('dry'), { dryRun: true });
    expect(f.actions()).toEqual([create('configmaps', 'default', made.metadata.name)]);
    expect(made.metadata.name).toMatch(/^gen-/);
  });

  it('keeps Events apart unless asked, and records a store write that skips the Api', async () => {
    const f = newFixture();
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, type: 'Normal', reason: 'Pulled', message: 'ok' };
    await f.api.create(ev);
    expect(f.actions()).toEqual([]);
    expect(f.events()).toEqual(['Normal Pulled ok']);
    const [a] = await f.seed(cm('a'));
    await f.store.update({ ...a, data: { a: '3' } });
    expect(f.actions()).toEqual([update('configmaps', 'default', 'a')]);
    const g = newFixture({ eventsAreActions: true });
    await g.api.create(ev);
    expect(g.actions()).toEqual([create('events', 'default', 'e')]);
  });
});
