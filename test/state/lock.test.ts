import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StateLock } from '../../state/index.js';
import { pod } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-lock-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('state file lock', () => {
  it('writes {pid, host, startedAt} with mode 0600 and removes it on close', async () => {
    const file = join(dir, 'state.json');
    const s = await openStore({ file });
    const info = JSON.parse(readFileSync(`${file}.lock`, 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(info.startedAt)).not.toBeNaN();
    expect(statSync(`${file}.lock`).mode & 0o777).toBe(0o600);
    await s.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a second kubeterm on the same file refuses, naming the file and the other process', async () => {
    const file = join(dir, 'state.json');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const startedAt = '2026-01-01T10:00:00.000Z';
      writeFileSync(`${file}.lock`, JSON.stringify({ pid: child.pid, host: hostname(), startedAt }));
      const err = await openStore({ file }).catch((e: unknown) => e);
      expect((err as Error).message).toBe(
        `state file ${file} is in use by another kubeterm (pid ${child.pid}, started ${startedAt}); stop it or use --state to choose another file`,
      );
      expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(child.pid); // not stolen
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a second open in the same process too', async () => {
    const file = join(dir, 'state.json');
    const a = await openStore({ file });
    try {
      await expect(openStore({ file })).rejects.toThrow(`is in use by another kubeterm (pid ${process.pid}`);
    } finally {
      await a.close();
    }
  });

  it('takes over a stale lock left by a dead process', async () => {
    const file = join(dir, 'state.json');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited by now
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const s = await openStore({ file });
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    await s.store.create(pod('a'));
    await s.close();
  });

  it('a lock from another host is never assumed stale', () => {
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x' }));
    expect(() => StateLock.acquire(file, { isAlive: () => false })).toThrow(/in use by another kubeterm \(pid 1 on host elsewhere, started x\)/);
  });

  it('an unreadable lock is respected while fresh and taken over when old', () => {
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, '');
    const mtime = statSync(`${file}.lock`).mtimeMs;
    expect(() => StateLock.acquire(file, { now: () => mtime + 1000 })).toThrow('is being locked by another kubeterm');
    const lock = StateLock.acquire(file, { now: () => mtime + 60_000 });
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
    lock.release(); // twice is fine
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const file = join(dir, 'state.json');
    const lock = StateLock.acquire(file);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 424242, host: hostname(), startedAt: 'later' }));
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(true);
  });
});

describe('stale lock takeover race', () => {
  it('does not remove a fresh lock that replaced the stale one it judged', () => {
    const file = join(dir, 'state.json');
    const lockPath = `${file}.lock`;
    writeFileSync(lockPath, JSON.stringify({ pid: 999999, host: hostname(), startedAt: 'stale' }));
    // Between our judging it stale and clearing it, another kubeterm takes over:
    // simulated by the liveness probe swapping in a live owner's fresh lock.
    const fresh = { pid: 777, host: hostname(), startedAt: 'fresh' };
    let swapped = false;
    const isAlive = (pid: number) => {
      if (pid === 999999 && !swapped) {
        swapped = true;
        writeFileSync(lockPath, JSON.stringify(fresh));
        return false;
      }
      return pid === 777;
    };
    expect(() => StateLock.acquire(file, { isAlive })).toThrow('in use by another kubeterm (pid 777');
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toEqual(fresh);
  });
});
