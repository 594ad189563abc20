// Patches from the outside world (kubectl, the HTTP API, the UI): strategic
// merge, JSON patch and merge patch over random documents either produce a
// result or throw a deliberate Error with a message — never a TypeError or a
// stack overflow — and the patch itself is never modified. Where the formats
// promise algebraic laws (RFC 7386 idempotence, diff-then-apply), those hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, createMergePatch, createTwoWayMergePatch, mergePatch, strategicMergePatch, type PatchType } from '../../src/api/patch/index.js';
import { CaseCounter, describeCrash, isCrash } from './helpers.js';

const KINDS = ['Deployment', 'Pod', 'Service', 'ConfigMap', 'StatefulSet', 'DaemonSet', 'Job', 'NoSuchKind'];

/** Values shaped like Kubernetes objects, so the strategic-merge schema (merge keys, directives) is exercised. */
const container = fc.record(
  {
    name: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.jsonValue()),
    image: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue()),
    ports: fc.array(fc.record({ containerPort: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.jsonValue()), protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: [] }), { maxLength: 3 }),
    env: fc.array(fc.record({ name: fc.constantFrom('X', 'Y'), value: fc.string({ maxLength: 4 }) }, { requiredKeys: [] }), { maxLength: 3 }),
    $patch: fc.constantFrom('delete', 'replace', 'merge', 'bogus'),
  },
  { requiredKeys: [] },
);
const directiveKeys = fc.record(
  {
    '$setElementOrder/containers': fc.oneof(fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c') })), fc.jsonValue()),
    $retainKeys: fc.oneof(fc.array(fc.constantFrom('containers', 'volumes', 'x')), fc.jsonValue()),
    '$deleteFromPrimitiveList/finalizers': fc.oneof(fc.array(fc.string({ maxLength: 3 })), fc.jsonValue()),
    $patch: fc.constantFrom('delete', 'replace', 'merge', 'bogus'),
  },
  { requiredKeys: [] },
);
const objectLike = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1'),
    kind: fc.constantFrom(...KINDS),
    metadata: fc.oneof(fc.record({ name: fc.string({ maxLength: 5 }), labels: fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null))), finalizers: fc.array(fc.string({ maxLength: 3 })) }, { requiredKeys: [] }), fc.jsonValue()),
    spec: fc.oneof(
      fc.record(
        {
          replicas: fc.jsonValue(),
          containers: fc.oneof(fc.array(container, { maxLength: 4 }), fc.jsonValue()),
          template: fc.record({ spec: fc.record({ containers: fc.array(container, { maxLength: 3 }), volumes: fc.array(fc.jsonValue(), { maxLength: 2 }) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
          ports: fc.array(fc.record({ port: fc.integer({ min: 1, max: 3 }), protocol: fc.constantFrom('TCP', 'UDP'), name: fc.string({ maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ).chain((s) => directiveKeys.map((d) => ({ ...s, ...d }))),
      fc.jsonValue(),
    ),
    data: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const doc = fc.oneof({ weight: 3, arbitrary: objectLike }, { weight: 1, arbitrary: fc.jsonValue() });

const op = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.string({ maxLength: 4 })),
    path: fc.oneof(fc.constantFrom('', '/', '/spec', '/spec/replicas', '/spec/containers/0', '/spec/containers/-', '/metadata/labels/a~1b', '/x/~2', '/spec/containers/01', '/spec/containers/99999999999'), fc.string({ maxLength: 12 }), fc.jsonValue()),
    from: fc.oneof(fc.constantFrom('/spec', '/metadata', '/spec/containers/0', ''), fc.string({ maxLength: 8 })),
    value: fc.jsonValue(),
  },
  { requiredKeys: ['op'] },
);

function freezeDeep<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) freezeDeep(x);
  }
  return v;
}

/** Runs a patch; a thrown value must be a deliberate Error with a message. */
function tryPatch(c: CaseCounter, fn: () => unknown): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: c.time(fn) };
  } catch (e) {
    if (isCrash(e)) throw new Error(`crash: ${describeCrash(e)}`);
    expect((e as Error).message.length).toBeGreaterThan(0);
    return { ok: false };
  }
}

describe('patches over random documents', () => {
  it('strategic merge patch: a result or a clear Error, and the patch is not modified', () => {
    const c = new CaseCounter('strategic merge patch');
    fc.assert(
      fc.property(doc, doc, fc.constantFrom(...KINDS), (target, patch, kind) => {
        const frozen = freezeDeep(structuredClone(patch));
        tryPatch(c, () => strategicMergePatch(structuredClone(target), frozen, kind));
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
  });

  it('JSON patch (RFC 6902): random operation lists, including bad pointers and ops', () => {
    const c = new CaseCounter('json patch');
    fc.assert(
      fc.property(doc, fc.oneof(fc.array(op, { maxLength: 6 }), fc.jsonValue()), (target, ops) => {
        const frozen = freezeDeep(structuredClone(ops));
        tryPatch(c, () => applyPatch(structuredClone(target), 'json', frozen, 'Deployment'));
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
  });

  it('merge patch (RFC 7386): never crashes, and applying the same patch twice changes nothing more', () => {
    const c = new CaseCounter('merge patch');
    fc.assert(
      fc.property(doc, doc, (target, patch) => {
        const once = tryPatch(c, () => mergePatch(structuredClone(target), freezeDeep(structuredClone(patch))));
        if (once.ok) expect(mergePatch(structuredClone(once.value), patch)).toEqual(once.value);
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
  });

  it('patch bodies as text (what the HTTP API receives): malformed JSON/YAML is a clear Error for every type', () => {
    const c = new CaseCounter('patch bodies as text');
    const types: PatchType[] = ['merge', 'json', 'strategic', 'apply'];
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 100 })), fc.constantFrom(...types), doc, (body, type, target) => {
        tryPatch(c, () => applyPatch(structuredClone(target), type, body, 'Deployment'));
      }),
      { numRuns: 2000 },
    );
    expect(c.report()).toBe(2000);
  });

  it('laws: applying createMergePatch(a, b) to a gives b; a two-way strategic diff applied to its original gives the modified', () => {
    const c = new CaseCounter('patch diff round trips');
    // JSON objects without nulls (a null in the target cannot be expressed by a merge patch: it means delete)
    // (and through JSON, as on the wire: JSON has no -0)
    const noNull = fc
      .dictionary(fc.string({ maxLength: 4 }), fc.jsonValue().filter((v) => !JSON.stringify(v).includes('null')), { maxKeys: 5 })
      .map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>);
    fc.assert(
      fc.property(noNull, noNull, (a, b) => {
        c.time(() => {
          expect(mergePatch(structuredClone(a), createMergePatch(a, b))).toEqual(b);
          // ConfigMap has no strategic schema beyond metadata: maps merge, lists replace
          const sa = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: a };
          const sb = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: b };
          expect(strategicMergePatch(structuredClone(sa), createTwoWayMergePatch(sa, sb, 'ConfigMap'), 'ConfigMap')).toEqual(sb);
        });
      }),
      { numRuns: 1000 },
    );
    expect(c.report()).toBe(1000);
  });

  it('deeply nested patches (1,000 levels, far beyond any real object) are applied or refused, not a stack overflow', () => {
    // Deeper still (≈3,000 levels for strategic merge) the recursive merge runs out of stack; the Api door turns
    // that into a 400 BadRequest (see api-door.test.ts), so a hostile request is refused rather than crashing.
    const c = new CaseCounter('deep patches');
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    for (const type of ['merge', 'strategic', 'apply'] as PatchType[]) {
      tryPatch(c, () => applyPatch({ kind: 'ConfigMap' }, type, deep, 'ConfigMap'));
      tryPatch(c, () => applyPatch(structuredClone(deep), type, { a: { a: null } }, 'ConfigMap'));
    }
    tryPatch(c, () => applyPatch(structuredClone(deep), 'json', [{ op: 'add', path: '/a/a/a/b', value: deep }], 'ConfigMap'));
    expect(c.report()).toBe(7);
  });
});
