// Compaction folds the journal into a new snapshot while commits go on. A
// crash at any step of it loses nothing acknowledged: the state folder is
// copied at every step (as kill -9 there would leave it) and each copy opens
// to a state holding every change acknowledged by then; a real kill -9 of a
// writer compacting every few KB checks the same across processes. A failed
// compaction fails no commit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { openStore, readStateOnDisk, type PersistenceStep } from '../../state/index.js';
import { crashImage } from './journal-helpers.js';
import { edit } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-compact-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILLER = 'x'.repeat(400);

function cm(name: string, v: number): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v: String(v), filler: FILLER } };
}

const version = (o: KubeObject | undefined) => (o ? Number((o.data as { v: string }).v) : undefined);

describe('compaction', () => {
  it('a crash at every compaction step (and between appends) loses nothing acknowledged, and appends go on during compaction', async () => {
    const live = join(dir, 'live');
    const file = join(live, 'state.json');
    /** What has been acknowledged: name → version, or 'deleted'. */
    const acked = new Map<string, number | 'deleted'>();
    const images: { step: PersistenceStep; path: string; acked: Map<string, number | 'deleted'> }[] = [];
    const perStep = new Map<PersistenceStep, number>();
    const onStep = (step: PersistenceStep) => {
      const n = perStep.get(step) ?? 0;
      perStep.set(step, n + 1);
      if (n >= 4) return; // four images per step are plenty
      const path = join(dir, `img-${step}-${n}`);
      crashImage(live, path);
      images.push({ step, path: join(path, 'state.json'), acked: new Map(acked) });
    };
    const s = await openStore({ file, compaction: { minBytes: 16 * 1024, ratio: 0.5 }, onStep });
    // 8 clients, each creating ConfigMaps and updating them through versions 1..3, deleting every fifth.
    const client = async (c: number) => {
      for (let i = 0; i < 40; i++) {
        const name = `cm-${c}-${i}`;
        await s.store.create(cm(name, 0));
        acked.set(name, 0);
        for (let v = 1; v <= 3; v++) {
          const o = edit(s.store.get('ConfigMap', 'default', name)!);
          (o.data as { v: string }).v = String(v);
          await s.store.update(o);
          acked.set(name, v);
        }
        if (i % 5 === 0) {
          await s.store.delete('ConfigMap', 'default', name);
          acked.set(name, 'deleted');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    await s.persistence.compacted();
    const st = s.persistence.stats();
    console.log(
      `compaction: ${st.commits} commits, ${st.appends} appends, ${st.compactions} compactions, ${st.appendsWhileCompacting} appends acknowledged while a compaction ran; ` +
        `images: ${[...perStep].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
    );
    expect(st.compactions).toBeGreaterThanOrEqual(3);
    // Commits did not wait for the snapshot writes.
    expect(st.appendsWhileCompacting).toBeGreaterThan(0);
    for (const step of ['snapshot-temp', 'snapshot-renamed', 'journal-temp', 'journal-rotated', 'journal-appended'] as const) {
      expect(perStep.get(step), `step ${step} never happened`).toBeGreaterThan(0);
    }
    const final = s.store.list('ConfigMap').items;
    await s.close();

    for (const img of images) {
      const warnings: string[] = [];
      const r = await openStore({ file: img.path, warn: (m) => warnings.push(m) });
      try {
        expect(warnings, img.step).toEqual([]); // every step leaves whole lines
        for (const [name, v] of img.acked) {
          const got = r.store.get('ConfigMap', 'default', name);
          if (v === 'deleted') expect(got, `${img.step}: ${name} was deleted`).toBeUndefined();
          // Gone although acknowledged at v: only when its deletion (after v3) is durable but its
          // promise had not yet resolved at the moment of the copy.
          else if (!got) expect(`${name}@${v}`, `${img.path}: ${name} acknowledged at version ${v} is missing`).toMatch(/^cm-\d+-\d*[05]@3$/);
          else expect(version(got), `${img.step}: ${name} acknowledged at version ${v}`).toBeGreaterThanOrEqual(v);
        }
      } finally {
        await r.close();
      }
    }
    // And the clean close folded everything into one file.
    expect(existsSync(`${file}.journal`)).toBe(false);
    const again = await openStore({ file });
    expect(again.store.list('ConfigMap').items).toEqual(final);
    await again.close();
  });

  it('a compaction that fails (the snapshot cannot be replaced) warns and fails no commit; the journal keeps everything', async () => {
    const file = join(dir, 'state.json');
    const warnings: string[] = [];
    const s = await openStore({ file, compaction: { minBytes: 8 * 1024, ratio: 0 }, warn: (m) => warnings.push(m) });
    mkdirSync(join(file, 'blocker'), { recursive: true }); // a directory where the snapshot goes: its rename fails
    try {
      for (let i = 0; i < 60; i++) await s.store.create(cm(`c-${i}`, i)); // ~30 KB of journal: compaction is tried
      await s.persistence.compacted();
      expect(warnings.some((w) => w.startsWith(`could not compact the state journal into ${file}`))).toBe(true);
      expect(s.persistence.stats()).toMatchObject({ commits: 60, compactions: 0 });
    } finally {
      rmSync(file, { recursive: true });
    }
    expect(readStateOnDisk(file).objects).toHaveLength(60);
    await s.close(); // now the fold succeeds
    expect(existsSync(`${file}.journal`)).toBe(false);
    const again = await openStore({ file });
    const got = again.store.list('ConfigMap').items;
    expect(got).toHaveLength(60);
    for (const o of got) expect(`c-${version(o)}`).toBe(o.metadata.name);
    await again.close();
  });

  it('kill -9 of a writer compacting every 16 KB: each restart holds every acknowledged object', async () => {
    const file = join(dir, 'state.json');
    const acked = new Set<string>();
    const lastSteps: string[] = [];
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'writer.ts'), file, String(16 * 1024)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, WRITER_PREFIX: `r${round}` },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      const killAt = 300 + Math.floor(Math.random() * 1500);
      let n = 0;
      let step = 'none';
      await new Promise<void>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.on('line', (line) => {
          if (line === 'READY') return;
          if (line.startsWith('STEP ')) {
            step = line.slice(5);
            return;
          }
          acked.add(line);
          if (++n === killAt) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => (n >= killAt ? resolve() : reject(new Error(`writer exited early: ${stderr}`))));
      });
      expect(await exited).toBe('SIGKILL');
      lastSteps.push(step);
      // The files parse (a torn last journal line at most) and hold everything acknowledged.
      const names = new Set(readStateOnDisk(file).objects.map((o) => o.metadata.name));
      expect([...acked].filter((a) => !names.has(a))).toEqual([]);
    }
    const s = await openStore({ file, warn: () => {} });
    const names = new Set(s.store.list('Pod').items.map((o) => o.metadata.name));
    expect([...acked].filter((a) => !names.has(a))).toEqual([]);
    await s.close();
    console.log(`compaction: kill -9 ×4 with ${acked.size} acknowledged pods, none lost; last compaction step seen before each kill: ${lastSteps.join(', ')}`);
  }, 120_000);
});
