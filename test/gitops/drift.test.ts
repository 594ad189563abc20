// Drift: detection (only fields the folder sets), healing after a delay, and the switches.
import { afterEach, describe, expect, it } from 'vitest';
import { describeDrift, findDrift } from '../../src/gitops/drift.js';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { FakeClock } from '../../src/util/clock.js';
import { deployment, newCluster, POLL_MS, tempFolder } from './helpers.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(files: Record<string, string>, cfg: Partial<FolderSyncConfig> = {}) {
  const folder = await tempFolder();
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  const { api, client } = newCluster();
  const sync = new FolderSync({ client, folder: folder.dir, debounceMs: 15, syncName: 'drift', ...cfg });
  cleanups.push(async () => {
    await sync.stop();
    await folder.cleanup();
  });
  await sync.start();
  return { folder, api, client, sync };
}

const web = (st: ReturnType<FolderSync['status']>) => st.files.flatMap((f) => f.objects).find((o) => o.name === 'web')!;

describe('findDrift', () => {
  const desired = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', labels: { a: '1' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } };
  const live = (patch: (o: any) => void) => {
    const o = JSON.parse(JSON.stringify(desired));
    o.metadata.uid = 'u';
    o.metadata.labels.extra = 'y';
    o.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    o.status = { replicas: 3 };
    patch(o);
    return o;
  };

  it('ignores fields the manifest omits: defaults, status, extra labels', () => {
    expect(findDrift(desired, live(() => {}))).toEqual([]);
  });

  it('reports changed fields the manifest sets, in the user\'s words', () => {
    const d = findDrift(desired, live((o) => ((o.spec.replicas = 5), (o.spec.template.spec.containers[0].image = 'y'))));
    expect(d.map((f) => f.path)).toEqual(['spec.replicas', 'spec.template.spec.containers[0].image']);
    expect(describeDrift(d.slice(0, 1))).toBe('spec.replicas: 3 in the folder, 5 in the cluster');
  });

  it('treats an added list element as drift, and skips ignored paths', () => {
    expect(findDrift(desired, live((o) => o.spec.template.spec.containers.push({ name: 'side', image: 'z' }))).map((f) => f.path)).toEqual([
      'spec.template.spec.containers',
    ]);
    expect(findDrift(desired, live((o) => (o.spec.replicas = 9)), { ignore: ['spec.replicas'] })).toEqual([]);
  });
});

