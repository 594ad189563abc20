// The journal beside the state file: every acknowledged change is a line in it
// until compaction folds it into the snapshot. After a crash (simulated by
// copying the state folder while the store is open, see journal-helpers.ts)
// the next start replays it; a torn last line is dropped with a warning;
// damage before the last line stops the start with an error naming the
// journal and the line, and nothing is touched.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { openStore, readStateOnDisk, SCHEMA_VERSION, StateFileError } from '../../state/index.js';
import { AESGCM_PREFIX } from '../../state/encryption.js';
import { crashImage, journalLines } from './journal-helpers.js';
import { edit, pod } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const image = (o: KubeObject | undefined) => (o?.spec as { containers: { image: string }[] } | undefined)?.containers[0].image;

/** A live store in `<dir>/live` with some acknowledged history, left open. */
async function liveStore() {
  const file = join(dir, 'live', 'state.json');
  const s = await openStore({ file });
  await s.store.create(pod('a'));
  const b = await s.store.create(pod('b'));
  const a2 = edit(s.store.get('Pod', 'default', 'a')!);
  a2.spec.containers[0].image = 'nginx:2';
  await s.store.update(a2);
  await s.store.delete('Pod', 'default', b.metadata.name!);
  await s.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  return { s, file };
}

/** Copies the live folder as kill -9 would leave it; returns the copy's state file. */
function crash(name: string): string {
  crashImage(join(dir, 'live'), join(dir, name));
  return join(dir, name, 'state.json');
}

