// Reading the folder: git revision, kustomize folders, ignored files, health rules.
import { describe, expect, it } from 'vitest';
import { readGitRevision } from '../../src/gitops/git.js';
import { healthOf } from '../../src/gitops/health.js';
import { isIgnoredPath, isSyncedFile } from '../../src/gitops/ignore.js';
import { KubectlMissingError } from '../../src/gitops/kustomize.js';
import { scanSources } from '../../src/gitops/sources.js';
import { FolderSync } from '../../src/gitops/sync.js';
import { cm, newCluster, POLL_MS, tempFolder } from './helpers.js';
import { cleanupAfterEach, hasKubectl } from './sync-fixture.js';
import { until } from '../helpers/wait.js';

const cleanups = cleanupAfterEach();

async function folderWith(files: Record<string, string>) {
  const f = await tempFolder();
  cleanups.push(() => f.cleanup());
  for (const [rel, text] of Object.entries(files)) await f.write(rel, text);
  return f;
}

describe('readGitRevision', () => {
  const sha = 'a'.repeat(40);
  it('reads HEAD through a loose ref, packed-refs, a detached HEAD, from a subfolder', async () => {
    const f = await folderWith({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${sha}\n`, 'apps/x.yaml': '' });
    expect(await readGitRevision(`${f.dir}/apps`)).toBe(sha);
    await f.remove('.git/refs/heads/main');
    await f.write('.git/packed-refs', `# pack-refs with: peeled fully-peeled sorted\n${'b'.repeat(40)} refs/heads/main\n`);
    expect(await readGitRevision(f.dir)).toBe('b'.repeat(40));
    await f.write('.git/HEAD', `${'c'.repeat(40)}\n`);
    expect(await readGitRevision(f.dir)).toBe('c'.repeat(40));
  });

  it('is shown in the sync status', async () => {
    const f = await folderWith({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${sha}\n`, 'a.yaml': cm('a') });
    const sync = new FolderSync({ client: newCluster().client, folder: f.dir, watch: false, syncName: 'git' });
    cleanups.push(() => sync.stop());
    await sync.start();
    expect(sync.status().revision).toBe(sha);
    expect(sync.status().files.map((x) => x.file)).toEqual(['a.yaml']);
  });
});

describe('folder contents', () => {
  it('ignores dotfiles, .git, editor swap and backup files, and non-manifests', async () => {
    expect(['a.yaml', 'd/b.json', 'c.yml'].every(isSyncedFile)).toBe(true);
    expect(['.a.yaml', '.git/x.yaml', 'a.yaml~', '#a.yaml#', 'a.yaml.swp', '.a.yaml.swx', '4913', 'README.md', 'x.yaml.bak'].some(isSyncedFile)).toBe(false);
    expect(isIgnoredPath('.github/workflows/ci.yaml')).toBe(true);
    const f = await folderWith({ 'a.yaml': cm('a'), '.hidden/b.yaml': cm('b'), 'c.yaml~': cm('c'), 'notes.txt': 'x', 'd/e.json': '{}' });
    expect((await scanSources(f.dir)).map((s) => s.name)).toEqual(['a.yaml', 'd/e.json']);
  });

  it.skipIf(!hasKubectl)('builds a kustomization folder with kubectl kustomize', async () => {
    const f = await folderWith({
      'plain.yaml': cm('plain'),
      'overlay/kustomization.yaml': 'resources:\n- cm.yaml\nnamePrefix: dev-\n',
      'overlay/cm.yaml': cm('base'),
    });
    const { api, client } = newCluster();
    const sync = new FolderSync({ client, folder: f.dir, syncName: 'kz', debounceMs: 15 });
    cleanups.push(() => sync.stop());
    await sync.start();
    expect(api.get('ConfigMap', 'default', 'dev-base')?.metadata.annotations?.['kubeterm.io/source']).toBe('overlay/kustomization.yaml');
    expect(api.get('ConfigMap', 'default', 'base')).toBeUndefined();
    expect(api.get('ConfigMap', 'default', 'plain')).toBeDefined();
    // A change to a file the kustomization uses rebuilds it.
    await f.write('overlay/cm.yaml', cm('base', { a: '2' }));
    await until('rebuilt', () => (api.get('ConfigMap', 'default', 'dev-base')?.data as any)?.a === '2', 10000, POLL_MS);
  });
  if (!hasKubectl) console.log('kustomize build test skipped: kubectl is not installed');

  it('refuses a kustomization folder with a clear message when kubectl is missing', async () => {
    const f = await folderWith({ 'k/kustomization.yaml': 'resources: [cm.yaml]\n', 'k/cm.yaml': cm('x'), 'other.yaml': cm('other') });
    const { api, client } = newCluster();
    const sync = new FolderSync({
      client,
      folder: f.dir,
      watch: false,
      syncName: 'nokubectl',
      kustomize: async () => {
        throw new KubectlMissingError('kubectl is not installed');
      },
    });
    cleanups.push(() => sync.stop());
    await sync.start();
    const err = sync.status().errors[0];
    expect(err.file).toBe('k/kustomization.yaml');
    expect(err.message).toMatch(/kustomization was found in "k" but kubectl is not installed/);
    expect(api.get('ConfigMap', 'default', 'x')).toBeUndefined();
    expect(api.get('ConfigMap', 'default', 'other')).toBeDefined();
  });
});

describe('healthOf', () => {
  const dep = (status: any, spec: any = { replicas: 2 }, generation = 1) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec, status });
  it('Deployment: Progressing until observed, updated and available; Degraded past its deadline', () => {
    expect(healthOf(dep({ observedGeneration: 0 })).status).toBe('Progressing');
    expect(healthOf(dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1 })).message).toBe(
      'Waiting for rollout to finish: 1 out of 2 new replicas have been updated...',
    );
    expect(healthOf(dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))).toEqual({
      status: 'Healthy',
      message: 'deployment "d" successfully rolled out',
    });
    expect(healthOf(dep({ observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })).status).toBe('Degraded');
  });
  it('Pod, PVC, Job and the rest', () => {
    const pod = (status: any) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status });
    expect(healthOf(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })).status).toBe('Healthy');
    expect(healthOf(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] })).status).toBe('Progressing');
    expect(healthOf(pod({ phase: 'Succeeded' })).status).toBe('Healthy');
    expect(healthOf(pod({ phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } } }] })).status).toBe('Degraded');
    expect(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Bound' } }).status).toBe('Healthy');
    expect(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Pending' } }).status).toBe('Progressing');
    const job = (conditions: any[]) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: {}, status: { conditions } });
    expect(healthOf(job([{ type: 'Complete', status: 'True' }])).status).toBe('Healthy');
    expect(healthOf(job([{ type: 'Failed', status: 'True', message: 'Job has reached the specified backoff limit' }]))).toEqual({
      status: 'Degraded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(healthOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).status).toBe('Healthy');
    expect(healthOf(undefined).status).toBe('Missing');
  });
});

describe('syncNameFor', () => {
  it('names a sync after its folder, told apart by a hash of the full path', async () => {
    const { syncNameFor } = await import('../../src/gitops/labels.js');
    const a = syncNameFor('/home/me/a/GitOps_Prod');
    expect(a).toMatch(/^gitops-prod-[0-9a-f]{6}$/);
    expect(syncNameFor('/home/me/b/GitOps_Prod')).not.toBe(a);
    expect(syncNameFor('/home/me/a/GitOps_Prod')).toBe(a);
  });
});
