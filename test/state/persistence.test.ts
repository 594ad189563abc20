import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { defaultStatePath, openStore, SCHEMA_VERSION, StateFileError } from '../../state/index.js';
import { edit, pod } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('durable state file', () => {
  it('round-trips objects and the resourceVersion counter through the file', async () => {
    const file = join(dir, 'nested', 'state.json');
    const a = await openStore({ file });
    const p = await a.store.create(pod('a'));
    const p2 = edit(p);
    p2.spec.containers[0].image = 'nginx:2';
    await a.store.update(p2);
    await a.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await a.store.create(pod('b'));
    await a.store.delete('Pod', 'default', 'b');
    const before = a.store.list('Pod').items[0];
    await a.close();

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ schemaVersion: SCHEMA_VERSION, resourceVersion: '5' });
    expect(doc.objects).toHaveLength(2);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // A clean close folds the journal into the snapshot: one whole file is left.
    expect(existsSync(`${file}.journal`)).toBe(false);

    const b = await openStore({ file });
    try {
      const again = b.store.get('Pod', 'default', 'a')!;
      expect(again).toEqual(before);
      expect(Object.isFrozen(again)).toBe(true);
      expect(b.store.get('Node', '', 'n1')).toBeDefined();
      expect(b.store.get('Pod', 'default', 'b')).toBeUndefined();
      expect(b.store.resourceVersion()).toBe('5');
      const c = await b.store.create(pod('c'));
      expect(c.metadata.resourceVersion).toBe('6');
      // History before the restart cannot be replayed: 410, so watchers relist.
      expect(() => b.store.watch('Pod', { resourceVersion: '4' }, () => {})).toThrow('too old resource version');
    } finally {
      await b.close();
    }
  });

  it('a missing file starts empty; nothing is written until something changes', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    expect(s.store.list('Pod').items).toEqual([]);
    expect(s.store.resourceVersion()).toBe('0');
    await s.close();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a backup of the last good file, taken when it loads', async () => {
    const file = join(dir, 'state.json');
    const a = await openStore({ file });
    await a.store.create(pod('a'));
    await a.close();
    const good = readFileSync(file, 'utf8');
    const b = await openStore({ file });
    await b.store.create(pod('b'));
    await b.close();
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(good);
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt file with an error naming it and its backup, and leaves it untouched', async () => {
    const file = join(dir, 'state.json');
    const a = await openStore({ file });
    await a.store.create(pod('a'));
    await a.close();
    await (await openStore({ file })).close(); // loading it makes the .bak
    const garbage = '{"schemaVersion":1,"resourceVersion":"3","objects":[{"kind":"Pod",';
    writeFileSync(file, garbage);
    const err = await openStore({ file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateFileError);
    const msg = (err as Error).message;
    expect(msg).toContain(`state file ${file} is corrupt`);
    expect(msg).toContain('invalid JSON');
    expect(msg).toContain(`backup of the last good state is at ${file}.bak`);
    expect(readFileSync(file, 'utf8')).toBe(garbage);
    expect(existsSync(`${file}.lock`)).toBe(false); // the lock is released on failure
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).objects).toHaveLength(1);
  });

  it('refuses an empty file and a file of the wrong shape, saying when no backup exists', async () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '');
    await expect(openStore({ file })).rejects.toThrow(/is corrupt \(the file is empty\).*No backup exists at .*state\.json\.bak/);
    writeFileSync(file, '{"schemaVersion":1,"resourceVersion":"1","objects":[{"metadata":{}}]}');
    await expect(openStore({ file })).rejects.toThrow('objects[0] is not a Kubernetes object');
    writeFileSync(file, '[1,2]');
    await expect(openStore({ file })).rejects.toThrow('not a JSON object');
  });

  it('refuses a file from a newer kubeterm, naming both schema versions', async () => {
    const file = join(dir, 'state.json');
    const future = JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1, resourceVersion: '1', objects: [] });
    writeFileSync(file, future);
    const err = await openStore({ file }).catch((e: unknown) => e);
    expect((err as StateFileError).kind).toBe('newer-schema');
    expect((err as Error).message).toBe(
      `state file ${file} has schema version ${SCHEMA_VERSION + 1}, written by a newer kubeterm; this kubeterm supports schema version ${SCHEMA_VERSION}. Upgrade kubeterm, or use --state to choose another file.`,
    );
    expect(readFileSync(file, 'utf8')).toBe(future);
  });

  it('reports a write failure to the writers instead of acknowledging, and recovers', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    // A directory where the journal should be: opening it for append fails, even for root.
    mkdirSync(join(`${file}.journal`, 'blocker'), { recursive: true });
    try {
      await expect(s.store.create(pod('a'))).rejects.toThrow(`could not write state file ${file}`);
      expect(s.persistence.stats().commits).toBe(0);
    } finally {
      rmSync(`${file}.journal`, { recursive: true });
    }
    // The change stayed in memory and rides along with the next write.
    await s.store.create(pod('b'));
    await s.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).objects.map((o: KubeObject) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('passes objects through the codec hook on the way to and from disk', async () => {
    const file = join(dir, 'state.json');
    const codec = {
      encode: (o: KubeObject) => (o.kind === 'Secret' ? { sealed: Buffer.from(JSON.stringify(o)).toString('base64') } : o),
      decode: (raw: unknown) =>
        (raw as { sealed?: string }).sealed ? (JSON.parse(Buffer.from((raw as { sealed: string }).sealed, 'base64').toString()) as KubeObject) : (raw as KubeObject),
    };
    const a = await openStore({ file, codec });
    await a.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: 'aHVudGVyMg==' } });
    await a.close();
    expect(readFileSync(file, 'utf8')).not.toContain('aHVudGVyMg==');
    const b = await openStore({ file, codec });
    expect(b.store.get('Secret', 'default', 's')?.data).toEqual({ password: 'aHVudGVyMg==' });
    await b.close();
  });

  it('defaultStatePath follows XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultStatePath({ XDG_STATE_HOME: '/x/state' }, '/home/u')).toBe('/x/state/kubeterm/state.json');
    expect(defaultStatePath({}, '/home/u')).toBe('/home/u/.local/state/kubeterm/state.json');
    expect(defaultStatePath({ XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/kubeterm/state.json');
  });
});
