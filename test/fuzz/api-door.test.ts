// The Api door under random writes: every write that fails fails with a
// StatusError (a Kubernetes Status: code, reason, message) — never a TypeError
// from a field of an unexpected shape — and a refused write leaves the store
// exactly as it was (same resourceVersion, same objects): nothing is stored
// partially. Inputs: realistic samples of every kind corrupted at random paths,
// wholly random objects, random patches of every type, random deletes/scales.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { isStatusError, StatusError } from '../../src/api/errors.js';
import { KINDS } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { PatchType } from '../../src/api/patch/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { SAMPLES } from '../api/validation-samples.js';
import { CaseCounter, describeCrash, junkValues, paths, setAt } from './helpers.js';

const KIND_NAMES = KINDS.map((k) => k.kind);

const junk = junkValues({ maxString: 6, double: true, more: [fc.constant('../../etc/passwd'), fc.constant('1e999999'), fc.jsonValue({ maxDepth: 3 })] });

/** A sample of a random kind with 1–4 random paths replaced by junk (or removed). */
const corrupted = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.array(fc.tuple(fc.nat(), fc.option(junk, { nil: undefined })), { minLength: 1, maxLength: 4 }), fc.constantFrom('web', 'db', 'x-1', ''))
  .map(([sample, edits, name]) => {
    const o = structuredClone(sample) as Record<string, any>;
    if (name && o.metadata && typeof o.metadata === 'object') o.metadata.name = name;
    for (const [i, v] of edits) {
      const ps = paths(o);
      if (ps.length) setAt(o, ps[i % ps.length], structuredClone(v));
    }
    return o as KubeObject;
  });

/** Wholly random objects: any kind, any apiVersion, any fields. */
const randomObject = fc
  .record(
    {
      apiVersion: fc.oneof(fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'autoscaling/v2', 'x/v1'), junk),
      kind: fc.oneof(fc.constantFrom(...KIND_NAMES), junk),
      metadata: fc.oneof(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom('web', 'a', '../etc', 'A_B', 'x'.repeat(300), ''), junk),
            namespace: fc.oneof(fc.constantFrom('default', '', 'nope', 'kube-system'), junk),
            generateName: fc.oneof(fc.constantFrom('gen-', 'Bad_'), junk),
            labels: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), junk),
            annotations: junk,
            finalizers: junk,
            ownerReferences: junk,
            resourceVersion: fc.oneof(fc.constantFrom('1', '999999', 'abc'), junk),
          },
          { requiredKeys: [] },
        ),
        junk,
      ),
      spec: junk,
      status: junk,
      data: junk,
      stringData: junk,
    },
    { requiredKeys: [] },
  )
  .map((o) => o as unknown as KubeObject);

const anyObject = fc.oneof({ weight: 3, arbitrary: corrupted }, { weight: 1, arbitrary: randomObject });

type Op =
  | { op: 'create' | 'update' | 'apply'; obj: KubeObject }
  | { op: 'patch'; kind: string; name: string; type: PatchType; patch: unknown }
  | { op: 'delete'; kind: string; name: string; opts: unknown }
  | { op: 'scale'; kind: string; name: string; replicas: unknown };

const target = fc.constantFrom(['Deployment', 'web'], ['ConfigMap', 'web'], ['Secret', 'db'], ['Service', 'web'], ['Pod', 'web'], ['Namespace', 'team-a'], ['Deployment', 'missing'], ['Bogus', 'x']);

const operation: fc.Arbitrary<Op> = fc.oneof(
  anyObject.chain((obj) => fc.constantFrom<'create' | 'update' | 'apply'>('create', 'update', 'apply').map((op) => ({ op, obj }))),
  fc.tuple(target, fc.constantFrom<PatchType>('merge', 'json', 'strategic', 'apply'), fc.oneof(junk, anyObject, fc.string({ maxLength: 80 }), fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), path: fc.constantFrom('/spec', '/spec/replicas', '/metadata/name', '/metadata/uid', '/kind', '/status', '/data/x', '/spec/template/spec/containers/0/image'), value: junk, from: fc.constantFrom('/spec', '/metadata') }, { requiredKeys: ['op', 'path'] }), { maxLength: 3 })))
    .map(([[kind, name], type, patch]) => ({ op: 'patch' as const, kind, name, type, patch })),
  fc.tuple(target, fc.oneof(fc.constant({}), fc.record({ gracePeriodSeconds: junk, propagationPolicy: fc.oneof(fc.constantFrom('Foreground', 'Orphan', 'Background'), junk), preconditions: fc.record({ uid: junk, resourceVersion: junk }, { requiredKeys: [] }) }, { requiredKeys: [] })))
    .map(([[kind, name], opts]) => ({ op: 'delete' as const, kind, name, opts })),
  fc.tuple(target, junk).map(([[kind, name], replicas]) => ({ op: 'scale' as const, kind, name, replicas })),
);