// Heal delays run on a FakeClock in every test: a busy machine can neither heal before the
// test has seen the drift nor make a heal that should not happen look like it did not.
describe('FolderSync drift with the real watcher', () => {
  it('shows a scale from elsewhere as OutOfSync and heals it after the delay', async () => {
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': deployment('web', { replicas: 2 }) }, { clock, healDelayMs: 150 });
    await api.scale('Deployment', 'default', 'web', 7);
    const st = (await until('OutOfSync', () => (web(sync.status()).state === 'OutOfSync' ? sync.status() : undefined), 3000, POLL_MS))!;
    expect(web(st).message).toBe('spec.replicas: 2 in the folder, 7 in the cluster');
    expect(st.phase).toBe('OutOfSync');
    clock.advance(150);
    await until('healed to 2 replicas', () => api.get('Deployment', 'default', 'web')!.spec.replicas === 2, 5000, POLL_MS);
    await until('Synced again', () => web(sync.status()).state === 'Synced', 3000, POLL_MS);
  });

  it('does not call the API\'s own normalisation drift (empty lists, nulls, quantities)', async () => {
    const manifest = deployment('web', { replicas: 1 }).replace('          image: nginx:1.27\n', '          image: nginx:1.27\n          env: []\n          args: null\n          resources:\n            limits: {cpu: 0.5, memory: 1Gi}\n');
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': manifest }, { clock, healDelayMs: 50 });
    const seen: string[] = [];
    sync.onChange(() => seen.push(web(sync.status()).state));
    // A controller writes status: a watch event the sync checks for drift.
    await api.modify('Deployment', 'default', 'web', (d) => void (d.status = { observedGeneration: 1, replicas: 1 }), { status: true });
    await until('the status write was observed', () => seen.length > 0, 3000, POLL_MS);
    expect(seen).not.toContain('OutOfSync');
    expect(web(sync.status()).state).toBe('Synced');
    expect(clock.timers).toBe(0); // no heal pending
  });

  it('re-creates an owned object deleted from elsewhere', async () => {
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': deployment('web', { replicas: 1 }) }, { clock, healDelayMs: 100 });
    const uid = api.get('Deployment', 'default', 'web')!.metadata.uid;
    await api.delete('Deployment', 'default', 'web');
    await until('the deletion seen as drift', () => web(sync.status()).state === 'OutOfSync', 3000, POLL_MS);
    clock.advance(100);
    await until('recreated', () => api.get('Deployment', 'default', 'web')?.metadata.uid !== uid && api.get('Deployment', 'default', 'web'), 5000, POLL_MS);
    await until('Synced', () => web(sync.status()).state === 'Synced', 3000, POLL_MS);
  });

  it('never calls replicas drift when the manifest leaves them out (an HPA owns them)', async () => {
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': deployment('web') }, { clock, healDelayMs: 50 });
    const seen: string[] = [];
    sync.onChange(() => seen.push(web(sync.status()).state));
    await api.scale('Deployment', 'default', 'web', 4);
    await until('the scale was observed', () => seen.length > 0, 3000, POLL_MS);
    expect(web(sync.status()).state).toBe('Synced');
    expect(seen).not.toContain('OutOfSync');
    expect(clock.timers).toBe(0); // no heal pending
    clock.advance(50);
    await sync.idle();
    expect(api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(4);
  });

  it('leaves replicas to an HPA from the same folder even when the manifest sets them', async () => {
    const hpa = `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n`;
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': `${deployment('web', { replicas: 2 })}---\n${hpa}` }, { clock, healDelayMs: 50 });
    const seen: string[] = [];
    sync.onChange(() => seen.push(web(sync.status()).state));
    await api.scale('Deployment', 'default', 'web', 5);
    await until('the scale was observed', () => seen.length > 0, 3000, POLL_MS);
    expect(seen).not.toContain('OutOfSync');
    expect(clock.timers).toBe(0); // no heal pending
  });
});

describe('FolderSync drift on a fake clock', () => {
  it('heals exactly when healDelayMs has passed, not before', async () => {
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': deployment('web', { replicas: 2 }) }, { clock, watch: false, healDelayMs: 5000 });
    await api.scale('Deployment', 'default', 'web', 6);
    await until('OutOfSync', () => web(sync.status()).state === 'OutOfSync', 3000, POLL_MS);
    clock.advance(4999);
    expect(api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(6);
    clock.advance(1);
    await until('healed', () => api.get('Deployment', 'default', 'web')!.spec.replicas === 2, 3000, POLL_MS);
  });

  it('with selfHeal off (or the object opted out) reports drift and leaves it', async () => {
    const clock = new FakeClock();
    const { api, sync } = await setup({ 'web.yaml': deployment('web', { replicas: 2 }) }, { clock, watch: false, selfHeal: false });
    await api.scale('Deployment', 'default', 'web', 3);
    await until('OutOfSync', () => web(sync.status()).state === 'OutOfSync', 3000, POLL_MS);
    clock.advance(60_000);
    expect(clock.timers).toBe(0);
    expect(api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(3);
    // A manual sync puts the folder's state back.
    await sync.syncNow();
    expect(api.get('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
    await until('Synced', () => web(sync.status()).state === 'Synced', 3000, POLL_MS);

    const optOut = deployment('web', { replicas: 2 }).replace('  name: web\n', '  name: web\n  annotations:\n    kubeterm.io/self-heal: "false"\n');
    const other = await setup({ 'web.yaml': optOut }, { clock, watch: false, syncName: 'optout' });
    await other.api.scale('Deployment', 'default', 'web', 3);
    await until('OutOfSync', () => web(other.sync.status()).state === 'OutOfSync', 3000, POLL_MS);
    expect(clock.timers).toBe(0);
  });
});

describe('baselineOf', () => {
  it('measures drift against what the API stored, so normalisation is never drift', async () => {
    const { baselineOf } = await import('../../src/gitops/drift.js');
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: '1' } },
      spec: { containers: [{ name: 'c', image: 'x', env: [], resources: { limits: { cpu: 0.5 } } }] },
    };
    const stored = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', uid: 'u', labels: { a: '1', extra: 'y' } },
      spec: { containers: [{ name: 'c', image: 'x', imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '500m' } } }] },
      status: { phase: 'Running' },
    };
    const base = baselineOf(manifest, stored);
    expect(base).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { labels: { a: '1' } },
      spec: { containers: [{ name: 'c', image: 'x', env: undefined, resources: { limits: { cpu: '500m' } } }] },
    });
    expect(findDrift(manifest, stored).map((d) => d.path)).toEqual(['spec.containers[0].env', 'spec.containers[0].resources.limits.cpu']);
    expect(findDrift(base, stored)).toEqual([]);
    const changed = JSON.parse(JSON.stringify(stored));
    changed.spec.containers[0].resources.limits.cpu = '1';
    expect(describeDrift(findDrift(base, changed))).toBe('spec.containers[0].resources.limits.cpu: "500m" in the folder, "1" in the cluster');
  });
});
