// Writes a set of files into a volume directory so a running container sees
// either the old set or the new one, never a mix — the kubelet's AtomicWriter:
//
//   <dir>/..2026_01_01_00_00_00.123456789/   the payload, one timestamped dir per version
//   <dir>/..data -> ..2026_01_01_…           swapped with rename(2), which is atomic
//   <dir>/<key>  -> ..data/<key>             one symlink per top-level name the user sees
//
// An update writes a new timestamped dir, points a temporary link at it and
// renames that over `..data`, then fixes the user-visible links and removes
// the old version. Links are relative, so they resolve inside the container too.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface PayloadFile {
  data: Buffer;
  /** e.g. 0o644 */
  mode: number;
}

export const DATA_DIR_NAME = '..data';
const DATA_TMP_NAME = '..data_tmp';

/** A payload path is relative, has no `..` element and does not start with `..` (the writer's own names). */
export function validatePayloadPath(p: string): string | undefined {
  if (p === '') return 'must not be empty';
  if (path.posix.isAbsolute(p)) return 'must be a relative path';
  if (p.split('/').some((seg) => seg === '..')) return "must not contain '..'";
  if (p.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/** Writes `payload` (relative path → file) into dir; returns true when anything changed. */
export async function writeAtomic(dir: string, payload: Map<string, PayloadFile>, now: Date = new Date()): Promise<boolean> {
  for (const p of payload.keys()) {
    const why = validatePayloadPath(p);
    if (why) throw new Error(`invalid path ${JSON.stringify(p)}: ${why}`);
  }
  await fs.mkdir(dir, { recursive: true });
  const dataLink = path.join(dir, DATA_DIR_NAME);
  const oldTarget = await fs.readlink(dataLink).catch(() => undefined);
  if (oldTarget && (await sameContent(path.join(dir, oldTarget), payload))) {
    await linkUserVisible(dir, payload);
    return false;
  }

  const tsDir = await freshVersionDir(dir, now);
  for (const [rel, f] of payload) {
    const full = path.join(dir, tsDir, rel);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, f.data);
    await fs.chmod(full, f.mode);
  }
  await fs.chmod(path.join(dir, tsDir), 0o755);

  const tmpLink = path.join(dir, DATA_TMP_NAME);
  await fs.rm(tmpLink, { force: true });
  await fs.symlink(tsDir, tmpLink);
  await fs.rename(tmpLink, dataLink);

  await linkUserVisible(dir, payload);
  if (oldTarget && oldTarget !== tsDir) await fs.rm(path.join(dir, oldTarget), { recursive: true, force: true });
  return true;
}

/** One link per top-level payload name; links for names no longer in the payload go. */
async function linkUserVisible(dir: string, payload: Map<string, PayloadFile>): Promise<void> {
  const wanted = new Set([...payload.keys()].map((p) => p.split('/')[0]));
  for (const name of wanted) {
    const link = path.join(dir, name);
    const target = path.posix.join(DATA_DIR_NAME, name);
    const cur = await fs.readlink(link).catch(() => undefined);
    if (cur === target) continue;
    await fs.rm(link, { force: true, recursive: true });
    await fs.symlink(target, link);
  }
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('..') || wanted.has(entry)) continue;
    const st = await fs.lstat(path.join(dir, entry));
    if (st.isSymbolicLink()) await fs.rm(path.join(dir, entry), { force: true });
  }
}

async function freshVersionDir(dir: string, now: Date): Promise<string> {
  const iso = now.toISOString(); // 2026-01-01T00:00:00.123Z
  const stamp = `..${iso.slice(0, 10).replace(/-/g, '_')}_${iso.slice(11, 19).replace(/:/g, '_')}.${iso.slice(20, 23)}`;
  for (let i = 0; ; i++) {
    const name = `${stamp}${String(i).padStart(6, '0')}`;
    try {
      await fs.mkdir(path.join(dir, name));
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

async function sameContent(versionDir: string, payload: Map<string, PayloadFile>): Promise<boolean> {
  const existing = await listFiles(versionDir).catch(() => undefined);
  if (!existing || existing.length !== payload.size) return false;
  for (const rel of existing) {
    const want = payload.get(rel);
    if (!want) return false;
    const full = path.join(versionDir, rel);
    const [data, st] = await Promise.all([fs.readFile(full), fs.stat(full)]);
    if ((st.mode & 0o7777) !== want.mode || digest(data) !== digest(want.data)) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

function digest(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
