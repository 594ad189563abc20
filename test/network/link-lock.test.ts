import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withLinkLock } from '../../src/network/link-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const lockFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'kt-linklock-'));
  dirs.push(d);
  return join(d, 'link.lock');
};

describe('service link lock', () => {
  it('runs holders one at a time and removes the lock after', async () => {
    const path = lockFile();
    const order: string[] = [];
    const holder = (name: string) =>
      withLinkLock({ path }, async () => {
        order.push(`${name} in`);
        expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
        await new Promise((r) => setTimeout(r, 15));
        order.push(`${name} out`);
      });
    await Promise.all([holder('a'), holder('b')]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a crashed owner's lock, and goes ahead without a live owner's after the wait, leaving it alone", async () => {
    const path = lockFile();
    writeFileSync(path, '2147483646'); // no such process
    expect(await withLinkLock({ path, waitMs: 2000 }, async () => readFileSync(path, 'utf8'))).toBe(String(process.pid));
    writeFileSync(path, '1'); // init: alive, and not ours to remove
    expect(await withLinkLock({ path, waitMs: 30 }, async () => 'went ahead')).toBe('went ahead');
    expect(readFileSync(path, 'utf8')).toBe('1');
  });
});
