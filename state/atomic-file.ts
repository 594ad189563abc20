// Durable whole-file replacement: write a temp file (mode 0600), fsync it,
// rename it over the target, fsync the directory. A crash at any point leaves
// either the old file or the new one, never a torn mix. (lowdb's steno does the
// temp+rename but not the fsyncs, so acknowledged writes could vanish on power
// loss; this adapter adds them.)
import { constants } from 'node:fs';
import { copyFile, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

/** `beforeRename` runs once the temp file is durable and before it replaces `file` (a crash-point hook for tests). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600, beforeRename?: () => void): Promise<void> {
  const tmp = tempPathFor(file);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
  try {
    await fh.chmod(mode); // a leftover temp file may have had other permissions
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    beforeRename?.();
    await rename(tmp, file);
  } catch (e) {
    // Cleanup of the temp file after a failed write: the write's error is the one to report.
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(dirname(file));
}

/** Copies `from` to `to` atomically with mode 0600 (the backup of the last good file); a reflink where the file system can. */
export async function copyFileAtomic(from: string, to: string, mode = 0o600): Promise<void> {
  const tmp = tempPathFor(to);
  await copyFile(from, tmp, constants.COPYFILE_FICLONE);
  const fh = await open(tmp, 'r+');
  try {
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, to);
  await fsyncDir(dirname(to));
}

/**
 * writeFileAtomic for text produced piece by piece: each piece is written as it
 * comes, with an await between pieces, so a large file does not hold the event
 * loop for its whole serialisation. Returns the bytes written. A failed write
 * removes its temp file (on a full disk it would otherwise keep the space).
 */
export async function writeChunksAtomic(file: string, chunks: Iterable<string>, mode = 0o600, beforeRename?: () => void): Promise<number> {
  const tmp = tempPathFor(file);
  let bytes = 0;
  try {
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
    try {
      await fh.chmod(mode);
      for (const chunk of chunks) {
        const buf = Buffer.from(chunk, 'utf8');
        await writeAll(fh, buf);
        bytes += buf.length;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    beforeRename?.();
    await rename(tmp, file);
  } catch (e) {
    // Cleanup of the temp file after a failed write: the write's error is the one to report.
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(dirname(file));
  return bytes;
}

/** Writes the whole buffer at the handle's position (a write may take less than it was given). */
export async function writeAll(fh: FileHandle, buf: Uint8Array): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    off += bytesWritten;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Not every platform can open a directory; that is not fatal.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

/** Reads a text file; undefined when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * A lowdb adapter over text with durable atomic writes. `parse` turns the file
 * into data (and throws a clear error when it cannot); `serialize` the reverse,
 * as one string or as pieces written one after another (see writeChunksAtomic).
 */
export class DurableTextAdapter<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly parse: (text: string) => T,
    private readonly serialize: (data: T) => string | Iterable<string>,
    /** Runs when a write's temp file is durable, before the rename (crash-point tests). */
    private readonly beforeRename?: () => void,
  ) {}

  /** Bytes of the last write. */
  lastBytes = 0;

  async read(): Promise<T | null> {
    const text = await readTextIfExists(this.file);
    return text === undefined ? null : this.parse(text);
  }

  async write(data: T): Promise<void> {
    const text = this.serialize(data);
    if (typeof text === 'string') {
      const buf = Buffer.from(text, 'utf8');
      await writeFileAtomic(this.file, buf, 0o600, this.beforeRename);
      this.lastBytes = buf.length;
    } else {
      this.lastBytes = await writeChunksAtomic(this.file, text, 0o600, this.beforeRename);
    }
  }
}
