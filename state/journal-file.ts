// The journal file's I/O: append a commit's lines and fsync them (creating the
// file, mode 0600, with its header on first use), take over a journal left by
// an earlier run (its torn tail cut off), rotate it after a compaction (keep
// only what was appended since the snapshot was taken), remove it. The caller
// serialises these calls; none runs while another does.
import { constants } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir, tempPathFor, writeAll, writeFileAtomic } from './atomic-file.js';
import { journalHeader } from './journal-format.js';

export class JournalFile {
  private fh?: FileHandle;
  /** Bytes in the file that are known good (header and whole lines). */
  size = 0;
  /**
   * An append failed and its partial bytes could not be cut off again: the end
   * of the file may hold a torn line, so nothing more may be appended after it.
   * The owner writes a full snapshot and removes the journal instead.
   */
  broken = false;

  constructor(
    readonly path: string,
    /** Called between steps, for crash-point tests. */
    private readonly step: (name: 'journal-temp') => void = () => {},
  ) {}

  /** Does the file hold anything beyond its header? */
  hasRecords(): boolean {
    return this.size > 0;
  }

  /**
   * Continues the journal an earlier run left (already replayed): the bytes
   * after `goodBytes` (a torn last commit, never acknowledged) are cut off and
   * the cut made durable before anything is appended; later appends follow.
   * With no whole line left (a torn header), the file is removed instead.
   */
  async adopt(goodBytes: number): Promise<void> {
    if (goodBytes <= 0) return this.remove();
    const fh = await open(this.path, constants.O_RDWR | constants.O_APPEND);
    try {
      await fh.chmod(0o600);
      if ((await fh.stat()).size !== goodBytes) {
        await fh.truncate(goodBytes);
        await fh.sync();
      }
    } catch (e) {
      // Already failing: the original error is the one to report; a close error here would hide it.
      await fh.close().catch(() => {});
      throw e;
    }
    this.fh = fh;
    this.size = goodBytes;
  }

  /**
   * Appends `lines` (one commit: a line, or its parts) and fsyncs once. A new
   * file starts with a header naming `base`, the rv of the snapshot it
   * continues. On failure the file is cut back to its last good size, so a
   * later append never follows a torn line or a partial commit.
   */
  async append(lines: string | readonly string[], base: string): Promise<number> {
    if (this.broken) throw new Error(`journal ${this.path} may end in a torn line; a full snapshot must replace it first`);
    if (!this.fh) {
      const fh = await open(this.path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o600);
      try {
        await fh.chmod(0o600);
        this.size = (await fh.stat()).size;
      } catch (e) {
        // Already failing: the original error is the one to report; a close error here would hide it.
        await fh.close().catch(() => {});
        throw e;
      }
      this.fh = fh;
    }
    // Empty (new, or cut back to nothing after a failed first append): it needs its header.
    const created = this.size === 0;
    const pieces = typeof lines === 'string' ? [lines] : lines;
    const before = this.size;
    let written = 0;
    try {
      if (created) written += await this.write(journalHeader(base));
      // Piece by piece: a commit of many parts is never one giant buffer.
      for (const piece of pieces) written += await this.write(piece);
      await this.fh.sync();
    } catch (e) {
      try {
        await this.fh.truncate(before);
        await this.fh.sync();
      } catch {
        this.broken = true;
      }
      throw e;
    }
    // A new file's directory entry must be durable too, or the whole journal could vanish.
    if (created) await fsyncDir(dirname(this.path));
    this.size = before + written;
    return written;
  }

  private async write(text: string): Promise<number> {
    const buf = Buffer.from(text, 'utf8');
    await writeAll(this.fh!, buf);
    return buf.length;
  }

  /**
   * After a snapshot at rv `base` is in place: keep only the bytes from
   * `offset` on (appended after the snapshot was taken) behind a new header,
   * or remove the file when there are none. Atomic (temp file, fsync, rename):
   * a crash leaves the old journal, whose records the new snapshot already
   * holds, and replay skips them by rv.
   */
  async rotate(base: string, offset: number): Promise<void> {
    if (!this.fh || this.size <= offset) return this.remove();
    const tail = Buffer.alloc(this.size - offset);
    const { bytesRead } = await this.fh.read(tail, 0, tail.length, offset);
    if (bytesRead !== tail.length) throw new Error(`journal ${this.path}: read ${bytesRead} of ${tail.length} bytes`);
    const head = Buffer.from(journalHeader(base), 'utf8');
    const next = Buffer.concat([head, tail]);
    await writeFileAtomic(this.path, next, 0o600, () => this.step('journal-temp'));
    // The journal was just rewritten atomically; the old handle only has to go, and a close error cannot lose data.
    await this.fh.close().catch(() => {});
    this.fh = undefined;
    this.size = next.length;
    this.fh = await open(this.path, constants.O_RDWR | constants.O_APPEND);
  }

  /** Removes the file (the snapshot holds everything in it). */
  async remove(): Promise<void> {
    await this.close();
    try {
      await unlink(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await fsyncDir(dirname(this.path));
    this.size = 0;
    this.broken = false;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    // Closing on shutdown after the last fsync: nothing unwritten is left to lose.
    await fh?.close().catch(() => {});
  }

  /** Where a rotation writes before its rename (removed at open: a crash may leave it). */
  get tempPath(): string {
    return tempPathFor(this.path);
  }
}