let api: Api;
let store: MemoryStore;

async function seed(): Promise<void> {
  const clock = new FakeClock();
  let n = 0;
  store = new MemoryStore({ now: () => clock.now(), newUid: () => `uid-${++n}` });
  api = new Api({ store, now: () => clock.now() });
  for (const ns of ['default', 'kube-system']) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const s of SAMPLES) {
    const o = structuredClone(s);
    if (['Deployment', 'ConfigMap', 'Service', 'Pod'].includes(o.kind)) o.metadata.name = 'web';
    if (o.kind === 'Secret') o.metadata.name = 'db';
    try {
      await api.create(o);
    } catch (e) {
      if (!isStatusError(e)) throw e; // a sample may need something else first; fine
    }
  }
}

/** Everything in the store, as text: the before/after check for "nothing stored partially". */
function dump(): string {
  const parts = [store.resourceVersion()];
  for (const kind of store.kinds().sort()) parts.push(JSON.stringify(store.list(kind).items));
  return parts.join('\n');
}

async function run(o: Op): Promise<unknown> {
  switch (o.op) {
    case 'create':
      return api.create(o.obj);
    case 'update':
      return api.update(o.obj);
    case 'apply':
      return api.apply(o.obj);
    case 'patch':
      return api.patch(o.kind, 'default', o.name, o.type, o.patch);
    case 'delete':
      return api.delete(o.kind, 'default', o.name, o.opts as never);
    case 'scale':
      return api.scale(o.kind, 'default', o.name, o.replicas as number);
  }
}

describe('the Api door under random writes', () => {
  beforeEach(seed);

  it('refuses with StatusErrors only, and a refused write changes nothing', async () => {
    const c = new CaseCounter('api door: random writes');
    const refusals = new Map<string, number>();
    // Every distinct crash (message + where it happened), with one input that causes it: the full list, not just the first.
    const crashes = new Map<string, string>();
    const partial: string[] = [];
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(operation, async (o) => {
        // A fresh cluster now and then, so deletes early in the run do not leave later cases nothing to hit.
        if (c.n > 0 && c.n % 50 === 0) await seed();
        const before = dump();
        try {
          await c.timeAsync(() => run(o));
          accepted++;
        } catch (e) {
          if (!(e instanceof StatusError)) {
            const where = String((e as Error)?.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? '';
            const key = `${o.op}: ${(e as Error)?.name}: ${(e as Error)?.message} ${where.trim()}`;
            if (!crashes.has(key)) crashes.set(key, JSON.stringify(o).slice(0, 300));
            if (dump() !== before) partial.push(`${key} (and it changed the store)`);
            return;
          }
          expect(e.message.length).toBeGreaterThan(0);
          expect(e.code).toBeGreaterThanOrEqual(400);
          refusals.set(e.reason ?? '?', (refusals.get(e.reason ?? '?') ?? 0) + 1);
          if (dump() !== before) partial.push(`a refused ${o.op} (${e.reason}: ${e.message}) changed the store`);
        }
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
    console.log(`fuzz: api door: ${accepted} accepted, refused by reason: ${JSON.stringify(Object.fromEntries(refusals))}`);
    const report = [...crashes].map(([k, input]) => `${k}\n    e.g. ${input}`);
    if (report.length) console.log(`fuzz: api door: ${report.length} distinct non-Status errors:\n${report.join('\n')}`);
    expect(report).toEqual([]);
    expect(partial).toEqual([]);
    expect(refusals.size).toBeGreaterThan(2);
  });

  it('a hostile deep patch (20,000 levels) is a 400 BadRequest, not a crash, and changes nothing', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    for (const type of ['merge', 'strategic', 'apply', 'json'] as PatchType[]) {
      const before = dump();
      const patch = type === 'json' ? [{ op: 'add', path: '/data/x', value: deep }] : { data: deep };
      const err = await api.patch('ConfigMap', 'default', 'web', type, patch).catch((e: unknown) => e);
      if (err === undefined || !isStatusError(err)) {
        // accepted: then it must have been validated like any write (a ConfigMap's data holds strings only)
        throw new Error(`deep ${type} patch was not refused with a Status: ${describeCrash(err)}`);
      }
      expect(err.code).toBeGreaterThanOrEqual(400);
      expect(dump()).toBe(before);
    }
  });
});
