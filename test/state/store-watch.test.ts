import { describe, expect, it } from 'vitest';
import { isStatusError, StatusError } from '../../src/api/errors.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { deployment, edit, newStore, pod } from './helpers.js';

const names = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);

describe('MemoryStore watch', () => {
  it('delivers live events by kind, namespace and filter; "*" sees every kind', async () => {
    const { store } = newStore();
    const pods: WatchEvent[] = [];
    const inX: WatchEvent[] = [];
    const all: WatchEvent[] = [];
    store.watch('Pod', {}, (e) => pods.push(e));
    store.watch('Pod', { namespace: 'x' }, (e) => inX.push(e));
    store.watch('*', {}, (e) => all.push(e));
    await store.create(pod('a', 'x'));
    await store.create(pod('b', 'y'));
    await store.create(deployment('web'));
    expect(names(pods)).toEqual(['ADDED a@1', 'ADDED b@2']);
    expect(names(inX)).toEqual(['ADDED a@1']);
    expect(names(all)).toEqual(['ADDED a@1', 'ADDED b@2', 'ADDED web@3']);
  });

  it('a filtered watcher sees an object entering the selection as ADDED and leaving it as DELETED', async () => {
    const { store } = newStore();
    const p = await store.create(pod('a'));
    const evs: WatchEvent[] = [];
    store.watch('Pod', { filter: (o) => o.metadata.labels?.app === 'db' }, (e) => evs.push(e));
    const toDb = edit(p);
    toDb.metadata.labels = { app: 'db' };
    const p2 = await store.update(toDb);
    const touch = edit(p2);
    touch.metadata.annotations = { x: '1' };
    const p3 = await store.update(touch);
    const away = edit(p3);
    away.metadata.labels = { app: 'web' };
    await store.update(away);
    expect(names(evs)).toEqual(['ADDED a@2', 'MODIFIED a@3', 'DELETED a@4']);
    // The DELETED view shows the last matching content at the event's version.
    expect(evs[2].object.metadata.labels).toEqual({ app: 'db' });
    expect(Object.isFrozen(evs[2].object)).toBe(true);
  });

  it('many watchers receive the very same event object (computed once)', async () => {
    const { store } = newStore();
    const got: WatchEvent[] = [];
    for (let i = 0; i < 500; i++) store.watch('Pod', {}, (e) => got.push(e));
    const filteredGot: WatchEvent[] = [];
    for (let i = 0; i < 50; i++) store.watch('Pod', { filter: () => true }, (e) => filteredGot.push(e));
    const created = await store.create(pod('a'));
    expect(got).toHaveLength(500);
    expect(new Set(got).size).toBe(1);
    expect(got[0].object).toBe(created);
    expect(filteredGot.every((e) => e === got[0])).toBe(true);
    expect(Object.isFrozen(got[0])).toBe(true);
  });

  it('a throwing handler does not break other handlers or the write', async () => {
    const errors: unknown[] = [];
    const { store } = newStore({ onHandlerError: (err) => errors.push(err) });
    const seen: string[] = [];
    store.watch('Pod', {}, () => {
      throw new Error('boom');
    });
    store.watch('Pod', {}, (e) => seen.push(e.object.metadata.name!));
    const p = await store.create(pod('a'));
    expect(p.metadata.name).toBe('a');
    expect(seen).toEqual(['a']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('handlers may stop themselves or others during dispatch', async () => {
    const { store } = newStore();
    const log: string[] = [];
    const h1 = store.watch('Pod', {}, (e) => {
      log.push(`1:${e.object.metadata.name}`);
      h1.stop();
      h2.stop();
    });
    const h2 = store.watch('Pod', {}, (e) => log.push(`2:${e.object.metadata.name}`));
    store.watch('Pod', {}, (e) => log.push(`3:${e.object.metadata.name}`));
    await store.create(pod('a'));
    await store.create(pod('b'));
    expect(log).toEqual(['1:a', '3:a', '3:b']);
    expect(store.watcherCount()).toBe(1);
  });

  it('a handler that writes does not make others see events out of order', async () => {
    const { store } = newStore();
    const order: string[] = [];
    store.watch('Pod', {}, (e) => {
      if (e.object.metadata.name === 'a') void store.create(pod('b'));
    });
    store.watch('Pod', {}, (e) => order.push(e.object.metadata.resourceVersion!));
    await store.create(pod('a'));
    expect(order).toEqual(['1', '2']);
  });

  it('replays missed events from a resourceVersion, then continues live', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    const { resourceVersion } = store.list('Pod');
    await store.create(pod('b'));
    await store.create(deployment('web'));
    await store.delete('Pod', 'default', 'a');
    const evs: WatchEvent[] = [];
    store.watch('Pod', { resourceVersion }, (e) => evs.push(e));
    expect(names(evs)).toEqual(['ADDED b@2', 'DELETED a@4']);
    await store.create(pod('c'));
    expect(names(evs)).toEqual(['ADDED b@2', 'DELETED a@4', 'ADDED c@5']);
  });

  it('resourceVersion "0" starts with a synthetic ADDED for each current object', async () => {
    const { store } = newStore();
    await store.create(pod('b'));
    await store.create(pod('a'));
    await store.create(pod('z', 'other'));
    const evs: WatchEvent[] = [];
    const evs2: WatchEvent[] = [];
    store.watch('Pod', { resourceVersion: '0', namespace: 'default' }, (e) => evs.push(e));
    store.watch('Pod', { resourceVersion: '0', namespace: 'default' }, (e) => evs2.push(e));
    expect(names(evs)).toEqual(['ADDED a@2', 'ADDED b@1']);
    expect(evs2[0]).toBe(evs[0]); // shared, not rebuilt per watcher
    await store.create(pod('c'));
    expect(names(evs).at(-1)).toBe('ADDED c@4');
  });

  it('without a resourceVersion only future events arrive', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    const evs: WatchEvent[] = [];
    store.watch('Pod', { resourceVersion: '' }, (e) => evs.push(e));
    await store.create(pod('b'));
    expect(names(evs)).toEqual(['ADDED b@2']);
  });

  it('a version older than the bounded log is 410 Expired', async () => {
    const { store } = newStore({ logSize: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await store.create(pod(n));
    // Log holds rv 3..5: watching from 2 is fine (replays 3,4,5), from 1 is too old.
    const evs: WatchEvent[] = [];
    store.watch('Pod', { resourceVersion: '2' }, (e) => evs.push(e));
    expect(names(evs)).toEqual(['ADDED c@3', 'ADDED d@4', 'ADDED e@5']);
    let err: unknown;
    try {
      store.watch('Pod', { resourceVersion: '1' }, () => {});
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err, 'Expired')).toBe(true);
    expect((err as StatusError).code).toBe(410);
    expect((err as StatusError).message).toBe('too old resource version: 1 (2)');
  });

  it('a version from the future or not a number is refused', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    expect(() => store.watch('Pod', { resourceVersion: '99' }, () => {})).toThrow('Too large resource version: 99, current: 1');
    expect(() => store.watch('Pod', { resourceVersion: 'abc' }, () => {})).toThrow(StatusError);
  });

  it('a watch restored from a snapshot cannot replay history before it', () => {
    const { store } = newStore({ initial: { resourceVersion: '10', objects: [] } });
    expect(() => store.watch('Pod', { resourceVersion: '9' }, () => {})).toThrow('too old resource version: 9 (10)');
    expect(() => store.watch('Pod', { resourceVersion: '10' }, () => {})).not.toThrow();
  });
});
