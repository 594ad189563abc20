// Where a hostPath (a pod's `volumes[].hostPath`, or a PersistentVolume's
// `hostPath`/`local` path reached through a claim) lands on this machine.
//
// kubeterm runs manifests on a workstation, so a hostPath may only reach the
// directories the user allowed (by default the engine's state folder and the
// watched folder; more with --allow-host-path). The check uses the path's real
// location: `..` is collapsed first, then every symlink of the parts that
// exist is followed (a link inside an allowed folder that points elsewhere is
// "elsewhere"). The path that was checked is the path handed to the runtime,
// so what is mounted is exactly what was allowed.
//
// A hostPath outside the allow-list is either
//  - remapped (default): kubeterm keeps a private directory
//    <rootDir>/hostpath/<the path without its leading slash> and mounts that, so
//    a manifest written for a real cluster (a PV at /mnt/data) works without
//    touching the host's /mnt; or
//  - refused: MountVolume.SetUp fails with a message naming the flag to open it.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface HostPathPolicy {
  /** Directories (and everything under them) that hostPaths may reach as they are. */
  allow: string[];
  /** What happens to a hostPath outside `allow`. */
  mode: 'remap' | 'refuse';
}

/** Linux gives up after 40 symlinks (ELOOP); so do we. */
const MAX_LINKS = 40;

/** `p` made absolute (relative to /) with `.` and `..` collapsed lexically. */
export function normaliseHostPath(p: string): string {
  return path.posix.resolve('/', p);
}

/**
 * The real location of `p`: `..` collapsed, then every symlink among the parts
 * that exist followed (including a dangling one, to where it points). The part
 * that does not exist yet is appended as written.
 */
export async function realHostPath(p: string): Promise<string> {
  const pending = normaliseHostPath(p).split('/').filter(Boolean);
  let cur = '/';
  let exists = true;
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.') continue;
    // `cur` is already real here, so its parent is the kernel's `..` too.
    if (part === '..') {
      cur = path.posix.dirname(cur);
      continue;
    }
    const next = path.posix.join(cur, part);
    if (!exists) {
      cur = next;
      continue;
    }
    const st = await fs.lstat(next).catch(() => undefined);
    if (!st) {
      exists = false;
      cur = next;
      continue;
    }
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links resolving ${p}`);
    const target = await fs.readlink(next);
    if (path.posix.isAbsolute(target)) cur = '/';
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return cur;
}

/** Whether `child` is `parent` or lies under it (both real, absolute). */
export function isUnder(child: string, parent: string): boolean {
  return parent === '/' || child === parent || child.startsWith(parent + '/');
}

/** Where one hostPath goes: the host path itself (allowed) or its private copy (remapped). */
export interface HostPathPlacement {
  /** The path as the manifest means it (absolute, `..` collapsed). */
  requested: string;
  /** Where it really is, symlinks followed. */
  real: string;
  /** Set when the path is outside the allow-list and remapped: the private directory used instead. */
  remapped?: string;
}

export type HostPathDecision = HostPathPlacement | { refused: string };

/**
 * Decides where `p` goes under `policy`. `rootDir` is the kubelet's state
 * directory; remapped paths live under <rootDir>/hostpath.
 */
export async function placeHostPath(p: string, policy: HostPathPolicy, rootDir: string): Promise<HostPathDecision> {
  const requested = normaliseHostPath(p);
  const real = await realHostPath(requested);
  const allowed = await Promise.all(policy.allow.map((a) => realHostPath(a)));
  if (allowed.some((a) => isUnder(real, a))) return { requested, real };
  if (policy.mode === 'refuse') {
    const list = policy.allow.length ? policy.allow.map(normaliseHostPath).join(', ') : 'none';
    const shown = real === requested ? requested : `${requested} (really ${real})`;
    return { refused: `hostPath ${shown} is outside the allowed host paths (${list}); start kubeterm with --allow-host-path ${real} to mount it` };
  }
  const base = path.join(rootDir, 'hostpath');
  const remapped = path.join(base, requested.slice(1));
  return { requested, real, remapped };
}

/**
 * The real path of a remapped hostPath's private directory, which must stay
 * inside <rootDir>/hostpath: a container that could write there may have
 * planted a symlink, and following it would reach the host after all.
 */
export async function remappedRealPath(remapped: string, rootDir: string): Promise<string | undefined> {
  const base = path.join(rootDir, 'hostpath');
  await fs.mkdir(base, { recursive: true, mode: 0o755 });
  const [realBase, real] = await Promise.all([realHostPath(base), realHostPath(remapped)]);
  return isUnder(real, realBase) ? real : undefined;
}

/**
 * The hostPath plugin's `type` check, with the kubelet's messages
 * (`hostPath type check failed: <path> is not a directory`, …); the *OrCreate
 * types create what is missing. `target` is checked, `shown` is the path the
 * message names (the manifest's), `note` is appended to failures.
 */
export async function checkHostPathType(target: string, type: string, shown: string, failed: (m: string) => Error, note = ''): Promise<void> {
  const st = await fs.stat(target).catch(() => undefined);
  const fail = (m: string) => failed(`hostPath type check failed: ${m}${note}`);
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) {
        await fs.mkdir(target, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st.isDirectory()) throw fail(`${shown} is not a directory`);
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw fail(`${shown} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!st) {
        try {
          await fs.writeFile(target, '', { flag: 'a', mode: 0o644 });
        } catch (e) {
          throw fail(`${shown}: ${(e as Error).message}`);
        }
        return;
      }
      if (!st.isFile()) throw fail(`${shown} is not a file`);
      return;
    case 'File':
      if (!st?.isFile()) throw fail(`${shown} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail(`${shown} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail(`${shown} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail(`${shown} is not a block device`);
      return;
    default:
      throw failed(`hostPath type check failed: unknown type ${JSON.stringify(type)}`);
  }
}
