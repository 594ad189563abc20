// The Docker log line splitter works on bytes: a UTF-8 character cut across
// two chunks survives, a stream without newlines is passed on in bounded
// pieces, and each line is its own string (a kept line pins no chunk).
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/kubelet/runtime/docker/frames.js';

describe('LineSplitter on bytes', () => {
  it('keeps a multi-byte character split across chunks whole', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    const bytes = Buffer.from('héllo wörld ✓\nnext\n', 'utf8');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    expect(got).toEqual(['héllo wörld ✓', 'next']);
  });

  it('passes a line without a newline on in pieces of at most MAX_LINE_BYTES (plus one chunk)', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    const chunk = Buffer.alloc(4096, 'x');
    for (let i = 0; i < 40; i++) s.push(chunk); // 160 KiB, no newline
    s.flush();
    expect(got.join('').length).toBe(40 * 4096);
    expect(Math.max(...got.map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE_BYTES + 4096);
    expect(got.length).toBeGreaterThanOrEqual(2);
  });

  it('still accepts text and strips CR', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    s.push('a\r\nb');
    s.push(Buffer.from('c\n'));
    expect(got).toEqual(['a', 'bc']);
  });
});
