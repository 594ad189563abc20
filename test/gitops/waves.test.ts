// Sync waves, Argo CD / Helm hooks and the prune/reconcile opt-outs, end to end:
// real files, the real chokidar watcher, the embedded engine on the simulated
// runtime (its Job and Deployment controllers run the hooks and roll out). Waits
// poll the sync's status or the cluster with a timeout; the folder sync's own
// timing (wave timeouts, generated hook names) runs on a FakeClock.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterClient } from '../../src/client/types.js';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { FakeClock } from '../../src/util/clock.js';
import { cm, deployment, newCluster, POLL_MS, tempFolder } from './helpers.js';
import { cleanupAfterEach, startSimEngine } from './sync-fixture.js';
import { until } from '../helpers/wait.js';

const cleanups = cleanupAfterEach({ ignoreErrors: true });
const newEngine = () => startSimEngine(cleanups);

/** Starts a sync without waiting for its first pass (which may wait on waves and hooks). */
async function setup(files: Record<string, string>, cfg: Partial<FolderSyncConfig> = {}, client?: ClusterClient) {
  const folder = await tempFolder('kubeterm-gitops-waves-');
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  const c = client ?? (await newEngine()).client;
  const clock = new FakeClock();
  const sync = new FolderSync({ client: c, folder: folder.dir, debounceMs: 15, stabilityMs: 60, syncName: 'waves', clock, waveTimeoutMs: 60_000, ...cfg });
  cleanups.push(async () => {
    await sync.stop();
    await folder.cleanup();
  });
  const started = sync.start();
  started.catch(() => {});
  return { folder, client: c, sync, clock, started };
}

const withAnnotations = (yaml: string, a: Record<string, string>): string =>
  yaml.replace(/^metadata:\n/m, `metadata:\n  annotations:\n${Object.entries(a).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n`);

/** A hook Job with generateName; `pod` annotations steer the simulated runtime (run-seconds, fail). */
const hookJob = (generateName: string, annotations: Record<string, string>, pod: Record<string, string> = { 'sim.kubeterm.io/run-seconds': '0' }): string => `apiVersion: batch/v1
kind: Job
metadata:
  generateName: ${generateName}
  annotations:
${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
${Object.entries(pod).map(([k, v]) => `        ${k}: "${v}"`).join('\n')}
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: busybox:1.36
`;

const docs = (...d: string[]) => d.join('---\n');

/** Records every object of these kinds the sync creates, in store order (resourceVersion). */
function recordCreates(client: ClusterClient, kinds: string[]): { order(): string[]; stop(): void } {
  const seen: { rv: number; what: string }[] = [];
  const subs = kinds.map((kind) =>
    client.watch(kind, { labelSelector: 'kubeterm.io/managed-by=folder-sync' }, (ev) => {
      if (ev.type !== 'ADDED') return;
      // A generated hook name ends in the phase and the time: `migrate-presync-1767225600` → `migrate-presync-*`.
      const name = ev.object.metadata.annotations?.['kubeterm.io/hook-of'] ? ev.object.metadata.name!.replace(/-\d+$/, '-*') : ev.object.metadata.name;
      seen.push({ rv: Number(ev.object.metadata.resourceVersion), what: `${ev.object.kind}/${name}` });
    }),
  );
  return {
    order: () => [...seen].sort((a, b) => a.rv - b.rv).map((s) => s.what),
    stop: () => subs.forEach((s) => s.stop()),
  };
}

const jobs = async (client: ClusterClient): Promise<KubeObject[]> => (await client.list('Job', { namespace: 'default', labelSelector: 'kubeterm.io/managed-by=folder-sync' })).items;

