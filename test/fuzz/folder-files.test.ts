// Hostile files on disk, through the real folder sync (src/gitops, tested from
// outside): a binary file, a 10 MB file, an alias bomb, deep nesting, a file
// that is not UTF-8, an empty file and random garbage sit next to good
// manifests. The sync finishes in bounded time, applies every good manifest,
// reports each bad file by name, and applies nothing from the bad ones.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderSync } from '../../src/gitops/sync.js';
import { cm, newCluster } from '../gitops/helpers.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function bomb(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let prev = 'a';
  for (const n of 'bcdefghi') {
    lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    prev = n;
  }
  return lines.join('\n') + '\n';
}

describe('hostile files in the watched folder', () => {
  it('bad files are reported by name; good ones apply; nothing from a bad file is applied', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kubeterm-hostile-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const bad: Record<string, string | Buffer> = {
      'binary.yaml': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff, 0xfe]), randomBytes(4096)]),
      'huge.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  blob: ${'y'.repeat(10 * 1024 * 1024)}\n`,
      'bomb.yaml': bomb(),
      'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      'latin1.yaml': Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'),
      'notobject.json': '[1, 2, 3]',
      'truncated.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "trunc"',
    };
    // plus random garbage files (printable and not), generated
    const garbage = fc.sample(fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 300 })), { numRuns: 40, seed: 42 });
    garbage.forEach((g, i) => (bad[`garbage-${i}.yaml`] = g));
    for (const [name, content] of Object.entries(bad)) await writeFile(join(folder, name), content);
    await writeFile(join(folder, 'good-1.yaml'), cm('good-1'));
    await writeFile(join(folder, 'good-2.yaml'), cm('good-2'));
    await writeFile(join(folder, 'empty.yaml'), '');

    const { api, client } = newCluster();
    const sync = new FolderSync({ client, folder, watch: false, stabilityMs: 20, syncName: 'hostile' });
    cleanups.push(() => sync.stop());
    const t0 = performance.now();
    await sync.start();
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(20_000);

    expect(api.get('ConfigMap', 'default', 'good-1')).toBeDefined();
    expect(api.get('ConfigMap', 'default', 'good-2')).toBeDefined();
    for (const name of ['huge', 'bomb', 'deep', 'trunc']) expect(api.get('ConfigMap', 'default', name), name).toBeUndefined();
    // Under load a file can still be settling (stabilityMs) when start() returns; its error follows at once.
    const expectedBad = ['binary.yaml', 'huge.yaml', 'bomb.yaml', 'notobject.json', 'truncated.json'];
    await until('every hostile file reported', () => expectedBad.every((f) => sync.status().errors.some((e) => e.file === f)), 10_000).catch(() => undefined);
    const st = sync.status();
    const named = new Set(st.errors.map((e) => e.file));
    for (const f of expectedBad) expect(named.has(f), `${f} reported`).toBe(true);
    for (const e of st.errors) {
      expect(e.message.length).toBeGreaterThan(0);
      expect(Object.keys(bad)).toContain(e.file);
    }
    expect(st.errors.find((e) => e.file === 'huge.yaml')!.message).toMatch(/larger than 5 MiB/);
    console.log(`fuzz: folder sync: ${Object.keys(bad).length + 3} files (${garbage.length} random), ${named.size} reported by name, 2 good applied, in ${Math.round(ms)} ms`);
  }, 60_000);
});
