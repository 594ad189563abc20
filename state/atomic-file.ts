// Durable whole-file replacement: write a temp file (mode 0600), fsync it,
// rename it over the target, fsync the directory. A crash at any point leaves
// either the old file or the new one, never a torn mix. (lowdb's steno does the
// temp+rename but not the fsyncs, so acknowledged writes could vanish on power
// loss; this adapter adds them.)
import { constants } from 'node:fs';
import { copyFile, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
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
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(dirname(file));
}

/** Copies `from` to `to` atomically with mode 0600 (the backup of the last good file). */
export async function copyFileAtomic(from: string, to: string, mode = 0o600): Promise<void> {
  const tmp = tempPathFor(to);
  await copyFile(from, tmp);
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

async function fsyncDir(dir: string): Promise<void> {
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
 * into data (and throws a clear error when it cannot); `serialize` the reverse.
 */
export class DurableTextAdapter<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly parse: (text: string) => T,
    private readonly serialize: (data: T) => string,
  ) {}

  /** Bytes of the last write. */
  lastBytes = 0;

  async read(): Promise<T | null> {
    const text = await readTextIfExists(this.file);
    return text === undefined ? null : this.parse(text);
  }

  async write(data: T): Promise<void> {
    const buf = Buffer.from(this.serialize(data), 'utf8');
    await writeFileAtomic(this.file, buf);
    this.lastBytes = buf.length;
  }
}
