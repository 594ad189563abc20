// `--git-commit`: each write-through becomes one commit of exactly the file it
// wrote, through the git CLI. Nothing else staged is swept in (`git commit --
// <file>` commits only that path), and kubeterm never pushes. Without a user
// identity configured, the commit is authored by `kubeterm <kubeterm@localhost>`.
import { execFile } from 'node:child_process';

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 30_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && code === 127 ? err.message : '')) });
    });
  });
}

/** True when `dir` is inside a git work tree (and git is installed). */
export async function isGitWorkTree(dir: string): Promise<boolean> {
  const r = await git(dir, ['rev-parse', '--is-inside-work-tree']);
  return r.code === 0 && r.stdout.trim() === 'true';
}

/** Commits `file` (absolute, inside `dir`'s work tree) alone with `message`; resolves with the new commit's short hash. */
export async function commitFile(dir: string, file: string, message: string): Promise<string> {
  if (!(await isGitWorkTree(dir))) throw new Error(`${dir} is not in a git work tree`);
  const identity: string[] = [];
  if ((await git(dir, ['config', '--get', 'user.email'])).code !== 0) identity.push('-c', 'user.email=kubeterm@localhost');
  if ((await git(dir, ['config', '--get', 'user.name'])).code !== 0) identity.push('-c', 'user.name=kubeterm');
  const add = await git(dir, ['add', '--', file]);
  if (add.code !== 0) throw new Error(`git add failed: ${add.stderr.trim()}`);
  const commit = await git(dir, [...identity, 'commit', '--quiet', '-m', message, '--', file]);
  if (commit.code !== 0) throw new Error(`git commit failed: ${(commit.stderr || commit.stdout).trim()}`);
  const head = await git(dir, ['rev-parse', '--short', 'HEAD']);
  return head.stdout.trim();
}
