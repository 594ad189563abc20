// A small cross-process lock around changes to the shared service link
// (kubeterm0). Several kubeterm engines on one machine share the link; one
// that stops deletes it when no address is left on it. Without a lock,
// another engine could add its ClusterIP between that check and the delete,
// and lose it to the delete while believing it local — after which traffic to
// that ClusterIP would follow the default route off the machine. With the
// lock, "check then delete" and "add an address" never interleave.
//
// The lock is a file created exclusively holding the owner's pid. A lock whose
// owner is gone (a crash) or that is older than `staleMs` is taken over, and a
// waiter gives up waiting after `waitMs` and goes ahead: a stuck lock must not
// stop an engine from starting or stopping.
import { openSync, closeSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

export interface LinkLockOptions {
  path: string;
  staleMs?: number;
  waitMs?: number;
}

function ownerAlive(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is not ours to signal.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(path: string, staleMs: number): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no lock directory to speak of: go ahead unlocked
    let age = 0;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      return false; // released meanwhile: the next try takes it
    }
    if (age > staleMs || !ownerAlive(path)) {
      try {
        unlinkSync(path);
      } catch {
        // someone else took it over first
      }
    }
    return false;
  }
}

/** Runs `fn` holding the lock (or, after `waitMs` of waiting, without it). */
export async function withLinkLock<T>(opts: LinkLockOptions, fn: () => Promise<T>): Promise<T> {
  const staleMs = opts.staleMs ?? 10_000;
  const deadline = Date.now() + (opts.waitMs ?? 5000);
  let held = false;
  while (!(held = tryTake(opts.path, staleMs)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  try {
    return await fn();
  } finally {
    if (held) {
      try {
        // Only our own lock is removed (a waiter that timed out never deletes another's).
        if (readFileSync(opts.path, 'utf8').trim() === String(process.pid)) unlinkSync(opts.path);
      } catch {
        // already gone
      }
    }
  }
}