describe('state journal', () => {
  it('holds every acknowledged change (mode 0600) and is replayed after a crash, then continued as it is; the backup is the pair that loaded', async () => {
    const { s, file } = await liveStore();
    try {
      // Nothing compacted yet: the journal alone holds the state; there is no snapshot.
      expect(existsSync(file)).toBe(false);
      expect(statSync(`${file}.journal`).mode & 0o777).toBe(0o600);
      const lines = journalLines(file);
      expect(JSON.parse(lines[0])).toEqual({ kubetermJournal: 1, base: '0' });
      expect(lines.slice(1).map((l) => JSON.parse(l).records.map((r: { op: string; name: string; rv: string }) => `${r.op} ${r.name} @${r.rv}`))).toEqual([
        ['put a @1'],
        ['put b @2'],
        ['put a @3'],
        ['delete b @4'],
        ['put n1 @5'],
      ]);

      const img = crash('img');
      const warnings: string[] = [];
      const r = await openStore({ file: img, warn: (m) => warnings.push(m) });
      try {
        expect(warnings).toEqual([]);
        expect(r.persistence.loaded).toEqual({ schemaVersion: undefined, journal: true, replayed: 5, droppedTail: false });
        const atLoad = readFileSync(`${img}.journal`, 'utf8');
        expect(image(r.store.get('Pod', 'default', 'a'))).toBe('nginx:2');
        expect(r.store.get('Pod', 'default', 'b')).toBeUndefined();
        expect(r.store.get('Node', '', 'n1')?.metadata.uid).toBe(s.store.get('Node', '', 'n1')?.metadata.uid);
        expect(r.store.resourceVersion()).toBe('5');
        expect((await r.store.create(pod('c'))).metadata.resourceVersion).toBe('6');
        // Nothing was rewritten at the start: the journal is continued (base 0, pod c appended after
        // the five replayed lines) and no snapshot exists yet.
        expect(existsSync(img)).toBe(false);
        expect(journalLines(img)).toHaveLength(7);
        expect(JSON.parse(journalLines(img)[0]).base).toBe('0');
        expect(readFileSync(`${img}.journal`, 'utf8').startsWith(atLoad)).toBe(true);
        // The backup is the journal exactly as it loaded (there was no snapshot to copy), and opens to that state.
        expect(existsSync(`${img}.bak`)).toBe(false);
        expect(readFileSync(`${img}.bak.journal`, 'utf8')).toBe(atLoad);
        expect(statSync(`${img}.bak.journal`).mode & 0o777).toBe(0o600);
        const bak = readStateOnDisk(`${img}.bak`);
        expect(bak.resourceVersion).toBe('5');
        expect(bak.objects.map((o) => o.metadata.name).sort()).toEqual(['a', 'n1']);
      } finally {
        await r.close();
      }
    } finally {
      await s.close();
    }
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).objects.map((o: KubeObject) => o.metadata.name).sort()).toEqual(['a', 'n1']);
  });

  it('drops a torn or garbled last line with a warning; the acknowledged lines before it are kept', async () => {
    const { s } = await liveStore();
    try {
      const img = crash('torn');
      const whole = readFileSync(`${img}.journal`, 'utf8');
      const cut = () => whole.slice(0, whole.length - 1 - Math.floor(journalLines(img).at(-1)!.length / 2)); // n1's line cut in half
      const cases: [string, string, RegExp][] = [
        ['cut', cut(), /dropped its last line \(line 6, \d+ bytes: the line is incomplete: an append cut short\)/],
        ['garbled', whole.slice(0, whole.length - journalLines(img).at(-1)!.length - 1) + '{"rv":"5","rec\u0000\u0000\n', /line 6, \d+ bytes: invalid JSON/],
      ];
      for (const [name, text, warning] of cases) {
        const copy = join(dir, name, 'state.json');
        crashImage(join(dir, 'torn'), join(dir, name));
        writeFileSync(`${copy}.journal`, text);
        const warnings: string[] = [];
        const r = await openStore({ file: copy, warn: (m) => warnings.push(m) });
        try {
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toMatch(warning);
          expect(warnings[0]).toContain(`${copy}.journal`);
          expect(image(r.store.get('Pod', 'default', 'a'))).toBe('nginx:2');
          expect(r.store.get('Node', '', 'n1')).toBeUndefined(); // its line was the torn one
          expect(r.store.resourceVersion()).toBe('4');
          // The torn bytes are cut off before anything new is appended; the whole lines stay.
          expect(readFileSync(`${copy}.journal`, 'utf8')).toBe(whole.slice(0, whole.length - journalLines(img).at(-1)!.length - 1));
          expect(r.persistence.loaded?.droppedTail).toBe(true);
          await r.store.create(pod('d'));
          expect(readStateOnDisk(copy).droppedLastLine).toBe(false);
        } finally {
          await r.close();
        }
        expect(readStateOnDisk(copy).objects.map((o) => o.metadata.name).sort()).toEqual(['a', 'd']);
      }
      // A journal whose only line (the header) was torn at creation: nothing to replay, an empty start.
      const first = join(dir, 'first', 'state.json');
      mkdirSync(join(dir, 'first'));
      writeFileSync(`${first}.journal`, '{"kubetermJour');
      const warnings: string[] = [];
      const r = await openStore({ file: first, warn: (m) => warnings.push(m) });
      expect(r.store.list('Pod').items).toEqual([]);
      expect(warnings[0]).toMatch(/dropped its last line \(line 1/);
      await r.close();
    } finally {
      await s.close();
    }
  });

  it('refuses damage before the last line, naming the journal and the line, and touches nothing', async () => {
    const { s } = await liveStore();
    try {
      const img = crash('mid');
      const lines = journalLines(img);
      const damaged: [string[], RegExp][] = [
        [[...lines.slice(0, 3), 'not json at all', ...lines.slice(3)], /is corrupt at line 4 of 7 \(invalid JSON/],
        [[...lines.slice(0, 3), '{"rv":"x","records":[]}', ...lines.slice(3)], /is corrupt at line 4 of 7 \(missing or invalid rv\)/],
        [[...lines.slice(0, 4), lines[2], ...lines.slice(4)], /is corrupt at line 5 of 7 \(resourceVersion 2 does not follow 3\)/],
        [['{"some":"thing"}', ...lines.slice(1)], /is corrupt at line 1 of 6 \(the first line is not a journal header\)/],
      ];
      for (const [text, why] of damaged) {
        const body = text.join('\n') + '\n';
        writeFileSync(`${img}.journal`, body);
        const err = await openStore({ file: img }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StateFileError);
        expect((err as Error).message).toMatch(why);
        expect((err as Error).message).toContain(`state journal ${img}.journal is corrupt`);
        expect((err as StateFileError).file).toBe(`${img}.journal`);
        expect(readFileSync(`${img}.journal`, 'utf8')).toBe(body);
        expect(existsSync(img)).toBe(false);
        expect(existsSync(`${img}.lock`)).toBe(false);
      }
    } finally {
      await s.close();
    }
  });

  it('refuses a journal that does not continue the snapshot beside it (an older state file put back)', async () => {
    const file = join(dir, 'live', 'state.json');
    const a = await openStore({ file });
    await a.store.create(pod('a'));
    await a.close(); // snapshot at rv 1, no journal
    const old = readFileSync(file, 'utf8');
    const b = await openStore({ file });
    await b.store.create(pod('b'));
    await b.close();
    const c = await openStore({ file });
    await c.store.create(pod('c')); // journal continues the snapshot at rv 2
    const img = crash('gap');
    await c.close();
    writeFileSync(img, old); // rv 1: pod b is in neither file
    const err = await openStore({ file: img }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect((err as Error).message).toContain(`state journal ${img}.journal continues the state at resourceVersion 2, but ${img} is at resourceVersion 1`);
    expect(readFileSync(img, 'utf8')).toBe(old);
  });

  it('encrypts Secrets in the journal exactly as in the snapshot: no plaintext value in either file', async () => {
    const PLAIN = 'hunter2-journal-secret';
    const b64 = Buffer.from(PLAIN).toString('base64');
    const file = join(dir, 'live', 'state.json');
    const s = await openStore({ file });
    try {
      await s.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: b64 } });
      const sec = edit(s.store.get('Secret', 'default', 'db')!);
      sec.metadata.annotations = { note: PLAIN };
      await s.store.update(sec);
      const journal = readFileSync(`${file}.journal`, 'utf8');
      expect(journal).not.toContain(PLAIN);
      expect(journal).not.toContain(b64);
      expect(journal).not.toContain('password');
      expect(journal.split(`"encrypted":"${AESGCM_PREFIX}`)).toHaveLength(3);
      const img = crash('enc');
      const r = await openStore({ file: img });
      try {
        const got = r.store.get('Secret', 'default', 'db')!;
        expect(got.data).toEqual({ password: b64 });
        expect(got.metadata.annotations).toEqual({ note: PLAIN });
      } finally {
        await r.close();
      }
      for (const f of [img, `${img}.journal`, `${img}.bak.journal`]) if (existsSync(f)) expect(readFileSync(f, 'utf8')).not.toContain(b64);
      expect(readFileSync(`${img}.bak.journal`, 'utf8')).toContain(`"encrypted":"${AESGCM_PREFIX}`);
    } finally {
      await s.close();
    }
    expect(readFileSync(file, 'utf8')).not.toContain(PLAIN);
    expect(readFileSync(file, 'utf8')).not.toContain(b64);
  });

  it('loads a schema-1 state file (from before the journal) and rewrites it as schema 2 at once', async () => {
    const file = join(dir, 'state.json');
    const v1 = {
      schemaVersion: 1,
      resourceVersion: '7',
      writtenAt: '2026-11-01T00:00:00.000Z',
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'default', uid: 'u1', resourceVersion: '6' }, data: { k: 'v' } }],
    };
    writeFileSync(file, JSON.stringify(v1), { mode: 0o600 });
    const s = await openStore({ file });
    try {
      expect(s.store.get('ConfigMap', 'default', 'old')?.metadata.uid).toBe('u1');
      expect(s.store.resourceVersion()).toBe('7');
      // An older kubeterm would read the file but ignore a journal: schema 2 makes it refuse instead.
      for (const f of [file, `${file}.bak`]) expect(JSON.parse(readFileSync(f, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
      expect((await s.store.create(pod('p'))).metadata.resourceVersion).toBe('8');
    } finally {
      await s.close();
    }
    const again = await openStore({ file });
    expect(again.store.get('Pod', 'default', 'p')).toBeDefined();
    expect(again.store.get('ConfigMap', 'default', 'old')?.data).toEqual({ k: 'v' });
    await again.close();
  });

  it('a change whose journal append failed is written at close, even with no later commit', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    mkdirSync(join(`${file}.journal`, 'blocker'), { recursive: true }); // the journal cannot be opened
    await expect(s.store.create(pod('a'))).rejects.toThrow(`could not write state file ${file}: EISDIR`);
    rmSync(`${file}.journal`, { recursive: true });
    await s.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).objects.map((o: KubeObject) => o.metadata.name)).toEqual(['a']);
  });

  it('with everyCommit, each group commit rewrites the whole snapshot and no journal is kept (the behaviour before)', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file, compaction: { everyCommit: true } });
    for (const n of ['a', 'b', 'c']) await s.store.create(pod(n));
    const st = s.persistence.stats();
    expect(st).toMatchObject({ writes: 3, snapshots: 3, appends: 0, commits: 3 });
    expect(st.bytes).toBe(statSync(file).size);
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).objects).toHaveLength(3);
    await s.close();
  });
});
