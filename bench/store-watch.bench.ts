// What many watchers cost: 1,000 watchers (most filtered by namespace, some by
// label) on an in-memory store while 10,000 pod writes happen. Each event is
// built once and shared, so the cost per event should grow with the number of
// handler calls, not with copies. Prints figures; asserts nothing.
import type { KubeObject } from '../src/api/meta.js';
import type { WatchEvent } from '../src/api/store-types.js';
import { MemoryStore } from '../state/store.js';
import { isMain, percentile, scaled } from './stats.js';

const WATCHERS = scaled(1000);
const WRITES = scaled(10_000);
const NAMESPACES = 10;

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${i}`, namespace: `ns-${i % NAMESPACES}`, labels: { app: `app-${i % 7}` } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const store = new MemoryStore();
  let calls = 0;
  for (let w = 0; w < WATCHERS; w++) {
    const handler = (_ev: WatchEvent) => {
      calls++;
    };
    if (w % 10 === 0) store.watch('Pod', { filter: (o) => o.metadata.labels?.app === `app-${w % 7}` }, handler);
    else if (w % 10 === 1) store.watch('*', {}, handler);
    else store.watch('Pod', { namespace: `ns-${w % NAMESPACES}` }, handler);
  }
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) {
    const t = performance.now();
    await store.create(pod(i));
    lat.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  const t1 = performance.now();
  // A late watcher replaying the whole retained log.
  let replayed = 0;
  store.watch('Pod', { resourceVersion: String(Math.max(0, WRITES - 10_000)) }, () => replayed++).stop();
  const replayMs = performance.now() - t1;
  return {
    watchers: WATCHERS,
    writes: WRITES,
    writes_per_s: Math.round(WRITES / (total / 1000)),
    total_ms: Math.round(total),
    handler_calls: calls,
    handler_calls_per_write: Number((calls / WRITES).toFixed(1)),
    write_p50_ms: Number(percentile(lat, 50).toFixed(3)),
    write_p99_ms: Number(percentile(lat, 99).toFixed(3)),
    replayed_events: replayed,
    replay_ms: Number(replayMs.toFixed(2)),
  };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(26)} ${v}`);
}
