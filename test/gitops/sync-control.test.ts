// Sync control: suspend/resume (persisted), reconcile now, the kubectl-style
// diff, and ignore rules (annotation and .kubeterm.yaml). Real files, real
// chokidar; the engine on the simulated runtime where the cluster's own
// behaviour matters, a bare Api elsewhere. Heal delays run on a FakeClock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterClient } from '../../src/client/types.js';
import { Engine } from '../../src/engine.js';
import { kubectlDiffText } from '../../src/gitops/diff.js';
import { driftPaths, ignoredPaths, parseJqPath, parseSyncConfig, withFieldsFrom, withoutPaths } from '../../src/gitops/ignore-differences.js';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { unifiedHunks } from '../../src/gitops/unified-diff.js';
import { FakeClock } from '../../src/util/clock.js';
import { deployment, newCluster, POLL_MS, tempFolder } from './helpers.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Folder = Awaited<ReturnType<typeof tempFolder>>;

async function engineClient(): Promise<ClusterClient> {
  const engine = new Engine({ persist: false, runtime: 'sim', nodes: 1, network: false, apiServer: false });
  await engine.start();
  cleanups.push(() => engine.stop());
  return engine.client();
}

async function startSync(client: ClusterClient, folder: Folder, cfg: Partial<FolderSyncConfig> = {}) {
  const clock = new FakeClock();
  const sync = new FolderSync({ client, folder: folder.dir, debounceMs: 15, syncName: 'control', clock, healDelayMs: 1000, ...cfg });
  cleanups.push(() => sync.stop());
  await sync.start();
  return { sync, clock };
}

async function folderWith(files: Record<string, string>): Promise<Folder> {
  const folder = await tempFolder('kubeterm-sync-control-');
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  cleanups.push(() => folder.cleanup());
  return folder;
}

const obj = (sync: FolderSync, name: string) => sync.status().files.flatMap((f) => f.objects).find((o) => o.name === name);
const replicas = async (client: ClusterClient, name: string) => (await client.get('Deployment', 'default', name))?.spec?.replicas as number | undefined;

describe('suspend and resume', () => {
  it('a suspended sync does not apply folder edits nor heal drift; resume applies the edits', async () => {
    const client = await engineClient();
    const folder = await folderWith({ 'web.yaml': deployment('web', { replicas: 2 }), 'api.yaml': deployment('api', { replicas: 1 }) });
    const { sync, clock } = await startSync(client, folder);
    expect(await replicas(client, 'web')).toBe(2);

    await sync.suspend();
    expect(sync.status().suspended?.since).toBe('2026-01-01T00:00:00.000Z');
    await folder.write('web.yaml', deployment('web', { replicas: 5 }));
    // The edit is read (status says so) but not applied.
    const seen = await until('the edit to be seen', () => (obj(sync, 'web')?.message?.includes('suspended') ? obj(sync, 'web') : undefined), 5000, POLL_MS);
    expect(seen).toMatchObject({ state: 'OutOfSync', message: 'changed in the folder; not applied while the sync is suspended' });
    expect(await replicas(client, 'web')).toBe(2);

    // Drift is reported, never healed while suspended.
    await client.scale('Deployment', 'default', 'api', 4);
    await until('api drift reported', () => obj(sync, 'api')?.state === 'OutOfSync', 5000, POLL_MS);
    clock.advance(60_000);
    await sync.idle();
    expect(await replicas(client, 'api')).toBe(4);

    // Reconcile is refused while suspended, as flux refuses it.
    await expect(sync.reconcile()).rejects.toThrow(/suspended: resume it first/);

    await sync.resume();
    expect(sync.status().suspended).toBeUndefined();
    expect(await replicas(client, 'web')).toBe(5);
    expect(obj(sync, 'web')?.state).toBe('Synced');
    // Drift is healed again after the heal delay.
    clock.advance(1000);
    await until('api healed back to 1 replica', async () => (await replicas(client, 'api')) === 1, 5000, POLL_MS);
  });

  it('suspension survives a restart of the sync (the control file), and resume clears it', async () => {
    const { client } = newCluster();
    const folder = await folderWith({ 'web.yaml': deployment('web', { replicas: 2 }) });
    const suspendFile = join(folder.dir, '..', `${folder.dir.split('/').pop()}-control.json`);
    cleanups.push(() => import('node:fs/promises').then((fs) => fs.rm(suspendFile, { force: true })));
    const first = await startSync(client, folder, { suspendFile });
    await first.sync.suspend();
    expect(JSON.parse(await readFile(suspendFile, 'utf8'))).toMatchObject({ version: 1, syncs: { control: { suspended: true, folder: folder.dir } } });
    await first.sync.stop();

    // Changed while kubeterm was down, and seen by the restarted (still suspended) sync as not applied.
    await folder.write('web.yaml', deployment('web', { replicas: 5 }));
    const second = await startSync(client, folder, { suspendFile });
    expect(second.sync.suspended).toBe(true);
    expect(second.sync.status().phase).not.toBe('Starting');
    expect(obj(second.sync, 'web')).toMatchObject({ state: 'OutOfSync', message: 'changed in the folder; not applied while the sync is suspended' });
    expect(await replicas(client, 'web')).toBe(2);

    // The diff shows the changed field, as kubectl diff prints it.
    const diff = await second.sync.diff('Deployment', 'default', 'web');
    expect(diff).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/apps\.v1\.Deployment\.default\.web \/tmp\/MERGED-\d+\/apps\.v1\.Deployment\.default\.web$/m);
    expect(diff).toContain('\n-  replicas: 2\n+  replicas: 5\n');

    await second.sync.resume();
    expect(await replicas(client, 'web')).toBe(5);
    expect(JSON.parse(await readFile(suspendFile, 'utf8')).syncs).toEqual({});
    await second.sync.stop();
    const third = await startSync(client, folder, { suspendFile });
    expect(third.sync.suspended).toBe(false);
  });

  it('an unchanged object of a sync restarted while suspended is Synced, not "not applied"', async () => {
    const { client } = newCluster();
    const folder = await folderWith({ 'web.yaml': deployment('web', { replicas: 2 }) });
    const first = await startSync(client, folder);
    await first.sync.stop();
    const second = await startSync(client, folder, { suspended: true });
    expect(obj(second.sync, 'web')?.state).toBe('Synced');
  });
});

