// Ink 6 measures and wraps every text it lays out through two module-level
// caches that never evicted (ink#986): under a log flood of distinct lines
// (timestamps on) kubeterm grew 10–20 MiB/s. patches/ink+6.8.0.patch (applied
// by `npm ci` through patch-package) bounds both; this proves the installed
// Ink is the patched one and that its memory stays flat over 30,000 lines.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

// Ink's package exports hide its build files; the file URL is the same module instance Ink itself uses.
const inkFile = (name: string) => pathToFileURL(resolve('node_modules/ink/build', name)).href;

function retainedAfter(work: () => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  work();
  gc();
  return process.memoryUsage().heapUsed - before;
}

describe("Ink's text caches", () => {
  it('keep a bounded number of entries: 30,000 distinct log lines retain next to nothing', async () => {
    const measureText = (await import(inkFile('measure-text.js'))).default as (t: string) => { width: number; height: number };
    const wrapText = (await import(inkFile('wrap-text.js'))).default as (t: string, w: number, type: string) => string;
    const line = (i: number) => `2026-11-22T08:00:00.${String(i).padStart(6, '0')}Z level=info request ${i} ${'x'.repeat(160)}`;
    expect(measureText(line(1)).width).toBe(line(1).length);
    expect(wrapText(line(1), 40, 'truncate-end')).toHaveLength(40);
    const retained = retainedAfter(() => {
      for (let i = 0; i < 30_000; i++) {
        measureText(line(i));
        wrapText(line(i), 120, 'truncate-end');
      }
    });
    // Unbounded, the caches keep every line and its truncation: about 22 MB here.
    console.log(`ui: ink text caches retained ${(retained / 1048576).toFixed(1)} MiB after 30,000 distinct lines`);
    expect(retained).toBeLessThan(8 * 1024 * 1024);
  });

  it('keep a bounded number of characters too: 600 pane-sized texts (10,000 characters each) retain at most about 2 MiB, not 6', async () => {
    const measureText = (await import(inkFile('measure-text.js'))).default as (t: string) => { width: number; height: number };
    const pane = (i: number) => Array.from({ length: 50 }, (_, r) => `${String(i).padStart(8, '0')} row ${r} ${'y'.repeat(180)}`).join('\n');
    const retained = retainedAfter(() => {
      for (let i = 0; i < 600; i++) {
        measureText(pane(i));
      }
    });
    // Bounded by entries alone, the cache would keep all 600 × 10 KB texts: about 6 MB (wrap-text's cache is bounded the same way).
    console.log(`ui: ink text caches retained ${(retained / 1048576).toFixed(1)} MiB after 600 pane-sized texts`);
    expect(retained).toBeLessThan(4 * 1024 * 1024);
  });
});
