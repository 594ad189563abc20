// Suspension of a folder sync, kept across restarts. Flux keeps `spec.suspend`
// on its Kustomization; kubeterm has no such object of its own, so a small JSON
// file (the CLI puts it beside the state file: `sync-control.json`) records
// which syncs are suspended, keyed by sync name (folder name + path hash, see
// labels.ts), so several folders and several kubeterms can share one file:
//
//   {"version":1,"syncs":{"gitops-3f9a1c":{"suspended":true,"since":"2026-01-01T00:00:00.000Z","folder":"/home/me/gitops"}}}
//
// Writes are atomic (temp file + rename) and read-modify-write, so the entries
// of other syncs are kept. A missing file means nothing is suspended; an
// unreadable one is reported and treated as empty (never blocks a start).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SuspendEntry {
  suspended: boolean;
  /** ISO time it was suspended. */
  since?: string;
  folder?: string;
}

interface SuspendFile {
  version: 1;
  syncs: Record<string, SuspendEntry>;
}

export class SuspendStore {
  constructor(
    readonly file: string,
    private readonly syncName: string,
  ) {}

  private async readAll(): Promise<SuspendFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, syncs: {} };
      throw new Error(`cannot read the sync control file ${this.file}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const parsed = JSON.parse(text) as Partial<SuspendFile>;
      const syncs = parsed && typeof parsed.syncs === 'object' && parsed.syncs ? parsed.syncs : {};
      return { version: 1, syncs };
    } catch (e) {
      throw new Error(`the sync control file ${this.file} is not valid JSON (${(e as Error).message}); delete it to resume every sync`, { cause: e });
    }
  }

  /** This sync's entry; undefined when it is not suspended. */
  async load(): Promise<SuspendEntry | undefined> {
    const all = await this.readAll();
    const e = all.syncs[this.syncName];
    return e?.suspended ? e : undefined;
  }

  /** Records this sync as suspended (entry) or resumed (undefined). */
  async save(entry: SuspendEntry | undefined): Promise<void> {
    let all: SuspendFile;
    try {
      all = await this.readAll();
    } catch {
      all = { version: 1, syncs: {} }; // a broken file is replaced, not kept broken
    }
    if (entry?.suspended) all.syncs[this.syncName] = entry;
    else delete all.syncs[this.syncName];
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
