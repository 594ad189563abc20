// buildTable with a RowCache kept between frames rebuilds only the rows whose
// objects changed (merging them into the previous order) and keeps column
// widths as counts. These tests hold it to the full build: after any sequence
// of adds, changes and deletes, under any filter, scope and sort, the rows,
// their order, the total and the measured widths are exactly a fresh build's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measure } from '../../components/logic/fit-columns.js';
import { buildTable, RowCache, type TableQuery } from '../../components/logic/table-model.js';
import { defaultRenderers, rendererFor } from '../../components/render/index.js';
import { deltaOf, recordDelta } from '../../components/logic/list-delta.js';
import { WatchCache } from '../../components/logic/watch-cache.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { FakeClusterClient } from './fake-client.js';
import { MIN, pod, T0 } from './fixtures.js';

const renderer = rendererFor(defaultRenderers(), 'Pod');

const podArb = fc.record({
  name: fc.constantFrom('web', 'api', 'db', 'cache', 'job', 'a', 'zz').chain((p) => fc.integer({ min: 0, max: 40 }).map((i) => `${p}-${i}`)),
  ns: fc.constantFrom('default', 'prod', 'kube-system'),
  phase: fc.constantFrom('Running', 'Pending', 'Succeeded'),
  restarts: fc.integer({ min: 0, max: 120 }),
  node: fc.constantFrom('node-1', 'node-2'),
  created: fc.integer({ min: 0, max: 500 }).map((m) => m * MIN),
  ip: fc.constantFrom('10.244.0.5', '10.244.1.17', ''),
});

type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;
type Op = { type: 'put'; pod: PodSpec } | { type: 'delete'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: podArb.map((p) => ({ type: 'put' as const, pod: p })) },
  { weight: 1, arbitrary: fc.nat().map((index) => ({ type: 'delete' as const, index })) },
);

const queryArb: fc.Arbitrary<TableQuery> = fc.record({
  namespace: fc.constantFrom('', 'default', 'prod'),
  filter: fc.constantFrom('', 'web', '!web', 'Running', '-l app=db'),
  scope: fc.constantFrom(undefined, { title: 'node-2', nodeName: 'node-2' }),
  sort: fc.constantFrom(
    undefined,
    { column: 'NAME', asc: true },
    { column: 'NAME', asc: false },
    { column: 'RESTARTS', asc: false },
    { column: 'STATUS', asc: true },
    { column: 'READY', asc: true },
    { column: 'IP', asc: true },
    { column: 'AGE', asc: true },
  ),
});

function toPod(p: PodSpec): KubeObject {
  return pod(p.name, { ns: p.ns, phase: p.phase, restarts: p.restarts, node: p.node, created: p.created, ip: p.ip });
}

/** The table's observable content: rows in order (by identity and cells), the total and the column widths. */
function view(t: ReturnType<typeof buildTable>) {
  return { ids: t.rows.map((r) => `${r.obj.metadata.namespace}/${r.obj.metadata.name}`), objs: t.rows.map((r) => r.obj), cells: t.rows.map((r) => r.cells), total: t.total, widths: measure(t.columns, t.rows) };
}

