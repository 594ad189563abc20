// A state file kubeterm cannot use must never be overwritten: a corrupt file, a
// file from a future schema, a state folder that cannot be written (a
// read-only mount) — each makes a real `kubeterm --headless` exit 1 with one
// clear line, and the state file and its backup stay byte for byte as they
// were. A full disk (a 1 MiB tmpfs) makes writes fail with a clear error while
// the state file and its journal stay whole and hold everything acknowledged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, readStateOnDisk } from '../../state/index.js';
import { runKubeterm, startKubeterm } from './kubeterm-process.js';

const root = mkdtempSync(join(tmpdir(), 'kubeterm-statefaults-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already gone */
    }
  }
  rmSync(root, { recursive: true, force: true });
});

/** A state file with a ConfigMap, opened twice so that `<file>.bak` exists too. */
async function goodState(dir: string): Promise<string> {
  const file = join(dir, 'state.json');
  const a = await openStore({ file });
  await a.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  await a.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'default' }, data: { k: 'v' } });
  await a.close();
  await (await openStore({ file })).close();
  expect(existsSync(`${file}.bak`)).toBe(true);
  return file;
}

function bytes(file: string): Buffer {
  return readFileSync(file);
}

/** Mounts a tmpfs (root only); undefined, with the reason printed, where this machine does not allow it. */
function tmpfs(dir: string, size: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    mounts.push(dir);
    return dir;
  } catch (e) {
    const why = String((e as Error).message).split('\n')[0];
    // CI runs as root and can mount: there the fault cases must run, not skip.
    if (process.env.CI) throw new Error(`cannot mount a tmpfs in CI: ${why}`);
    console.log(`faults: skipping: cannot mount a tmpfs here (${why})`);
    return undefined;
  }
}

async function refusesToStart(file: string, expected: RegExp): Promise<string> {
  const before = bytes(file);
  const backup = bytes(`${file}.bak`);
  const folder = join(root, 'empty-folder');
  mkdirSync(folder, { recursive: true });
  const r = await runKubeterm([folder, '--headless', '--runtime', 'sim', '--state', file]);
  expect(r.code, `stdout: ${r.out.join('\n')}\nstderr: ${r.err.join('\n')}`).toBe(1);
  const line = r.err.find((l) => l.startsWith('kubeterm: ')) ?? '';
  expect(line).toMatch(expected);
  expect(line).toContain(file);
  expect(bytes(file).equals(before), 'the state file was changed').toBe(true);
  expect(bytes(`${file}.bak`).equals(backup), 'the backup was changed').toBe(true);
  expect(existsSync(`${file}.lock`), 'the lock was left behind').toBe(false);
  return line;
}

describe('state files kubeterm cannot use', () => {
  it('a corrupt state file: exit 1, names the file and the backup, touches neither', async () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir);
    const file = await goodState(dir);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, Math.floor(good.length / 2))); // a torn file, as a non-atomic writer would leave
    const line = await refusesToStart(file, /state file .* is corrupt \(invalid JSON/);
    expect(line).toContain(`${file}.bak`);
    console.log(`faults: corrupt state file → ${line}`);
  });

  it('a state file from a future schema: exit 1, says to upgrade, touches nothing', async () => {
    const dir = join(root, 'future');
    mkdirSync(dir);
    const file = await goodState(dir);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.schemaVersion = 99;
    writeFileSync(file, JSON.stringify(doc));
    const line = await refusesToStart(file, /has schema version 99, written by a newer kubeterm/);
    console.log(`faults: future schema → ${line}`);
  });

  it('an unwritable state folder (a read-only mount): exit 1 with the reason, nothing changed', async (ctx) => {
    const dir = tmpfs(join(root, 'ro'), '4m');
    if (!dir) return ctx.skip();
    const file = await goodState(dir);
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const line = await refusesToStart(file, /read-only file system|EROFS/i);
    console.log(`faults: read-only state folder → ${line}`);
  });

  it('a full disk (1 MiB tmpfs): writes fail with a clear error, the state file stays whole, nothing acknowledged is lost', async (ctx) => {
    const dir = tmpfs(join(root, 'full'), '1m');
    if (!dir) return ctx.skip();
    const file = join(dir, 'state.json');
    const folder = join(root, 'full-folder');
    mkdirSync(folder, { recursive: true });
    // First a few small ConfigMaps that fit; then, while it runs, 24 of 60 KB: the journal (each line appended
    // and fsynced; a failed append is cut off again) cannot fit them.
    for (let i = 0; i < 4; i++) writeFileSync(join(folder, `small-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small-${i}\ndata:\n  k: v\n`);
    const k = startKubeterm([folder, '--headless', '--runtime', 'sim', '--state', file]);
    try {
      await k.waitFor(/^SYNC .*: 4 applied/, 60_000);
      const blob = 'x'.repeat(60 * 1024);
      for (let i = 0; i < 24; i++) writeFileSync(join(folder, `big-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-${i}\ndata:\n  blob: ${blob}\n`);
      const line = await k.waitFor(/^SYNC .* [1-9]\d* failed/, 60_000);
      // stderr is its own pipe: its lines may arrive a little after the SYNC line on stdout.
      const enospc = () => k.err.filter((l) => /ENOSPC|no space left/i.test(l));
      for (let waited = 0; enospc().length === 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      const errors = enospc();
      expect(errors.length, `${line}\nstderr:\n${k.err.join('\n')}`).toBeGreaterThan(0);
      expect(errors.some((l) => l.includes(file))).toBe(true);
      console.log(`faults: disk full → ${line}; ${errors[0].slice(0, 240)}`);
    } finally {
      await k.kill9();
    }
    // The files on disk parse (snapshot replaced atomically, journal cut back after a failed append) and hold
    // every object kubeterm said it created.
    const doc = readStateOnDisk(file);
    const stored = new Set(doc.objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
    const acknowledged = k.out.map((l) => /^configmap\/(\S+) created$/.exec(l)?.[1]).filter((n): n is string => !!n);
    expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
    for (let i = 0; i < 4; i++) expect(stored.has(`small-${i}`)).toBe(true);
    expect(acknowledged.length).toBeLessThan(28);
    console.log(`faults: disk full: ${acknowledged.length} of 28 acknowledged before the disk filled, all in the state file`);
  }, 120_000);
});
