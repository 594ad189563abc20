import { describe, expect, it } from 'vitest';
import { isStatusError, StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { deployment, edit, newStore, pod } from './helpers.js';

describe('MemoryStore CRUD', () => {
  it('create assigns uid, creationTimestamp, generation 1 and the next global resourceVersion', async () => {
    const { store } = newStore();
    const a = await store.create(pod('a'));
    const b = await store.create(deployment('web'));
    expect(a.metadata).toMatchObject({ uid: 'uid-1', generation: 1, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(b.metadata.resourceVersion).toBe('2');
    expect(store.resourceVersion()).toBe('2');
    expect(store.get('Pod', 'default', 'a')).toBe(a);
    expect(store.kinds()).toEqual(['Deployment', 'Pod']);
  });

  it('returns deeply frozen objects and does not freeze or keep the caller input', async () => {
    const { store } = newStore();
    const input = pod('a');
    const a = await store.create(input);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.spec.containers[0])).toBe(true);
    expect(() => {
      (a.metadata as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });

  it('refuses duplicates with AlreadyExists in Kubernetes wording', async () => {
    const { store } = newStore();
    await store.create(deployment('web'));
    const err = await store.create(deployment('web')).catch((e: unknown) => e);
    expect(isStatusError(err, 'AlreadyExists')).toBe(true);
    expect((err as StatusError).message).toBe('deployments.apps "web" already exists');
    expect((err as StatusError).code).toBe(409);
  });

  it('namespaced kinds default to "default"; cluster-scoped kinds live in ""', async () => {
    const { store } = newStore();
    const p = await store.create<KubeObject>({ ...pod('a'), metadata: { name: 'a' } });
    expect(p.metadata.namespace).toBe('default');
    const n = await store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'oops' } });
    expect(n.metadata.namespace).toBeUndefined();
    expect(store.get('Node', '', 'n1')).toBe(n);
    expect(store.get('Node', 'whatever', 'n1')).toBe(n);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    expect(store.list('Namespace').items.map((o) => o.metadata.name)).toEqual(['dev']);
  });

  it('list sorts by namespace/name, filters by namespace and predicate, and returns the current resourceVersion', async () => {
    const { store } = newStore();
    await store.create(pod('b', 'x'));
    await store.create(pod('a', 'y'));
    await store.create(pod('c', 'x', { metadata: { name: 'c', namespace: 'x', labels: { app: 'db' } } }));
    await store.create(deployment('web'));
    const all = store.list('Pod');
    expect(all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['x/b', 'x/c', 'y/a']);
    expect(all.resourceVersion).toBe('4');
    expect(store.list('Pod', { namespace: 'x' }).items).toHaveLength(2);
    expect(store.list('Pod', { filter: (o) => o.metadata.labels?.app === 'db' }).items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(store.list('Service').items).toEqual([]);
  });

  it('update keeps uid and creationTimestamp, bumps rv, and generation only for non-metadata/status changes', async () => {
    const { store, clock } = newStore();
    const d = await store.create(deployment('web'));
    clock.advance(5000);
    const labelled = edit(d);
    labelled.metadata.labels = { team: 'a' };
    labelled.metadata.uid = undefined;
    labelled.metadata.creationTimestamp = '1999-01-01T00:00:00Z';
    const d2 = await store.update(labelled);
    expect(d2.metadata).toMatchObject({ uid: 'uid-1', creationTimestamp: '2026-01-01T00:00:00Z', generation: 1, resourceVersion: '2' });

    const status = edit(d2);
    status.status = { replicas: 1 };
    const d3 = await store.update(status);
    expect(d3.metadata.generation).toBe(1);

    const scaled = edit(d3);
    scaled.spec.replicas = 3;
    const d4 = await store.update(scaled);
    expect(d4.metadata.generation).toBe(2);
    expect(d4.metadata.resourceVersion).toBe('4');
  });

  it('a spec with the same content in another key order does not bump generation', async () => {
    const { store } = newStore();
    const d = await store.create(deployment('web'));
    const { replicas, selector, template } = d.spec;
    const reordered = { ...edit(d), spec: edit({ template, selector, replicas }) };
    const d2 = await store.update(reordered);
    expect(d2.metadata.generation).toBe(1);
  });

  it('an update that changes nothing keeps the version and emits no event', async () => {
    const { store } = newStore();
    const d = await store.create(deployment('web'));
    const seen: string[] = [];
    store.watch('Deployment', {}, (ev) => seen.push(ev.type));
    const same = await store.update(edit(d));
    expect(same).toBe(d);
    expect(store.resourceVersion()).toBe('1');
    expect(seen).toEqual([]);
  });

  it('update of a missing object is NotFound', async () => {
    const { store } = newStore();
    const err = await store.update(deployment('nope')).catch((e: unknown) => e);
    expect(isStatusError(err, 'NotFound')).toBe(true);
    expect((err as Error).message).toBe('deployments.apps "nope" not found');
  });

  it('a stale resourceVersion is a Conflict with the message kubectl users know', async () => {
    const { store } = newStore();
    const d = await store.create(deployment('web'));
    const first = edit(d);
    first.spec.replicas = 2;
    await store.update(first);
    const stale = edit(d);
    stale.spec.replicas = 5;
    const err = await store.update(stale).catch((e: unknown) => e);
    expect(isStatusError(err, 'Conflict')).toBe(true);
    expect((err as StatusError).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((err as StatusError).retryable).toBe(true);
    // Skipping the check (or leaving resourceVersion out) writes anyway.
    const forced = await store.update(stale, { checkResourceVersion: false });
    expect(forced.spec.replicas).toBe(5);
    const noRv = edit(forced);
    delete noRv.metadata.resourceVersion;
    noRv.spec.replicas = 6;
    expect((await store.update(noRv)).spec.replicas).toBe(6);
  });

  it('an update naming another uid is a precondition Conflict', async () => {
    const { store } = newStore();
    const d = await store.create(deployment('web'));
    const other = { ...edit(d), metadata: { ...edit(d.metadata), uid: 'someone-else' } };
    const err = await store.update(other).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": Precondition failed: UID in precondition: someone-else, UID in object meta: uid-1',
    );
  });

  it('keeps ownerReferences as given', async () => {
    const { store } = newStore();
    const d = await store.create(deployment('web'));
    const p = await store.create(pod('web-1', 'default', {
      metadata: { name: 'web-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true }] },
    }));
    expect(p.metadata.ownerReferences?.[0]).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-1', controller: true });
  });

  it('list results are the caller\'s own array and follow every change', async () => {
    const { store } = newStore();
    const a = await store.create(pod('a'));
    const first = store.list('Pod').items;
    first.pop();
    expect(store.list('Pod').items).toHaveLength(1);
    const a2 = edit(a);
    a2.metadata.labels = { app: 'db' };
    const updated = await store.update(a2);
    expect(store.list('Pod').items[0]).toBe(updated);
    expect(store.list('Pod', { namespace: 'default' }).items[0]).toBe(updated);
    await store.create(pod('0'));
    expect(store.list('Pod', { namespace: 'default' }).items.map((o) => o.metadata.name)).toEqual(['0', 'a']);
    await store.delete('Pod', 'default', 'a');
    expect(store.list('Pod').items.map((o) => o.metadata.name)).toEqual(['0']);
  });
});