describe('buildTable kept between frames (incremental)', () => {
  it('equals a fresh full build after every change, under any query', () => {
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 30 }), fc.array(fc.array(opArb, { maxLength: 4 }), { minLength: 1, maxLength: 12 }), queryArb, (seed, frames, q) => {
        const objects = new Map<string, KubeObject>();
        for (const p of seed) objects.set(`${p.ns}/${p.name}`, toPod(p));
        const cache = new RowCache();
        buildTable([...objects.values()], renderer, true, q, T0, cache);
        for (const ops of frames) {
          for (const op of ops) {
            if (op.type === 'put') objects.set(`${op.pod.ns}/${op.pod.name}`, toPod(op.pod));
            else if (objects.size) objects.delete([...objects.keys()][op.index % objects.size]);
          }
          const items = [...objects.values()];
          const incremental = buildTable(items, renderer, true, q, T0, cache);
          const full = buildTable(items, renderer, true, q, T0);
          expect(view(incremental)).toEqual(view(full));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals a fresh full build when the query changes between frames too (a new filter reuses the sorted base)', () => {
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 30 }), fc.array(fc.tuple(fc.array(opArb, { maxLength: 3 }), queryArb), { minLength: 1, maxLength: 12 }), queryArb, (seed, frames, q0) => {
        const objects = new Map<string, KubeObject>();
        for (const p of seed) objects.set(`${p.ns}/${p.name}`, toPod(p));
        const cache = new RowCache();
        buildTable([...objects.values()], renderer, true, q0, T0, cache);
        for (const [ops, q] of frames) {
          for (const op of ops) {
            if (op.type === 'put') objects.set(`${op.pod.ns}/${op.pod.name}`, toPod(op.pod));
            else if (objects.size) objects.delete([...objects.keys()][op.index % objects.size]);
          }
          const items = [...objects.values()];
          // Often only the filter moves, as while typing `/`: the same scope and sort as the frame before.
          const query = ops.length % 2 ? { ...q0, filter: q.filter } : q;
          expect(view(buildTable(items, renderer, true, query, T0, cache))).toEqual(view(buildTable(items, renderer, true, query, T0)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("applies the watch cache's recorded deltas (only the changed objects) exactly as a full build", () => {
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 30 }), fc.array(fc.tuple(fc.array(opArb, { maxLength: 6 }), queryArb, fc.boolean()), { minLength: 1, maxLength: 10 }), queryArb, (seed, frames, q0) => {
        const client = new FakeClusterClient(seed.map(toPod));
        const watch = new WatchCache(client, new FakeClock(T0));
        const cache = new RowCache();
        let items = watch.items('Pod');
        buildTable(items, renderer, true, q0, T0, cache);
        let q = q0;
        // The pods as namespace/name, to pick deletions without reading the cache mid-frame.
        const names = new Set(seed.map((p) => `${p.ns}/${p.name}`));
        for (const [ops, next, keepQuery] of frames) {
          for (const op of ops) {
            if (op.type === 'put') {
              client.put(toPod(op.pod));
              names.add(`${op.pod.ns}/${op.pod.name}`);
            } else if (names.size) {
              const key = [...names][op.index % names.size];
              names.delete(key);
              const [ns, name] = key.split('/');
              client.remove('Pod', ns, name);
            }
          }
          const before = items;
          items = watch.items('Pod');
          if (items !== before) expect(deltaOf(items)?.from).toBe(before);
          if (!keepQuery) q = next;
          expect(view(buildTable(items, renderer, true, q, T0, cache))).toEqual(view(buildTable(items, renderer, true, q, T0)));
        }
        watch.close();
      }),
      { numRuns: 300 },
    );
  });

  it('looks only at the objects a recorded delta names, not at the whole list', () => {
    const a = pod('a');
    const b = pod('b');
    const cache = new RowCache();
    const q: TableQuery = { namespace: '', filter: '' };
    const first = [a];
    buildTable(first, renderer, true, q, T0, cache);
    // The list also holds b, but its delta names only a's new version: b is never looked at.
    const a2 = pod('a', { restarts: 4 });
    const second = [a2, b];
    recordDelta(second, { from: first, added: [a2], removed: [a] });
    expect(buildTable(second, renderer, true, q, T0, cache).rows.map((r) => r.obj)).toEqual([a2]);
    // A delta from a list this table was not built from is not applied: the whole list is.
    const third = [a2, b];
    recordDelta(third, { from: [], added: [], removed: [] });
    expect(buildTable(third, renderer, true, q, T0, cache).rows.map((r) => r.obj)).toEqual([a2, b]);
  });

  it('keeps one step of deltas: a list forgets its delta once the next list is recorded (no chain of old lists)', () => {
    const l1 = [pod('a')];
    const l2 = [pod('a'), pod('b')];
    const l3 = [pod('b')];
    recordDelta(l2, { from: l1, added: [l2[1]], removed: [] });
    expect(deltaOf(l2)?.from).toBe(l1);
    recordDelta(l3, { from: l2, added: [], removed: [l2[0]] });
    expect(deltaOf(l2)).toBeUndefined();
    expect(deltaOf(l3)?.from).toBe(l2);
  });

  it("bounds the watch cache's journal: churn nobody reads drops the delta, and the next list is read in full", () => {
    const client = new FakeClusterClient([pod('a'), pod('b')]);
    const watch = new WatchCache(client, new FakeClock(T0));
    const first = watch.items('Pod');
    client.put(pod('c'));
    expect(deltaOf(watch.items('Pod'))?.added.map((o) => o.metadata.name)).toEqual(['c']);
    watch.items('Pod');
    for (let i = 0; i < 200; i++) {
      client.put(pod(`tmp-${i}`));
      client.remove('Pod', 'default', `tmp-${i}`);
    }
    const after = watch.items('Pod');
    expect(deltaOf(after)).toBeUndefined();
    expect(after.map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'c']);
    expect(first).not.toBe(after);
    watch.close();
  });

  it('filters again without sorting again when only the filter changes', () => {
    const pods = Array.from({ length: 50 }, (_, i) => pod(`web-${i}`, { restarts: i % 7 }));
    const cache = new RowCache();
    const q: TableQuery = { namespace: '', filter: '', sort: { column: 'RESTARTS', asc: false } };
    const all = buildTable(pods, renderer, true, q, T0, cache);
    const base = cache.last!.base;
    const one = buildTable(pods, renderer, true, { ...q, filter: 'web-1' }, T0, cache);
    expect(cache.last!.base).toBe(base);
    expect(one.rows.map((r) => r.obj.metadata.name)).toEqual(all.rows.map((r) => r.obj.metadata.name).filter((n) => n?.includes('web-1')));
    const back = buildTable(pods, renderer, true, q, T0, cache);
    expect(back.rows).toBe(base);
  });

  it('reuses the previous rows array when no object changed, and rebuilds when the query does', () => {
    const pods = [pod('web-1'), pod('web-2', { ns: 'prod' }), pod('db-1', { restarts: 3 })];
    const cache = new RowCache();
    const q: TableQuery = { namespace: '', filter: '' };
    const first = buildTable(pods, renderer, true, q, T0, cache);
    const again = buildTable([...pods], renderer, true, q, T0, cache);
    expect(again.rows).toBe(first.rows);
    const filtered = buildTable(pods, renderer, true, { ...q, filter: 'db' }, T0, cache);
    expect(filtered.rows.map((r) => r.obj.metadata.name)).toEqual(['db-1']);
    expect(filtered.total).toBe(3);
  });

  it('narrows the widths when the widest row goes away', () => {
    const long = pod('a-very-long-pod-name-that-sets-the-width');
    const short = pod('web-1');
    const cache = new RowCache();
    const q: TableQuery = { namespace: 'default', filter: '' };
    const t1 = buildTable([long, short], renderer, true, q, T0, cache);
    const t2 = buildTable([short], renderer, true, q, T0, cache);
    const nameCol = t2.columns.findIndex((c) => c.name === 'NAME');
    expect(measure(t1.columns, t1.rows)[nameCol]).toBe(long.metadata.name!.length);
    expect(measure(t2.columns, t2.rows)[nameCol]).toBe(Math.max('NAME'.length, 'web-1'.length));
  });
});