describe('reconcile now', () => {
  it('re-applies every object at once, drift included', async () => {
    const { client } = newCluster();
    const folder = await folderWith({ 'web.yaml': deployment('web', { replicas: 2 }) });
    const { sync } = await startSync(client, folder, { selfHeal: false });
    await client.scale('Deployment', 'default', 'web', 7);
    await until('drift', () => obj(sync, 'web')?.state === 'OutOfSync', 5000, POLL_MS);
    await sync.reconcile();
    expect(await replicas(client, 'web')).toBe(2);
  });
});

describe('the kubectl-style diff', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', generation: 1, managedFields: [{ manager: 'x' }] },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
  };
  const merged = structuredClone(live);
  merged.metadata.generation = 2;
  merged.spec.replicas = 5;

  it('prints kubectl diff headers and a unified hunk with the changed field', () => {
    const lines = kubectlDiffText({ live, merged, now: Date.parse('2026-01-01T00:00:00Z'), ids: { live: '111', merged: '222' } });
    expect(lines).toEqual([
      'diff -u -N /tmp/LIVE-111/apps.v1.Deployment.default.web /tmp/MERGED-222/apps.v1.Deployment.default.web',
      '--- /tmp/LIVE-111/apps.v1.Deployment.default.web\t2026-01-01 00:00:00.000000000 +0000',
      '+++ /tmp/MERGED-222/apps.v1.Deployment.default.web\t2026-01-01 00:00:00.000000000 +0000',
      '@@ -1,11 +1,11 @@',
      ' apiVersion: apps/v1',
      ' kind: Deployment',
      ' metadata:',
      '-  generation: 1',
      '+  generation: 2',
      '   name: web',
      '   namespace: default',
      ' spec:',
      '-  replicas: 2',
      '+  replicas: 5',
      '   template:',
      '     spec:',
      '       containers:',
    ]);
  });

  it('prints nothing when they agree, and leaves ignored fields out', () => {
    expect(kubectlDiffText({ live, merged: live, now: 0 })).toEqual([]);
    const text = kubectlDiffText({ live, merged, now: 0, ignore: [['spec', 'replicas']] }).join('\n');
    expect(text).not.toContain('replicas');
    expect(text).toContain('+  generation: 2');
  });

  it('diffs a new object against an empty file (diff -N)', () => {
    const lines = kubectlDiffText({ merged: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, now: 0, ids: { live: '1', merged: '2' } });
    expect(lines[0]).toBe('diff -u -N /tmp/LIVE-1/v1.Namespace..team /tmp/MERGED-2/v1.Namespace..team');
    expect(lines.slice(3)).toEqual(['@@ -0,0 +1,4 @@', '+apiVersion: v1', '+kind: Namespace', '+metadata:', '+  name: team']);
  });

  it('hunks keep 3 lines of context and split far-apart changes', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = [...a];
    b[1] = 'x1';
    b[18] = 'x18';
    expect(unifiedHunks(a, b)).toEqual(['@@ -1,5 +1,5 @@', ' l0', '-l1', '+x1', ' l2', ' l3', ' l4', '@@ -16,5 +16,5 @@', ' l15', ' l16', ' l17', '-l18', '+x18', ' l19']);
  });
});

