import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, readStateOnDisk } from '../../state/index.js';
import { edit, pod } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-gc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('1000 concurrent creates share a few writes, and all are on disk when acknowledged', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        s.store.create(pod(`p-${i}`)).then((p) => {
          acked.push(p.metadata.name!);
          // Acknowledged means durable: the files on disk already hold it (sampled, reads are not free).
          if (i % 100 === 0) expect(readStateOnDisk(file).objects.map((o) => o.metadata.name)).toContain(`p-${i}`);
        }),
      ),
    );
    const st = s.persistence.stats();
    expect(acked).toHaveLength(1000);
    expect(st.writes).toBeGreaterThanOrEqual(1);
    expect(st.writes).toBeLessThan(20);
    expect(st.commits).toBe(1000);
    // Each write appended one journal line; no whole snapshot was written for a state this small.
    expect(st.appends).toBe(st.writes);
    expect(st.snapshots).toBe(0);
    expect(st.journalBytes).toBe(statSync(`${file}.journal`).size);
    await s.close();
    const again = await openStore({ file });
    expect(again.store.list('Pod').items).toHaveLength(1000);
    expect(again.store.resourceVersion()).toBe('1000');
    await again.close();
  });

  it('a mutation resolves only after a write containing it has reached the file', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    const onDisk = () =>
      readStateOnDisk(file).objects.map((o) => `${o.metadata.name}:${(o as { spec?: { containers: { image: string }[] } }).spec!.containers[0].image}`);
    const p = await s.store.create(pod('a'));
    expect(onDisk()).toEqual(['a:nginx:1.27']);
    const u = edit(p);
    u.spec.containers[0].image = 'nginx:2';
    const pending = s.store.update(u);
    expect(onDisk()).toEqual(['a:nginx:1.27']); // memory changed, not yet durable
    await pending;
    expect(onDisk()).toEqual(['a:nginx:2']);
    const writes = s.persistence.stats().writes;
    // A no-op update waits for durability but costs no write.
    await s.store.update(edit(s.store.get('Pod', 'default', 'a')!));
    expect(s.persistence.stats().writes).toBe(writes);
    await s.close();
  });

  it('survives kill -9 mid-burst: the file parses and every acknowledged object is in it', async () => {
    const file = join(dir, 'state.json');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'writer.ts'), file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const acked: string[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.on('line', (line) => {
        if (line === 'READY') return;
        acked.push(line);
        if (acked.length === 2000) {
          child.kill('SIGKILL'); // mid-burst: 16 writers are still going
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    }).catch((e: unknown) => {
      if (acked.length < 2000) throw e;
    });
    expect(await exited).toBe('SIGKILL');

    const doc = readStateOnDisk(file); // throws if the snapshot does not parse or the journal is damaged before its last line
    const names = new Set(doc.objects.map((o) => o.metadata.name));
    const missing = acked.filter((n) => !names.has(n));
    expect(missing).toEqual([]);
    // The dead writer's lock is stale: a new kubeterm takes over and sees the same state.
    const s = await openStore({ file });
    expect(s.store.list('Pod').items.length).toBe(doc.objects.length);
    expect(s.store.list('Pod').items.length).toBeGreaterThanOrEqual(2000);
    await s.close();
  });
});
