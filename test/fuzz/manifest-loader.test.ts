// Hostile manifest files: whatever bytes land in the watched folder, the
// loader returns (never throws, never hangs) and every problem comes back as an
// error naming the file. Random YAML, random mutations of valid manifests,
// binary garbage, deep nesting, huge scalars, alias bombs, a 10 MB file.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifestFile, MAX_ALIAS_COUNT, type LoadResult } from '../../src/gitops/loader.js';
import { CaseCounter, describeCrash } from './helpers.js';

const FILE = 'apps/fuzz.yaml';
/** Bound per file: generous for a 2-core machine shared with other jobs, far below a hang. */
const PER_FILE_MS = 5_000;

function load(c: CaseCounter, text: string): LoadResult {
  let r: LoadResult | undefined;
  try {
    r = c.time(() => loadManifestFile(FILE, text));
  } catch (e) {
    throw new Error(`loadManifestFile threw instead of reporting: ${describeCrash(e)}`);
  }
  expect(Array.isArray(r.objects)).toBe(true);
  expect(Array.isArray(r.errors)).toBe(true);
  for (const e of r.errors) {
    expect(e.file).toBe(FILE);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
  for (const o of r.objects) {
    expect(typeof o.obj.kind).toBe('string');
    expect(typeof o.obj.metadata.name).toBe('string');
  }
  return r;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};
const VALID = stringify(deployment);

describe('manifest loader under hostile input', () => {
  it('random text and random YAML never throw; errors name the file', () => {
    const c = new CaseCounter('manifest loader: random text');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.jsonValue().map((v) => stringify(v))), (text) => {
        load(c, text);
      }),
      { numRuns: 2000 },
    );
    expect(c.report()).toBe(2000);
    expect(c.maxMs).toBeLessThan(PER_FILE_MS);
  });

  it('random objects with apiVersion/kind/metadata in random shapes are accepted or refused per object, never crash', () => {
    const c = new CaseCounter('manifest loader: random objects');
    const shape = fc.record(
      {
        apiVersion: fc.oneof(fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'bogus/v9'), fc.jsonValue()),
        kind: fc.oneof(fc.constantFrom('Deployment', 'ConfigMap', 'Secret', 'List', 'DeploymentList', 'Nope'), fc.jsonValue()),
        metadata: fc.oneof(fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), labels: fc.jsonValue(), annotations: fc.jsonValue(), namespace: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue()),
        spec: fc.oneof(fc.record({ replicas: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue()),
        items: fc.array(fc.jsonValue(), { maxLength: 4 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 4 }), (docs) => {
        const r = load(c, docs.map((d) => stringify(d)).join('---\n'));
        // the loader checks shape before accepting: every accepted object has a known kind and a name
        for (const o of r.objects) expect(o.obj.metadata.name?.length).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
    expect(c.report()).toBe(1500);
  });

  it('mutations of a valid manifest (cut, inserted and replaced characters) never throw', () => {
    const c = new CaseCounter('manifest loader: mutated manifests');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(VALID.length), fc.nat(8), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 6 }), (edits) => {
        let text = VALID;
        for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
        load(c, text);
      }),
      { numRuns: 2000 },
    );
    expect(c.report()).toBe(2000);
  });

  it('binary garbage (random bytes decoded as UTF-8, as the sync reads files) is an error naming the file', () => {
    const c = new CaseCounter('manifest loader: binary garbage');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (bytes) => {
        load(c, Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: 1000 },
    );
    expect(c.report()).toBe(1000);
    // a real binary: a PNG header with NULs
    const r = load(c, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]).toString('utf8'));
    expect(r.objects).toEqual([]);
    expect(r.errors.length).toBeGreaterThan(0);
  });

  it('deep nesting (flow and block, up to 20,000 levels) is refused or parsed, bounded in time', () => {
    const c = new CaseCounter('manifest loader: deep nesting');
    for (const depth of [100, 1_000, 5_000, 20_000]) {
      const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
      const flowMaps = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
      const block = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n${Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}1\n`;
      const unclosed = '['.repeat(depth);
      for (const text of [flow, flowMaps, block, unclosed]) load(c, text);
    }
    c.report();
    expect(c.maxMs).toBeLessThan(PER_FILE_MS);
  });

  it('a billion-laughs alias bomb is refused with an error naming the file and the alias limit', () => {
    const c = new CaseCounter('manifest loader: alias bombs');
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'bcdefghij'.split('');
    let prev = 'a';
    for (const n of names) {
      lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
      prev = n;
    }
    const r = load(c, lines.join('\n') + '\n');
    expect(r.objects).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/alias/i);
    // a few honest aliases still work
    const ok = load(c, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, labels: &l {app: a}}\ndata: {x: "1"}\nextra: *l\n');
    expect(ok.errors).toEqual([]);
    // an alias to an undefined anchor, and a self-referencing anchor
    load(c, 'a: *nowhere\n');
    load(c, 'a: &x [*x]\n');
    // the limit itself: MAX_ALIAS_COUNT+1 aliases of a small node are refused (a flat bomb)
    const flat = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flat}\nbase: &b {k: v}\nlist: [${Array(MAX_ALIAS_COUNT * 50).fill('*b').join(',')}]\n`;
    load(c, flat);
    c.report();
    expect(c.maxMs).toBeLessThan(PER_FILE_MS);
  });

  it('huge scalars (1 MB strings) load; a 10 MB file is refused by size without parsing', () => {
    const c = new CaseCounter('manifest loader: huge files');
    const big = 'x'.repeat(1024 * 1024);
    const r = load(c, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ${big}\n`);
    expect(r.errors).toEqual([]);
    expect((r.objects[0].obj.data as Record<string, string>).blob.length).toBe(big.length);
    const longKey = load(c, `${'k'.repeat(2 * 1024 * 1024)}: v\n`);
    expect(longKey.objects).toEqual([]);
    const tenMb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  blob: ${'y'.repeat(10 * 1024 * 1024)}\n`;
    const huge = load(c, tenMb);
    expect(huge.objects).toEqual([]);
    expect(huge.errors).toEqual([{ file: FILE, message: expect.stringMatching(/larger than 5 MiB; refusing to parse it/) }]);
    c.report();
    expect(c.maxMs).toBeLessThan(PER_FILE_MS);
  });
});
