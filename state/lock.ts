// One kubeterm per state file. `<file>.lock` is created exclusively (O_EXCL)
// and holds who owns it; a second kubeterm refuses to start and says who has
// it. A lock left behind by a process that no longer exists (kill -9, power
// loss) is taken over.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { hostname } from 'node:os';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export interface StateLockOptions {
  /** Is this pid running on this host? Injected by tests. */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
  pid?: number;
  host?: string;
}

/** A lock file younger than this with unreadable content is assumed to be mid-creation by another process. */
const FRESH_MS = 5000;

export class StateLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly path: string,
    readonly info: LockInfo,
  ) {
    process.on('exit', this.onExit);
  }

  /** Takes `<file>.lock`, or throws an Error naming the file and the process that holds it. */
  static acquire(file: string, opts: StateLockOptions = {}): StateLock {
    const path = `${file}.lock`;
    const now = opts.now ?? Date.now;
    const info: LockInfo = { pid: opts.pid ?? process.pid, host: opts.host ?? hostname(), startedAt: new Date(now()).toISOString() };
    const isAlive = opts.isAlive ?? pidAlive;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (tryCreate(path, info)) return new StateLock(path, info);
      const other = readLock(path);
      if (other === 'missing') continue; // released between our attempts
      if (other === 'unreadable') {
        if (ageMs(path, now) < FRESH_MS) {
          throw new Error(`state file ${file} is being locked by another kubeterm (${path}); try again, or use --state to choose another file`);
        }
      } else if (other.host !== info.host || isAlive(other.pid)) {
        const where = other.host !== info.host ? ` on host ${other.host}` : '';
        throw new Error(
          `state file ${file} is in use by another kubeterm (pid ${other.pid}${where}, started ${other.startedAt}); ` +
            'stop it or use --state to choose another file',
        );
      }
      // Stale: its owner is gone. Clear it and try again.
      clearStale(path, other, info.pid);
    }
    throw new Error(`state file ${file}: could not take ${path} (another kubeterm keeps racing for it); use --state to choose another file`);
  }

  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const cur = readLock(this.path);
    if (typeof cur === 'object' && cur.pid === this.info.pid && cur.startedAt === this.info.startedAt && cur.host === this.info.host) {
      try {
        unlinkSync(this.path);
      } catch {
        /* already gone */
      }
    }
  }
}

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create lock file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock without ever removing a fresh one: two kubeterms may
 * judge the same lock stale at once, and the slower must not delete the lock
 * the faster has just created. So the lock is first renamed aside (atomic: only
 * one process gets a given file), checked to be the stale one we judged, and
 * put back if it turns out to be someone's fresh lock.
 */
function clearStale(path: string, judged: LockInfo | 'unreadable', pid: number): void {
  const aside = `${path}.stale-${pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const got = readLock(aside);
  const same = judged === 'unreadable' ? got === 'unreadable' : typeof got === 'object' && got.pid === judged.pid && got.startedAt === judged.startedAt;
  if (!same) {
    try {
      linkSync(aside, path); // fails (EEXIST) rather than clobber a lock created meanwhile
    } catch {
      /* another owner already holds the path */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
}

function readLock(path: string): LockInfo | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0) {
      return { pid: v.pid, host: String(v.host ?? ''), startedAt: String(v.startedAt ?? 'at an unknown time') };
    }
  } catch {
    /* fall through */
  }
  return 'unreadable';
}

function ageMs(path: string, now: () => number): number {
  try {
    return now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Signal 0 checks existence without touching the process; EPERM means it exists but is not ours. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
