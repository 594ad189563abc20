// Setup the folder-sync test files share: cleanups run after each test, a
// started FolderSync over a temporary folder, a started engine on the
// simulated runtime, and whether kubectl is on PATH
// (for the kustomize cases). Kept apart from helpers.ts, which the gitops
// bench imports and so must not pull in vitest or run kubectl.
import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';
import type { ClusterClient } from '../../src/client/types.js';
import { Engine } from '../../src/engine.js';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { newCluster, tempFolder } from './helpers.js';

export type Cleanups = (() => Promise<void>)[];

/**
 * A list whose functions run after each test, last pushed first. Call once, at
 * a test file's top level. `ignoreErrors`: a cleanup that fails (an engine
 * already stopped by the test) does not fail the test or skip the rest.
 */
export function cleanupAfterEach(opts: { ignoreErrors?: boolean } = {}): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    while (cleanups.length) {
      const done = cleanups.pop()!();
      await (opts.ignoreErrors ? done.catch(() => {}) : done);
    }
  });
  return cleanups;
}

/** The embedded engine on the simulated runtime (one node, nothing persisted), started; stopping it goes on `cleanups`. */
export async function startSimEngine(cleanups: Cleanups): Promise<{ engine: Engine; client: ClusterClient }> {
  const engine = new Engine({ persist: false, runtime: 'sim', nodes: 1 });
  await engine.start();
  const client = engine.client();
  cleanups.push(() => engine.stop());
  return { engine, client };
}

/**
 * A FolderSync named `syncName` on a fresh cluster, over a temporary folder
 * holding `files`, started; stopping it and removing the folder go on `cleanups`.
 */
export async function startFolderSync(cleanups: Cleanups, syncName: string, files: Record<string, string> = {}, cfg: Partial<FolderSyncConfig> = {}) {
  const folder = await tempFolder();
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  const { api, client } = newCluster();
  const sync = new FolderSync({ client, folder: folder.dir, debounceMs: 15, stabilityMs: 60, syncName, ...cfg });
  cleanups.push(async () => {
    await sync.stop();
    await folder.cleanup();
  });
  await sync.start();
  return { folder, api, client, sync };
}

export const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
