// The watched folder is never followed outside itself through symlinks: a
// link to a manifest elsewhere, a link to a folder elsewhere, and symlink loops
// neither apply anything from outside nor hang the sync — at start, when links
// appear while the sync runs, and on a full resync. (Tests src/gitops from the
// outside; it is not edited here.)
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderSync } from '../../src/gitops/sync.js';
import { cm, eventually, newCluster } from '../gitops/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function layout(o: { loops: boolean }) {
  const root = await mkdtemp(join(tmpdir(), 'kubeterm-symlinks-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const outside = join(root, 'outside');
  const folder = join(root, 'gitops');
  await mkdir(join(outside, 'dir'), { recursive: true });
  await mkdir(join(outside, 'dir2'), { recursive: true });
  await mkdir(join(folder, 'a'), { recursive: true });
  await writeFile(join(outside, 'secret.yaml'), cm('outside-file'));
  await writeFile(join(outside, 'late.yaml'), cm('outside-late'));
  await writeFile(join(outside, 'dir', 'x.yaml'), cm('outside-dir'));
  await writeFile(join(outside, 'dir2', 'y.yaml'), cm('outside-late-dir'));
  await writeFile(join(folder, 'ok.yaml'), cm('inside'));
  await symlink(join(outside, 'secret.yaml'), join(folder, 'link.yaml'));
  await symlink('../outside/dir', join(folder, 'linkdir'));
  if (o.loops) {
    await symlink('.', join(folder, 'loop')); // a folder that contains itself
    await symlink('..', join(folder, 'a', 'up')); // a loop through a subfolder
    await symlink(join(root), join(folder, 'root')); // the parent of the watched folder
  }
  return { root, outside, folder };
}

const OUTSIDE = ['outside-file', 'outside-dir', 'outside-late', 'outside-late-dir'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves to 'done' or 'timeout': a hang is a failure with a message, not a stuck test. */
function within<T>(p: Promise<T>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([p.then(() => 'done' as const), sleep(ms).then(() => 'timeout' as const)]);
}

async function started(folder: string) {
  const { api, client } = newCluster();
  const sync = new FolderSync({ client, folder, debounceMs: 15, stabilityMs: 60, syncName: 'links' });
  cleanups.push(async () => void (await within(sync.stop(), 3000)));
  const res = await within(sync.start(), 10_000);
  return { api, sync, res };
}

/** Writes a real manifest and waits for it: proof the watcher has handled everything before it. */
async function marker(api: ReturnType<typeof newCluster>['api'], folder: string, name: string): Promise<void> {
  await sleep(300);
  await writeFile(join(folder, `${name}.yaml`), cm(name));
  await eventually(() => api.get('ConfigMap', 'default', name), 5000, `${name} applied`);
  await sleep(300);
}

describe('symlinks in the watched folder', () => {
  it('links out of the folder present at start: nothing from outside is applied', async () => {
    const { folder } = await layout({ loops: false });
    const { api, sync, res } = await started(folder);
    expect(res).toBe('done');
    await eventually(() => api.get('ConfigMap', 'default', 'inside'), 5000, 'the real manifest applied');
    await sync.syncNow();
    for (const name of OUTSIDE) expect(api.get('ConfigMap', 'default', name), name).toBeUndefined();
  });

  it('a link to a manifest outside the folder, created while the sync runs, is not followed', async () => {
    const { outside, folder } = await layout({ loops: false });
    const { api, sync, res } = await started(folder);
    expect(res).toBe('done');
    await symlink(join(outside, 'late.yaml'), join(folder, 'late.yaml'));
    await marker(api, folder, 'marker-1');
    await sync.syncNow();
    expect(api.get('ConfigMap', 'default', 'outside-late'), 'outside-late.yaml was applied through the link late.yaml').toBeUndefined();
  });

  it('a link to a folder outside, created while the sync runs, is not followed', async () => {
    const { outside, folder } = await layout({ loops: false });
    const { api, sync, res } = await started(folder);
    expect(res).toBe('done');
    await symlink(join(outside, 'dir2'), join(folder, 'latedir'));
    await marker(api, folder, 'marker-2');
    await sync.syncNow();
    expect(api.get('ConfigMap', 'default', 'outside-late-dir'), 'dir2/y.yaml was applied through the link latedir').toBeUndefined();
  });

  it('symlink loops (a folder linking to itself and to its parent) do not hang the start', async () => {
    const { folder } = await layout({ loops: true });
    const { api, res } = await started(folder);
    expect(res, 'FolderSync.start() did not finish within 10 s with symlink loops in the folder').toBe('done');
    await eventually(() => api.get('ConfigMap', 'default', 'inside'), 5000, 'the real manifest applied');
    for (const name of OUTSIDE) expect(api.get('ConfigMap', 'default', name), name).toBeUndefined();
  });
});
