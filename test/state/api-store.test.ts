// The store behind the real API door: the semantics Api relies on (conflict
// retry in modify, graceful pod deletion, finalizers, namespace marking).
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { deployment, newStore, pod } from './helpers.js';

function setup() {
  const { store, clock } = newStore();
  const api = new Api({ store, now: () => clock.now() });
  return { store, api, clock };
}

describe('MemoryStore behind Api', () => {
  it('modify retries past a concurrent writer instead of losing its change', async () => {
    const { api } = setup();
    await api.create(deployment('web'));
    let raced = false;
    const out = await api.modify<KubeObject>('Deployment', 'default', 'web', (d) => {
      if (!raced) {
        raced = true;
        // Someone else writes between our read and our write: our first attempt must Conflict.
        void api.modify<KubeObject>('Deployment', 'default', 'web', (o) => {
          o.metadata.labels = { by: 'other' };
        });
      }
      d.spec.replicas = 4;
    });
    expect(out?.spec.replicas).toBe(4);
    expect(out?.metadata.labels).toEqual({ by: 'other' });
  });

  it('a pod bound to a node is deleted gracefully; the kubelet finishes it with grace 0', async () => {
    const { api, store } = setup();
    await api.create(pod('p', 'default', { spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } }));
    const marked = await api.delete('Pod', 'default', 'p');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get('Pod', 'default', 'p')).toBeDefined();
    await api.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 });
    expect(store.get('Pod', 'default', 'p')).toBeUndefined();
  });

  it('foreground deletion adds its finalizer and marks; removing it deletes', async () => {
    const { api, store } = setup();
    await api.create(deployment('web'));
    const marked = await api.delete('Deployment', 'default', 'web', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    await api.modify<KubeObject>('Deployment', 'default', 'web', (d) => {
      d.metadata.finalizers = [];
    });
    expect(store.get('Deployment', 'default', 'web')).toBeUndefined();
  });
});
