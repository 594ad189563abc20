// Ink lays out every frame into a grid of styled cells and serializes it
// again, for all rows, every frame (about 10 ms at 160×50, most of a table
// frame). patches/ink+6.8.0.patch makes each row's string a lookup by its
// writes (a pure function of the width and the text written at each x), so a
// frame pays only for the rows that changed. This proves the installed Ink is
// the patched one, that unchanged rows are not laid out again, and that the
// output is upstream's (clips, wide characters, colours, rows past the end).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Ink's package exports hide its build files; the file URL is the same module instance Ink itself uses.
const inkFile = (name: string) => pathToFileURL(resolve('node_modules/ink/build', name)).href;

type Write = [x: number, y: number, text: string];
type Op = Write | { clip: { x1?: number; x2?: number; y1?: number; y2?: number } } | 'unclip';
interface OutputLike {
  write(x: number, y: number, text: string, o: { transformers: ((s: string, i: number) => string)[] }): void;
  clip(c: object): void;
  unclip(): void;
  get(): { output: string; height: number };
}

async function outputClass() {
  return (await import(inkFile('output.js'))).default as { new (o: { width: number; height: number }): OutputLike; prototype: { renderRow?: unknown } };
}

async function frame(width: number, height: number, ops: Op[]): Promise<string> {
  const Output = await outputClass();
  const o = new Output({ width, height });
  for (const op of ops) {
    if (op === 'unclip') o.unclip();
    else if ('clip' in op) o.clip(op.clip);
    else o.write(op[0], op[1], op[2], { transformers: [] });
  }
  return o.get().output;
}

describe("Ink's output rows (patched)", () => {
  it('lays out only the rows whose writes changed since an earlier frame', async () => {
    const Output = await outputClass();
    expect(typeof Output.prototype.renderRow).toBe('function');
    const rows = Array.from({ length: 40 }, (_, i) => `row ${i} of a table, unique to this test ${Math.random()}`);
    const spy = vi.spyOn(Output.prototype as { renderRow(w: unknown[]): string }, 'renderRow');
    await frame(100, 40, rows.map((r, y) => [0, y, r]));
    expect(spy).toHaveBeenCalledTimes(40);
    spy.mockClear();
    rows[7] = `${rows[7]} changed`;
    const out = await frame(100, 40, rows.map((r, y) => [0, y, r]));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(out.split('\n')[7]).toBe(rows[7]);
    spy.mockRestore();
  });

  it("draws what upstream draws: overlapping writes, clips, wide characters, colours, rows beyond the height", async () => {
    expect(await frame(10, 3, [[0, 0, 'hello\nworld'], [3, 1, 'XY']])).toBe('hello\nworXY\n');
    expect(await frame(8, 2, [{ clip: { x1: 2, x2: 5 } }, [0, 0, 'abcdefgh'], 'unclip', [0, 1, 'z']])).toBe('  cde\nz');
    expect(await frame(8, 1, [[0, 0, '世界!']])).toBe('世界!');
    expect(await frame(8, 1, [[1, 0, '\u001b[31mred\u001b[39m']])).toBe(' \u001b[31mred\u001b[39m');
    expect(await frame(4, 2, [[0, 1, 'a\nb\nc']])).toBe('\na');
    // The same writes at another width are another row.
    expect(await frame(3, 1, [[2, 0, 'abc']])).toBe('  abc');
  });
});