describe('ignore rules', () => {
  const dep = (annotations?: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } },
  });

  it('reads JSON pointers from the annotation and rules from .kubeterm.yaml', () => {
    const cfg = parseSyncConfig(`ignoreDifferences:
  - group: apps
    kind: Deployment
    name: web
    jsonPointers: [/spec/template/spec/containers/0/image]
    jqPathExpressions: ['.spec.template.spec.containers[].name']
  - group: apps
    kind: Deployment
    name: other
    jsonPointers: [/spec/paused]
  - kind: Service
    jsonPointers: [no-slash]
`);
    expect(cfg.errors).toEqual(['.kubeterm.yaml: ignoreDifferences[2].jsonPointers: JSON pointer "no-slash" must start with "/"']);
    const d = dep({ 'kubeterm.io/ignore-differences': '["/spec/replicas"]' });
    const paths = ignoredPaths(d, cfg.ignoreDifferences);
    expect(driftPaths(d, paths)).toEqual(['spec.replicas', 'spec.template.spec.containers[0].image', 'spec.template.spec.containers[0].name', 'spec.template.spec.containers[1].name']);
    expect(() => parseJqPath('.spec.containers[] | select(.name == "a")')).toThrow(/not supported/);
    const errs: string[] = [];
    ignoredPaths(dep({ 'kubeterm.io/ignore-differences': '/spec/replicas' }), [], (m) => errs.push(m));
    expect(errs[0]).toMatch(/^Deployment\/web: annotation kubeterm.io\/ignore-differences: /);
  });

  it('copies or drops ignored fields', () => {
    const live = dep();
    live.spec.replicas = 7;
    expect(withFieldsFrom(dep(), live, [['spec', 'replicas']]).spec.replicas).toBe(7);
    expect(withoutPaths(dep(), [['spec', 'replicas']]).spec).not.toHaveProperty('replicas');
  });

  it('an annotated field is neither drift nor healed nor in the diff', async () => {
    const { client } = newCluster();
    const manifest = deployment('web', { replicas: 2 }).replace('  name: web\n', `  name: web\n  annotations:\n    kubeterm.io/ignore-differences: '["/spec/replicas"]'\n`);
    const folder = await folderWith({ 'web.yaml': manifest });
    const { sync, clock } = await startSync(client, folder);
    await client.scale('Deployment', 'default', 'web', 6);
    await until('scaled', async () => (await replicas(client, 'web')) === 6, 3000, POLL_MS);
    await until('status', () => sync.status().files.length > 0, 3000, POLL_MS);
    expect(obj(sync, 'web')?.state).toBe('Synced');
    expect(await sync.diff('Deployment', 'default', 'web')).not.toMatch(/replicas/);
    clock.advance(10_000);
    await sync.idle();
    expect(await replicas(client, 'web')).toBe(6);
  });

  it('.kubeterm.yaml rules apply, and a change of the file takes effect without a restart', async () => {
    const { client } = newCluster();
    const folder = await folderWith({ 'web.yaml': deployment('web', { replicas: 2 }) });
    const { sync, clock } = await startSync(client, folder);
    await client.scale('Deployment', 'default', 'web', 6);
    await until('drift before the rule', () => obj(sync, 'web')?.state === 'OutOfSync', 5000, POLL_MS);
    await folder.write('.kubeterm.yaml', 'ignoreDifferences:\n  - group: apps\n    kind: Deployment\n    jsonPointers: [/spec/replicas]\n');
    await until('Synced once the rule is read', () => obj(sync, 'web')?.state === 'Synced', 5000, POLL_MS);
    clock.advance(10_000);
    await sync.idle();
    expect(await replicas(client, 'web')).toBe(6);
    await folder.write('.kubeterm.yaml', 'ignoreDifferences:\n  - kind: Deployment\n    jsonPointers: [bad]\n');
    await until('the bad rule reported', () => sync.status().errors.some((e) => e.file === '.kubeterm.yaml'), 5000, POLL_MS);
  });
});

describe('a suspension set in the UI holds for a headless run', () => {
  it('headless starts suspended, says so, and applies nothing from the folder', async () => {
    const { newCluster: cluster, cm } = await import('./helpers.js');
    const { startHeadless } = await import('../../src/cli/headless.js');
    const { api, client } = cluster();
    const folder = await tempFolder('kubeterm-headless-suspend-');
    cleanups.push(() => folder.cleanup());
    const suspendFile = join(folder.dir, '..', `${folder.dir.split('/').pop()}-sync-control.json`);
    const first = new FolderSync({ client, folder: folder.dir, suspendFile });
    await first.start();
    await first.suspend();
    await first.stop();
    await folder.write('cm.yaml', cm('late', { a: '1' }));
    const out: string[] = [];
    const run = await startHeadless({ client, folder: folder.dir, prune: true, dryRun: false, suspendFile, out: (l) => out.push(l), err: () => undefined });
    cleanups.push(() => run.stop());
    expect(out.some((l) => / suspended/.test(l) && l.startsWith(`SYNC ${folder.dir}:`))).toBe(true);
    expect(api.get('ConfigMap', 'default', 'late')).toBeUndefined();
    await run.sync!.resume();
    await until('ConfigMap late applied after resume', () => api.get('ConfigMap', 'default', 'late'), 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'late')).toBeDefined();
  });
});
