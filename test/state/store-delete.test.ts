import { describe, expect, it } from 'vitest';
import { isStatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { deployment, edit, newStore, pod } from './helpers.js';

describe('MemoryStore deletion', () => {
  it('delete without finalizers or grace removes at once; DELETED carries a fresh resourceVersion', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    const events: WatchEvent[] = [];
    store.watch('Pod', {}, (ev) => events.push(ev));
    const gone = await store.delete('Pod', 'default', 'a');
    expect(store.get('Pod', 'default', 'a')).toBeUndefined();
    expect(gone.metadata.resourceVersion).toBe('2');
    expect(events.map((e) => e.type)).toEqual(['DELETED']);
    expect(events[0].object).toBe(gone);
    expect(events[0].oldObject?.metadata.resourceVersion).toBe('1');
    expect(store.kinds()).toEqual([]);
    const err = await store.delete('Pod', 'default', 'a').catch((e: unknown) => e);
    expect(isStatusError(err, 'NotFound')).toBe(true);
  });

  it('finalizers make delete only mark; removing the last finalizer removes the object', async () => {
    const { store, clock } = newStore();
    const d = await store.create<KubeObject>({ ...deployment('web'), metadata: { name: 'web', namespace: 'default', finalizers: ['example.com/x'] } });
    clock.advance(7000);
    const types: string[] = [];
    store.watch('Deployment', {}, (ev) => types.push(ev.type));
    const marked = await store.delete('Deployment', 'default', 'web');
    expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:07Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(marked.metadata.generation).toBe(d.metadata.generation! + 1);
    expect(store.get('Deployment', 'default', 'web')).toBe(marked);

    // An update cannot remove the mark.
    const tryUnmark = edit(marked);
    delete tryUnmark.metadata.deletionTimestamp;
    tryUnmark.metadata.labels = { a: 'b' };
    const stillMarked = await store.update(tryUnmark);
    expect(stillMarked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:07Z');
    expect(stillMarked.metadata.generation).toBe(marked.metadata.generation);

    const done = edit(stillMarked);
    done.metadata.finalizers = [];
    await store.update(done);
    expect(store.get('Deployment', 'default', 'web')).toBeUndefined();
    expect(types).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('graceful delete marks with deletionTimestamp = now + grace; a later delete with 0 removes it', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    const marked = await store.delete('Pod', 'default', 'a', { gracePeriodSeconds: 30 });
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:30Z');
    // A status update while terminating keeps it (grace is pending).
    const st = edit(marked);
    st.status = { phase: 'Running' };
    await store.update(st);
    expect(store.get('Pod', 'default', 'a')).toBeDefined();
    // Deleting again without shortening changes nothing.
    const again = await store.delete('Pod', 'default', 'a', { gracePeriodSeconds: 30 });
    expect(again).toBe(store.get('Pod', 'default', 'a'));
    await store.delete('Pod', 'default', 'a', { gracePeriodSeconds: 0 });
    expect(store.get('Pod', 'default', 'a')).toBeUndefined();
  });

  it('shortening grace on an object with finalizers keeps it until finalizers go', async () => {
    const { store } = newStore();
    await store.create(pod('a', 'default', { metadata: { name: 'a', namespace: 'default', finalizers: ['f'] } }));
    await store.delete('Pod', 'default', 'a', { gracePeriodSeconds: 30 });
    const short = await store.delete('Pod', 'default', 'a', { gracePeriodSeconds: 0 });
    expect(short.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(short.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    const cleared = edit(short);
    cleared.metadata.finalizers = undefined;
    await store.update(cleared);
    expect(store.get('Pod', 'default', 'a')).toBeUndefined();
  });

  it('preconditions that do not match are Conflicts in Kubernetes wording', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    const e1 = await store.delete('Pod', 'default', 'a', { preconditions: { uid: 'x' } }).catch((e: unknown) => e);
    expect((e1 as Error).message).toBe('Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: x, UID in object meta: uid-1');
    const e2 = await store.delete('Pod', 'default', 'a', { preconditions: { resourceVersion: '9' } }).catch((e: unknown) => e);
    expect((e2 as Error).message).toBe(
      'Operation cannot be fulfilled on pods "a": Precondition failed: ResourceVersion in precondition: 9, ResourceVersion in object meta: 1',
    );
    expect(isStatusError(e2, 'Conflict')).toBe(true);
    await store.delete('Pod', 'default', 'a', { preconditions: { uid: 'uid-1', resourceVersion: '1' } });
    expect(store.get('Pod', 'default', 'a')).toBeUndefined();
  });

  it('a create after delete gets a new uid', async () => {
    const { store } = newStore();
    await store.create(pod('a'));
    await store.delete('Pod', 'default', 'a');
    const again = await store.create(pod('a'));
    expect(again.metadata.uid).toBe('uid-2');
    expect(again.metadata.resourceVersion).toBe('3');
  });
});
