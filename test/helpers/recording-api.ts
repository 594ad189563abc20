// An Api over a fresh MemoryStore (FakeClock at 2026-01-01) that records every
// write in order as `TYPE Kind/name` — sample-controller's fake clientset
// "actions" — so a test can assert exactly what one reconcile wrote.
import { Api } from '../../src/api/api.js';
import { KindRegistry } from '../../src/api/kinds.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

export function recordingApi() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now(), kinds: new KindRegistry() });
  const writes: string[] = [];
  const watch = store.watch('*', {}, (ev) => writes.push(`${ev.type} ${ev.object.kind}/${ev.object.metadata.name}`));
  return { clock, store, api, writes, stop: () => watch.stop() };
}