const argoFolder = {
  'hooks.yaml': docs(
    hookJob('migrate-', { 'argocd.argoproj.io/hook': 'PreSync' }),
    hookJob('smoke-', { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/sync-wave': '5' }),
  ),
  'config.yaml': withAnnotations(cm('config'), { 'argocd.argoproj.io/sync-wave': '-1' }),
  'web.yaml': deployment('web', { replicas: 1 }),
  'after.yaml': withAnnotations(cm('after'), { 'kubeterm.io/sync-wave': '1' }),
};

describe('FolderSync: sync waves and hooks', () => {
  it('runs PreSync hooks, waves -1/0/1 and PostSync hooks in order; a second sync makes new hook Jobs', async () => {
    const { client: c } = await newEngine();
    const rec = recordCreates(c, ['ConfigMap', 'Deployment', 'Job']);
    cleanups.push(async () => rec.stop());
    const { sync, clock, started } = await setup(argoFolder, {}, c);
    await until('the first sync', () => started.then(() => true), 15_000, POLL_MS);
    // Hook objects are marked but not in the object's apply list: the PostSync Job comes last although its wave is 5.
    expect(rec.order()).toEqual(['Job/migrate-presync-*', 'ConfigMap/config', 'Deployment/web', 'ConfigMap/after', 'Job/smoke-postsync-*']);
    const st = sync.status();
    expect(st.phase).toBe('Synced');
    expect(st.operation).toBeUndefined();
    const first = (await jobs(c)).map((j) => j.metadata.name!).sort();
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^migrate-presync-\d+$/);
    expect(first[1]).toMatch(/^smoke-postsync-\d+$/);
    const hookRows = st.files.find((f) => f.file === 'hooks.yaml')!.objects;
    expect(hookRows.map((o) => [o.name, o.health.status])).toEqual(expect.arrayContaining([[first[0], 'Healthy'], [first[1], 'Healthy']]));

    clock.advance(60_000); // a new second for the generated names
    await sync.syncNow();
    const second = (await jobs(c)).map((j) => j.metadata.name!).sort();
    // BeforeHookCreation (the default) deleted the first run's Jobs.
    expect(second).toHaveLength(2);
    for (const n of second) expect(first).not.toContain(n);
    expect(second[0]).toMatch(/^migrate-presync-/);
  }, 30_000);

  it('a failing PreSync Job stops the waves, fails the sync naming the hook, and runs SyncFail hooks', async () => {
    const { client: c, sync } = await setup({
      'hooks.yaml': docs(
        hookJob('migrate-', { 'argocd.argoproj.io/hook': 'PreSync' }, { 'sim.kubeterm.io/fail': '1' }),
        hookJob('notify-', { 'argocd.argoproj.io/hook': 'SyncFail' }),
      ),
      'app.yaml': cm('app'),
      'late.yaml': withAnnotations(cm('late'), { 'argocd.argoproj.io/sync-wave': '2' }),
    });
    const st = await until('a failed sync', () => (sync.status().phase === 'Failed' ? sync.status() : undefined), 15_000, POLL_MS);
    expect(st.operation?.message).toMatch(/PreSync hook Job "migrate-presync-\d+" \(hooks\.yaml\) failed: BackoffLimitExceeded: Job has reached the specified backoff limit; no wave was applied/);
    expect(st.errors.map((e) => e.message).join('\n')).toContain('PreSync hook Job "migrate-presync-');
    expect(await c.get('ConfigMap', 'default', 'app')).toBeUndefined();
    expect(await c.get('ConfigMap', 'default', 'late')).toBeUndefined();
    await until('the SyncFail hook', async () => (await jobs(c)).some((j) => j.metadata.name!.startsWith('notify-syncfail-')), 5000, POLL_MS);
  }, 30_000);

  it('HookSucceeded deletes the hook once it succeeded; Helm hook annotations are read as Argo CD reads them', async () => {
    const { client: c, sync, started } = await setup({
      'hooks.yaml': docs(
        hookJob('smoke-', { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' }),
        hookJob('seed-', { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'hook-succeeded' }),
      ),
      'app.yaml': cm('app'),
    });
    await until('the first sync', () => started.then(() => true), 15_000, POLL_MS);
    expect(await c.get('ConfigMap', 'default', 'app')).toBeDefined();
    expect(await jobs(c)).toEqual([]);
    const rows = sync.status().files.find((f) => f.file === 'hooks.yaml')!.objects;
    expect(rows.map((r) => r.message).sort()).toEqual(['PostSync hook', 'PreSync hook']);
    expect(rows.every((r) => r.health.status === 'Missing' && /deleted by its delete policy/.test(r.health.message ?? ''))).toBe(true);
  }, 30_000);

  it('a wave waits for a Deployment to be Available before the next wave, ', async () => {
    const pinned = deployment('web', { replicas: 1 }).replace('    spec:\n', '    spec:\n      nodeSelector:\n        disk: ssd\n');
    const { client: c, sync, started } = await setup({ 'web.yaml': pinned, 'after.yaml': withAnnotations(cm('after'), { 'argocd.argoproj.io/sync-wave': '1' }) });
    await until('the wave wait', () => /sync wave 0: waiting for Deployment "web" in namespace "default" to be healthy/.test(sync.status().waiting ?? ''), 10_000, POLL_MS);
    expect(await c.get('ConfigMap', 'default', 'after')).toBeUndefined();
    // The node gets the label: the pod schedules, the Deployment becomes Available, wave 1 applies.
    await c.patch('Node', '', 'node-1', 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await until('the first sync', () => started.then(() => true), 15_000, POLL_MS);
    expect(await c.get('ConfigMap', 'default', 'after')).toBeDefined();
    expect(sync.status().waiting).toBeUndefined();

  }, 30_000);

  it('a wave that never becomes healthy fails the sync after waveTimeoutMs, naming the object; later waves wait', async () => {
    const pinned = deployment('web', { replicas: 1 }).replace('    spec:\n', '    spec:\n      nodeSelector:\n        disk: nvme\n');
    const { client: c, sync, clock } = await setup({ 'web.yaml': pinned, 'after.yaml': withAnnotations(cm('after'), { 'argocd.argoproj.io/sync-wave': '1' }) });
    await until('the wave wait', () => /sync wave 0: waiting for Deployment "web"/.test(sync.status().waiting ?? ''), 10_000, POLL_MS);
    clock.advance(60_000);
    const st = await until('a failed sync', () => (sync.status().phase === 'Failed' ? sync.status() : undefined), 5000, POLL_MS);
    expect(st.operation?.message).toMatch(/sync wave 0|wave 0: Deployment "web" is not healthy: not ready after 60s: Progressing/);
    expect(st.operation?.message).toContain('waves 1 not applied');
    expect(st.files.find((f) => f.file === 'web.yaml')?.state).toBe('Failed');
    expect(await c.get('ConfigMap', 'default', 'after')).toBeUndefined();
  }, 30_000);
});

describe('FolderSync: prune and reconcile opt-outs', () => {
  it('keeps objects annotated Prune=false (Argo CD) or prune: disabled (Flux) when their files go away', async () => {
    const { client } = newCluster();
    const { folder, sync, started } = await setup(
      {
        'argo.yaml': withAnnotations(cm('argo'), { 'argocd.argoproj.io/sync-options': 'Prune=false,Validate=false' }),
        'flux.yaml': withAnnotations(cm('flux'), { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
        'plain.yaml': cm('plain'),
      },
      {},
      client,
    );
    await started;
    for (const f of ['argo.yaml', 'flux.yaml', 'plain.yaml']) await folder.remove(f);
    await until('plain pruned', async () => !(await client.get('ConfigMap', 'default', 'plain')), 5000, POLL_MS);
    await sync.idle();
    expect(await client.get('ConfigMap', 'default', 'argo')).toBeDefined();
    expect(await client.get('ConfigMap', 'default', 'flux')).toBeDefined();
  });

  it('reconcile: disabled (Flux) creates a missing object, then never updates it', async () => {
    const { client } = newCluster();
    const { folder, sync, started } = await setup({ 'frozen.yaml': withAnnotations(cm('frozen', { a: '1' }), { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }) }, {}, client);
    await started;
    expect((await client.get('ConfigMap', 'default', 'frozen'))?.data).toEqual({ a: '1' });
    await folder.write('frozen.yaml', withAnnotations(cm('frozen', { a: '2' }), { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }));
    await until('the skipped apply', () => sync.status().files.find((f) => f.file === 'frozen.yaml')?.objects[0]?.lastAction === 'skipped', 5000, POLL_MS);
    expect((await client.get('ConfigMap', 'default', 'frozen'))?.data).toEqual({ a: '1' });
  });

  it('refuses generateName on an object that is not a hook', async () => {
    const { client } = newCluster();
    const { sync, started } = await setup({ 'gen.yaml': cm('x').replace('  name: x', '  generateName: x-') }, {}, client);
    await started;
    expect(sync.status().errors[0].message).toMatch(/a folder sync needs a fixed name/);
  });
});
