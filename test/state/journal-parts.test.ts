// A very large group commit is written as several journal lines ("parts")
// that replay all or nothing, so no line grows to hundreds of MB. A crash can
// cut such a commit anywhere: after any whole part, or inside any part. Each
// cut replays to the last complete commit (the torn one was never
// acknowledged), warns, and the torn parts are cut off before anything new is
// appended. Parts out of order or a torn commit followed by more lines are
// damage, refused like any other.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLines, parseJournal } from '../../state/journal-format.js';
import { openStore, readStateOnDisk, StateFileError } from '../../state/index.js';
import type { StoreChange } from '../../state/types.js';
import { crashImage, journalLines } from './journal-helpers.js';
import { pod } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-parts-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const LINE_CHARS = 2000;

function change(i: number): StoreChange {
  const p = pod(`p${i}`);
  return { resourceVersion: String(i), kind: 'Pod', namespace: 'default', name: `p${i}`, object: { ...p, metadata: { ...p.metadata, resourceVersion: String(i) } } };
}

describe('multi-part journal commits', () => {
  it('commitLines splits a commit larger than a line may be into numbered parts sharing its rv; a small one stays one line', () => {
    const changes = Array.from({ length: 40 }, (_, i) => change(i + 1));
    const lines = commitLines(changes, (o) => JSON.stringify(o), LINE_CHARS);
    expect(lines.length).toBeGreaterThan(2);
    lines.forEach((l, i) => {
      expect(l.endsWith('\n')).toBe(true);
      expect(l.length).toBeLessThanOrEqual(LINE_CHARS + 100); // the records plus the line's own envelope
      const doc = JSON.parse(l);
      expect(doc.rv).toBe('40');
      expect(doc.part).toEqual([i + 1, lines.length]);
    });
    const parsed = parseJournal(`{"kubetermJournal":1,"base":"0"}\n${lines.join('')}`, 'j');
    expect(parsed.records.map((r) => r.name)).toEqual(changes.map((c) => c.name));
    expect(parsed.rv).toBe(40);
    expect(parsed.dropped).toBeUndefined();
    // One record larger than the limit still goes (alone), never split.
    const one = commitLines([change(1)], (o) => JSON.stringify(o), 10);
    expect(one).toHaveLength(1);
    expect(JSON.parse(one[0]).part).toBeUndefined();
  });

  it('a burst cut at every part boundary and inside every part replays to the last complete commit, and is cut off before new appends', async () => {
    const live = join(dir, 'live');
    const file = join(live, 'state.json');
    const s = await openStore({ file, maxJournalLineChars: LINE_CHARS });
    try {
      await s.store.create(pod('before'));
      // One turn of the event loop: one group commit of 30 pods, written as several parts.
      await Promise.all(Array.from({ length: 30 }, (_, i) => s.store.create(pod(`burst-${i}`))));
      crashImage(live, join(dir, 'img'));
    } finally {
      await s.close();
    }
    const img = join(dir, 'img', 'state.json');
    const lines = journalLines(img);
    const parts = lines.slice(2);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((l) => JSON.parse(l).part)).toEqual(parts.map((_, i) => [i + 1, parts.length]));

    // The whole image: every pod of the burst.
    crashImage(join(dir, 'img'), join(dir, 'whole'));
    const whole = await openStore({ file: join(dir, 'whole', 'state.json'), warn: () => {} });
    expect(whole.store.list('Pod').items).toHaveLength(31);
    expect(whole.store.resourceVersion()).toBe('31');
    await whole.close();

    const kept = `${lines.slice(0, 2).join('\n')}\n`;
    const cuts: [string, string][] = [];
    for (let k = 0; k < parts.length; k++) {
      const upTo = kept + parts.slice(0, k).map((l) => `${l}\n`).join('');
      if (k > 0) cuts.push([`after part ${k}`, upTo]);
      cuts.push([`inside part ${k + 1}`, upTo + parts[k].slice(0, Math.floor(parts[k].length / 2))]);
      cuts.push([`part ${k + 1} without its newline`, upTo + parts[k]]);
    }
    for (const [name, text] of cuts) {
      const copy = join(dir, 'cut', 'state.json');
      rmSync(join(dir, 'cut'), { recursive: true, force: true });
      crashImage(join(dir, 'img'), join(dir, 'cut'));
      writeFileSync(`${copy}.journal`, text);
      const warnings: string[] = [];
      const r = await openStore({ file: copy, warn: (m) => warnings.push(m) });
      try {
        expect(warnings, name).toHaveLength(1);
        expect(warnings[0], name).toMatch(/dropped its last line \(line 3, \d+ bytes: /);
        expect(r.store.list('Pod').items.map((p) => p.metadata.name), name).toEqual(['before']);
        expect(r.store.resourceVersion(), name).toBe('1');
        // Cut back to the last complete commit, durably, before anything is appended.
        expect(readFileSync(`${copy}.journal`, 'utf8'), name).toBe(kept);
        expect((await r.store.create(pod('after'))).metadata.resourceVersion, name).toBe('2');
        const disk = readStateOnDisk(copy);
        expect(disk.droppedLastLine, name).toBe(false);
        expect(disk.objects.map((o) => o.metadata.name).sort(), name).toEqual(['after', 'before']);
      } finally {
        await r.close();
      }
    }
  });

  it('refuses parts out of order, or a torn commit with lines after it, naming the line; nothing is touched', async () => {
    const changes = Array.from({ length: 20 }, (_, i) => change(i + 1));
    const parts = commitLines(changes, (o) => JSON.stringify(o), LINE_CHARS);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const next = commitLines([change(21)], (o) => JSON.stringify(o));
    const head = '{"kubetermJournal":1,"base":"0"}\n';
    const file = join(dir, 'state.json');
    const bad: [string, RegExp][] = [
      [head + parts[1] + parts[0] + parts.slice(2).join(''), /line 2 of \d+ \(part 2 of \d+ of the commit at resourceVersion 20 without the parts before it\)/],
      [head + parts[0] + next[0] + parts.slice(1).join(''), /line 3 of \d+ \(expected part 2 of \d+ of the commit at resourceVersion 20 \(begun at line 2\), found a commit at resourceVersion 21\)/],
      [head + parts[0] + parts[2] + parts[1], /line 3 of \d+ \(expected part 2 of \d+ .* found part 3 of/],
    ];
    for (const [text, why] of bad) {
      writeFileSync(`${file}.journal`, text);
      const err = await openStore({ file }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StateFileError);
      expect((err as Error).message).toMatch(why);
      expect(readFileSync(`${file}.journal`, 'utf8')).toBe(text);
    }
  });
});

describe('start after a crash', () => {
  it('writes no snapshot: the journal is continued, and the backup is a byte copy of the snapshot and journal that loaded', async () => {
    const live = join(dir, 'live');
    const file = join(live, 'state.json');
    const a = await openStore({ file });
    await a.store.create(pod('a'));
    await a.close(); // a snapshot at rv 1
    const b = await openStore({ file });
    await b.store.create(pod('b'));
    await b.store.delete('Pod', 'default', 'a');
    crashImage(live, join(dir, 'img'));
    await b.close();
    const img = join(dir, 'img', 'state.json');
    const snapshot = readFileSync(img);
    const journal = readFileSync(`${img}.journal`);

    const r = await openStore({ file: img });
    try {
      expect(r.store.list('Pod').items.map((p) => p.metadata.name)).toEqual(['b']);
      expect(r.persistence.stats()).toMatchObject({ snapshots: 0, bytesWritten: 0 });
      expect(readFileSync(img).equals(snapshot)).toBe(true);
      expect(readFileSync(`${img}.journal`).equals(journal)).toBe(true);
      expect(readFileSync(`${img}.bak`).equals(snapshot)).toBe(true);
      expect(readFileSync(`${img}.bak.journal`).equals(journal)).toBe(true);
      // The backup pair opens to the state that loaded.
      expect(readStateOnDisk(`${img}.bak`).objects.map((o) => o.metadata.name)).toEqual(['b']);
      await r.store.create(pod('c'));
    } finally {
      await r.close(); // folds the journal in
    }
    // A corrupt state file now: the error names the backup and its journal copy, and touches nothing.
    crashImage(join(dir, 'img'), join(dir, 'corrupt'));
    const corrupt = join(dir, 'corrupt', 'state.json');
    writeFileSync(corrupt, '{"schemaVersion":2,');
    const err = await openStore({ file: corrupt }).catch((e: unknown) => e);
    expect((err as Error).message).toContain(`A backup of the last good state is at ${corrupt}.bak with its journal ${corrupt}.bak.journal`);
    expect(readFileSync(`${corrupt}.bak.journal`).equals(journal)).toBe(true);
    // The next start finds no journal: the backup is the snapshot alone, and the old journal copy is gone.
    const again = await openStore({ file: img });
    await again.close();
    expect(readStateOnDisk(`${img}.bak`).objects.map((o) => o.metadata.name).sort()).toEqual(['b', 'c']);
    expect(readStateOnDisk(`${img}.bak`).journalBytes).toBe(0);
  });
});
