// The revision shown in the sync status: git HEAD of the checkout the folder
// lives in, read straight from .git (HEAD, the ref file, packed-refs) so that
// no git binary is needed and nothing is spawned on every sync.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The commit HEAD points at, or undefined when the folder is not in a git checkout. */
export async function readGitRevision(folder: string): Promise<string | undefined> {
  const gitDir = await findGitDir(resolve(folder));
  if (!gitDir) return undefined;
  try {
    const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
    if (!head.startsWith('ref:')) return isSha(head) ? head : undefined;
    const ref = head.slice(4).trim();
    // Worktrees keep refs in the common dir.
    const dirs = [gitDir];
    const common = await readText(join(gitDir, 'commondir'));
    if (common) dirs.push(resolve(gitDir, common.trim()));
    for (const d of dirs) {
      const loose = (await readText(join(d, ref)))?.trim();
      if (loose && isSha(loose)) return loose;
      const packed = await readText(join(d, 'packed-refs'));
      if (packed) {
        for (const line of packed.split('\n')) {
          const [sha, name] = line.trim().split(' ');
          if (name === ref && isSha(sha)) return sha;
        }
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The .git directory of the checkout holding `start`, if any. */
export async function findGitDir(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, '.git');
    try {
      const st = await stat(candidate);
      if (st.isDirectory()) return candidate;
      if (st.isFile()) {
        // A worktree or submodule: `.git` is a file `gitdir: <path>`.
        const m = /^gitdir:\s*(.+)$/m.exec(await readFile(candidate, 'utf8'));
        if (m) return resolve(dir, m[1].trim());
      }
    } catch {
      // not here; look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function readText(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}

function isSha(s: string | undefined): s is string {
  return !!s && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(s);
}

/**
 * True while git is rewriting the checkout (`git pull`, `git checkout` hold
 * .git/index.lock): syncing then would see half a commit, and could prune an
 * object whose file is deleted and rewritten a moment later.
 */
export async function gitBusy(gitDir: string | undefined): Promise<boolean> {
  if (!gitDir) return false;
  return stat(join(gitDir, 'index.lock')).then(
    () => true,
    () => false,
  );
}
