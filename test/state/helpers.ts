// Small builders shared by the state tests.
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore, type MemoryStoreConfig } from '../../state/store.js';

export function pod(name: string, namespace = 'default', extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    ...extra,
  };
}

export function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

/** A store on a fake clock with predictable uids uid-1, uid-2 … */
export function newStore(cfg: MemoryStoreConfig = {}): { store: MemoryStore; clock: FakeClock } {
  const clock = new FakeClock();
  let n = 0;
  const store = new MemoryStore({ now: () => clock.now(), newUid: () => `uid-${++n}`, ...cfg });
  return { store, clock };
}

/** A mutable copy of a frozen stored object. */
export function edit<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}
