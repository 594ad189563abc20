// The folder sync end to end: real files in a temporary folder, the real
// chokidar watcher, a real Api over a MemoryStore. No sleeps: a wait on the
// watcher polls the sync's status or the cluster (`until`, test/helpers/wait.ts);
// the debounce and the wait for a half-written file run on a FakeClock (the
// sync's ioClock) stepped by the test, so a slow machine cannot end them early.
import { watch } from 'chokidar';
import { describe, expect, it } from 'vitest';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { MANAGED_BY_LABEL, SOURCE_ANNOTATION, SYNC_ANNOTATION } from '../../src/gitops/labels.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { cm, deployment, namespace, newCluster, override, POLL_MS, tempFolder } from './helpers.js';
import { cleanupAfterEach, startFolderSync } from './sync-fixture.js';
import { until } from '../helpers/wait.js';

const cleanups = cleanupAfterEach();
const setup = (files: Record<string, string> = {}, cfg: Partial<FolderSyncConfig> = {}) => startFolderSync(cleanups, 'test', files, cfg);

describe('FolderSync with real files', () => {
  it('applies a folder on start, marking each object with the sync and its source file', async () => {
    const { api, sync } = await setup({ 'a.yaml': cm('one'), 'sub/b.yml': cm('two') });
    const one = api.get('ConfigMap', 'default', 'one')!;
    expect(one.metadata.labels?.[MANAGED_BY_LABEL]).toBe('folder-sync');
    expect(one.metadata.annotations?.[SYNC_ANNOTATION]).toBe('test');
    expect(api.get('ConfigMap', 'default', 'two')!.metadata.annotations?.[SOURCE_ANNOTATION]).toBe('sub/b.yml');
    const st = sync.status();
    expect(st.phase).toBe('Synced');
    expect(st.counts).toMatchObject({ applied: 2, failed: 0 });
    expect(st.files.map((f) => [f.file, f.state, f.objects.map((o) => o.name)])).toEqual([
      ['a.yaml', 'Synced', ['one']],
      ['sub/b.yml', 'Synced', ['two']],
    ]);
    const inv = api.get('ConfigMap', 'kube-system', 'kubeterm-sync-test')!;
    expect(JSON.parse((inv.data as Record<string, string>)['inventory.json'])).toHaveLength(2);
  });

  it('creates, edits and deletes as files are created, edited and deleted', async () => {
    const { api, folder } = await setup();
    await folder.write('c.yaml', cm('c', { k: 'v1' }));
    await until('ConfigMap c created', () => api.get('ConfigMap', 'default', 'c'), 5000, POLL_MS);
    await folder.write('c.yaml', cm('c', { k: 'v2' }));
    await until('ConfigMap c edited', () => (api.get('ConfigMap', 'default', 'c')?.data as any)?.k === 'v2', 5000, POLL_MS);
    await folder.remove('c.yaml');
    await until('ConfigMap c pruned', () => !api.get('ConfigMap', 'default', 'c'), 5000, POLL_MS);
  });
});

describe('FolderSync: renames, moves and editor saves', () => {
  it('follows a renamed file: the object is kept (same uid) and its source annotation updated', async () => {
    const { api, folder, sync } = await setup({ 'a.yaml': cm('r') });
    const uid = api.get('ConfigMap', 'default', 'r')!.metadata.uid;
    await folder.move('a.yaml', 'renamed/b.yaml');
    await until('source updated', () => api.get('ConfigMap', 'default', 'r')?.metadata.annotations?.[SOURCE_ANNOTATION] === 'renamed/b.yaml', 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'r')!.metadata.uid).toBe(uid);
    await until('status lists only the new file', () => sync.status().files.map((f) => f.file).join() === 'renamed/b.yaml', 5000, POLL_MS);
  });

  it('moves an object from one file to another without deleting and recreating it', async () => {
    const { api, folder } = await setup({ 'a.yaml': `${cm('stay')}---\n${cm('mover')}`, 'b.yaml': cm('other') });
    const uid = api.get('ConfigMap', 'default', 'mover')!.metadata.uid;
    let deleted = false;
    const w = api.watch('ConfigMap', {}, (ev) => {
      if (ev.type === 'DELETED' && ev.object.metadata.name === 'mover') deleted = true;
    });
    try {
      // Written as a git pull would: both files in one burst.
      await Promise.all([folder.write('a.yaml', cm('stay')), folder.write('b.yaml', `${cm('other')}---\n${cm('mover')}`)]);
      await until('moved', () => api.get('ConfigMap', 'default', 'mover')?.metadata.annotations?.[SOURCE_ANNOTATION] === 'b.yaml', 5000, POLL_MS);
      expect(api.get('ConfigMap', 'default', 'mover')!.metadata.uid).toBe(uid);
      expect(deleted).toBe(false);
    } finally {
      w.stop();
    }
  });

  it('picks up an editor-style atomic save (write a temp file, rename it over the manifest)', async () => {
    const { api, folder } = await setup({ 'app.yaml': cm('atomic', { v: '1' }) });
    await folder.write('.app.yaml.swp', 'swap junk that must be ignored: [');
    await folder.write('app.yaml.tmp~', cm('atomic', { v: '2' }));
    await folder.move('app.yaml.tmp~', 'app.yaml');
    await until('atomic save applied', () => (api.get('ConfigMap', 'default', 'atomic')?.data as any)?.v === '2', 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'atomic')).toBeDefined();
  });

  it('never acts on a half-written file: a parse failure is retried once the file stops changing', async () => {
    // The stability wait is on a FakeClock: only the test's steps move it. Each write is
    // handed to the sync as the watcher hands it a batch (applyOwnWrite), without a debounce.
    const clock = new FakeClock();
    const { api, folder, sync } = await setup({ 'w.yaml': cm('half', { v: '1' }) }, { stabilityMs: 3000, ioClock: clock, watch: false });
    const errors: string[] = [];
    sync.onChange(() => errors.push(...sync.status().errors.map((e) => e.message)));
    const before = sync.status().syncs;
    // The first half of a write: broken YAML. The sync sees it and holds back.
    await folder.write('w.yaml', `${cm('half', { v: '2' })}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [`);
    await sync.applyOwnWrite('w.yaml');
    expect(sync.status().syncs).toBeGreaterThan(before);
    expect(sync.status().errors).toEqual([]);
    expect((api.get('ConfigMap', 'default', 'half')!.data as any).v).toBe('1');
    // Still held back 1 ms before stabilityMs has passed.
    clock.advance(2999);
    await sync.idle();
    expect(sync.status().errors).toEqual([]);
    // The rest of the write lands.
    await folder.write('w.yaml', `${cm('half', { v: '2' })}---\n${cm('second')}`);
    await sync.applyOwnWrite('w.yaml');
    await until('completed file applied', () => api.get('ConfigMap', 'default', 'second'), 5000, POLL_MS);
    expect((api.get('ConfigMap', 'default', 'half')!.data as any).v).toBe('2');
    // The retry of the broken version finds the file complete: nothing to report.
    clock.advance(1);
    await sync.idle();
    expect(errors).toEqual([]);
  });

  it('believes a parse failure once the file has stayed the same for stabilityMs', async () => {
    const clock = new FakeClock();
    const { api, folder, sync } = await setup({ 'w.yaml': cm('stuck', { v: '1' }) }, { stabilityMs: 3000, ioClock: clock, watch: false });
    await folder.write('w.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n');
    await sync.applyOwnWrite('w.yaml');
    clock.advance(2999);
    await sync.idle();
    expect(sync.status().errors).toEqual([]);
    clock.advance(1);
    await sync.idle();
    expect([...new Set(sync.status().errors.map((e) => e.file))]).toEqual(['w.yaml']);
    // The last good version stays applied; nothing is pruned.
    expect((api.get('ConfigMap', 'default', 'stuck')!.data as any).v).toBe('1');
  });

  it('does not lose a second save that lands inside chokidar\'s 50 ms change throttle', async () => {
    const { api, folder } = await setup({ 'q.yaml': cm('quick', { v: '0' }) });
    for (let i = 1; i <= 5; i++) {
      await folder.write('q.yaml', cm('quick', { v: String(i) }));
      await until(`save ${i} applied`, () => (api.get('ConfigMap', 'default', 'quick')?.data as any)?.v === String(i), 5000, POLL_MS);
    }
  });

  it('prunes everything from a deleted folder, and applies a folder moved in', async () => {
    const { api, folder } = await setup({ 'team/a.yaml': cm('ta'), 'team/deep/b.yaml': cm('tb'), 'top.yaml': cm('top') });
    await folder.move('team', '.trash-team'); // moved out of sight: a dot folder is ignored
    await until('folder pruned', () => !api.get('ConfigMap', 'default', 'ta') && !api.get('ConfigMap', 'default', 'tb'), 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'top')).toBeDefined();
    await folder.move('.trash-team', 'team2');
    await until('moved-in folder applied', () => api.get('ConfigMap', 'default', 'tb')?.metadata.annotations?.[SOURCE_ANNOTATION] === 'team2/deep/b.yaml', 5000, POLL_MS);
  });

  it('waits while git holds index.lock, so a pull that rewrites files is synced as one commit', async () => {
    const { api, folder, sync } = await setup({ '.git/HEAD': `${'d'.repeat(40)}\n`, 'app.yaml': cm('app', { v: '1' }) });
    const uid = api.get('ConfigMap', 'default', 'app')!.metadata.uid;
    let deleted = false;
    const w = api.watch('ConfigMap', {}, (ev) => {
      if (ev.type === 'DELETED' && ev.object.metadata.name === 'app') deleted = true;
    });
    try {
      await folder.write('.git/index.lock', '');
      await folder.remove('app.yaml'); // git removes the old file ...
      await folder.write('unrelated.yaml', cm('unrelated'));
      // ... and, a while later, writes the new one.
      await until('the sync waiting for git', () => sync.status().waiting, 5000, POLL_MS);
      expect(api.get('ConfigMap', 'default', 'unrelated')).toBeUndefined();
      await folder.write('app.yaml', cm('app', { v: '2' }));
      await folder.remove('.git/index.lock');
      await until('pulled content applied', () => (api.get('ConfigMap', 'default', 'app')?.data as any)?.v === '2', 5000, POLL_MS);
      expect(api.get('ConfigMap', 'default', 'app')!.metadata.uid).toBe(uid);
      expect(api.get('ConfigMap', 'default', 'unrelated')).toBeDefined();
      expect(deleted).toBe(false);
    } finally {
      w.stop();
    }
  });

  it('applies a burst of 200 files in one or two syncs, not 200', async () => {
    // The debounce is on a FakeClock, so however slowly chokidar reports the burst on a busy
    // machine, no quiet period ends before the test steps the clock. A watcher of the test's
    // own says when chokidar has reported the whole burst.
    const clock = new FakeClock();
    const { api, folder, sync } = await setup({}, { debounceMs: 40, ioClock: clock });
    const reported = new Set<string>();
    const own = watch(folder.dir, { ignoreInitial: true }).on('add', (p) => reported.add(p));
    cleanups.push(() => own.close());
    await new Promise<void>((resolve) => own.once('ready', () => resolve()));
    const before = sync.status().syncs;
    await Promise.all(Array.from({ length: 200 }, (_, i) => folder.write(`burst/cm-${i}.yaml`, cm(`b${i}`))));
    await until('chokidar reported the 200 files', () => reported.size >= 200, 10000, POLL_MS);
    expect(sync.status().syncs).toBe(before);
    await until('200 ConfigMaps', () => (clock.advance(40), api.list('ConfigMap', { namespace: 'default' }).items.length === 200), 10000, POLL_MS);
    await sync.idle();
    const syncs = sync.status().syncs - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(3);
    expect(sync.status().files).toHaveLength(200);
  });
});

describe('FolderSync: broken files', () => {
  it('reports a broken file by file and line, applies the others, prunes nothing, and recovers when fixed', async () => {
    const { api, folder, sync } = await setup({ 'good.yaml': cm('good'), 'bad.yaml': `${cm('keep1')}---\n${cm('keep2')}` });
    await folder.write('bad.yaml', `${cm('keep1')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep2\ndata: {a: [\n`);
    await folder.write('good.yaml', `${cm('good')}---\n${cm('good2')}`);
    const err = (await until('error for bad.yaml', () => sync.status().errors.find((e) => e.file === 'bad.yaml'), 5000, POLL_MS))!;
    expect(err.doc).toBe(2);
    expect(err.line).toBeGreaterThanOrEqual(10);
    await until('good file applied', () => api.get('ConfigMap', 'default', 'good2'), 5000, POLL_MS);
    // The last good version of the broken file stays applied.
    expect(api.get('ConfigMap', 'default', 'keep1')).toBeDefined();
    expect(api.get('ConfigMap', 'default', 'keep2')).toBeDefined();
    await sync.idle();
    const st = sync.status();
    expect(st.phase).toBe('Failed');
    expect(st.files.find((f) => f.file === 'bad.yaml')!.state).toBe('Failed');
    expect(st.files.find((f) => f.file === 'good.yaml')!.state).toBe('Synced');
    expect(st.counts.failed).toBeGreaterThan(0);
    // The error is also a Warning Event naming the file.
    await until(
      'SyncFailed event',
      () => api.list('Event', {}).items.find((e) => e.reason === 'SyncFailed' && String(e.message).startsWith('bad.yaml:')),
      5000,
      POLL_MS,
    );

    // Fixing it: keep2 dropped from the file is now pruned, the error clears.
    await folder.write('bad.yaml', cm('keep1', { fixed: 'yes' }));
    await until('keep2 pruned after the fix', () => !api.get('ConfigMap', 'default', 'keep2'), 5000, POLL_MS);
    await until('Synced', () => sync.status().phase === 'Synced', 5000, POLL_MS);
    expect((api.get('ConfigMap', 'default', 'keep1')!.data as any).fixed).toBe('yes');
  });

  it('a file that is broken at start prunes nothing it created before a restart', async () => {
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write('x.yaml', `${cm('x1')}---\n${cm('x2')}`);
    const { api, client } = newCluster();
    const first = new FolderSync({ client, folder: folder.dir, syncName: 'r', watch: false });
    await first.start();
    await first.stop();
    await folder.write('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x1\n');
    const clock = new FakeClock();
    const second = new FolderSync({ client, folder: folder.dir, syncName: 'r', watch: false, stabilityMs: 20, ioClock: clock });
    cleanups.push(() => second.stop());
    await second.start();
    // Held back until it has stayed the same for stabilityMs (it may be half-written).
    expect(second.status().errors).toEqual([]);
    clock.advance(20);
    await until('error reported', () => second.status().errors.length > 0, 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'x1')).toBeDefined();
    expect(api.get('ConfigMap', 'default', 'x2')).toBeDefined();
  });

  it('reports unknown kinds, validation failures and apply conflicts per file, with field and line', async () => {
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write('crd.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    await folder.write('web.yaml', deployment('web'));
    await folder.write('ok.yaml', cm('fine'));
    const { api, client } = newCluster();
    const { invalid } = await import('../../src/api/errors.js');
    const wrapped = override(client, {
      async apply(obj: any, opts?: any) {
        if (obj.kind === 'Deployment') {
          throw invalid('Deployment', 'web', [{ type: 'Required', field: 'spec.template.spec.containers[0].image', detail: '' }]);
        }
        return client.apply(obj, opts);
      },
    });
    const sync = new FolderSync({ client: wrapped, folder: folder.dir, syncName: 'v', watch: false });
    cleanups.push(() => sync.stop());
    await sync.start();
    const st = sync.status();
    expect(api.get('ConfigMap', 'default', 'fine')).toBeDefined();
    expect(st.errors.find((e) => e.file === 'crd.yaml')).toMatchObject({
      line: 1,
      object: 'Widget/w',
      message: 'no matches for kind "Widget" in version "example.com/v1"; ensure CRDs are installed first',
    });
    expect(st.errors.find((e) => e.file === 'web.yaml')).toMatchObject({
      object: 'Deployment/web',
      field: 'spec.template.spec.containers[0].image',
      line: 16,
      message: 'Required value',
    });
    const web = st.files.find((f) => f.file === 'web.yaml')!;
    expect(web.objects[0]).toMatchObject({ kind: 'Deployment', state: 'Failed' });
    expect(st.counts).toMatchObject({ applied: 1, failed: 2 });
    // Each error is a SyncFailed Warning Event on the object when it is known, else on the inventory.
    const events = await until('two SyncFailed events', () => {
      const evs = api.list('Event', {}).items.filter((e) => e.reason === 'SyncFailed');
      return evs.length === 2 ? evs : undefined;
    }, 5000, POLL_MS);
    const onWeb = events.find((e) => (e.involvedObject as any).kind === 'Deployment')!;
    expect(onWeb).toMatchObject({ type: 'Warning', involvedObject: { name: 'web', namespace: 'default' } });
    expect(onWeb.message).toBe('web.yaml:16 (document 1, Deployment/web): spec.template.spec.containers[0].image: Required value');
    const onInventory = events.find((e) => (e.involvedObject as any).kind === 'ConfigMap')!;
    expect(onInventory.metadata.namespace).toBe('kube-system');
    expect(onInventory.message).toMatch(/^crd\.yaml:1 \(document 1, Widget\/w\): no matches for kind "Widget"/);
  });
});

describe('FolderSync: ownership and prune', () => {
  it('prunes only what it created: a hand-made object with the same labels survives', async () => {
    const { api, folder } = await setup({ 'a.yaml': cm('owned') });
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'handmade', namespace: 'default', labels: { [MANAGED_BY_LABEL]: 'folder-sync' }, annotations: { [SYNC_ANNOTATION]: 'test', [SOURCE_ANNOTATION]: 'a.yaml' } },
      data: {},
    });
    await folder.remove('a.yaml');
    await until('owned pruned', () => !api.get('ConfigMap', 'default', 'owned'), 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'handmade')).toBeDefined();
  });

  it('never prunes an object recreated by someone else under the same name (uid differs)', async () => {
    const { api, folder, sync } = await setup({ 'a.yaml': cm('same') });
    await api.delete('ConfigMap', 'default', 'same');
    const mine = await api.create<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'default', labels: { [MANAGED_BY_LABEL]: 'folder-sync' }, annotations: { [SYNC_ANNOTATION]: 'test' } } });
    await folder.remove('a.yaml');
    await until('file gone from status', () => sync.status().files.length === 0, 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'same')?.metadata.uid).toBe(mine.metadata.uid);
  });

  it('keeps objects annotated kubeterm.io/prune: "false", and keeps everything with prune off', async () => {
    const keep = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    kubeterm.io/prune: "false"\n`;
    const { api, folder } = await setup({ 'a.yaml': keep, 'b.yaml': cm('goes') });
    await folder.remove('a.yaml');
    await folder.remove('b.yaml');
    await until('goes pruned', () => !api.get('ConfigMap', 'default', 'goes'), 5000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'kept')).toBeDefined();

    const off = await setup({ 'c.yaml': cm('stays') }, { prune: false, syncName: 'noprune' });
    await off.folder.remove('c.yaml');
    const row = (await until('OutOfSync row', () => off.sync.status().files.find((f) => f.file === 'c.yaml' && f.state === 'OutOfSync'), 5000, POLL_MS))!;
    expect(row.objects[0].message).toMatch(/pruning is off/);
    expect(off.api.get('ConfigMap', 'default', 'stays')).toBeDefined();
  });

  it('never prunes a Namespace that still holds objects the folder did not create', async () => {
    const { api, folder, sync } = await setup({ 'ns.yaml': `${namespace('team')}---\n${cm('ours', { a: '1' }, 'team')}`, 'solo.yaml': namespace('solo') });
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'handmade', namespace: 'team' } });
    await folder.remove('ns.yaml');
    await folder.remove('solo.yaml');
    await until('our ConfigMap pruned', () => !api.get('ConfigMap', 'team', 'ours'), 5000, POLL_MS);
    await until('empty namespace pruned', () => api.get('Namespace', '', 'solo')?.metadata.deletionTimestamp, 5000, POLL_MS);
    const ns = api.get('Namespace', '', 'team')!;
    expect(ns.metadata.deletionTimestamp).toBeUndefined();
    const row = sync.status().files.find((f) => f.file === 'ns.yaml')!.objects.find((o) => o.kind === 'Namespace')!;
    expect(row.message).toBe('not pruned: namespace holds ConfigMap/handmade, which this folder did not create');
    expect(api.get('ConfigMap', 'team', 'handmade')).toBeDefined();
  });

  it('after a restart, prunes what was removed from the folder while it was not running', async () => {
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write('a.yaml', cm('a'));
    await folder.write('b.yaml', cm('b'));
    const { api, client } = newCluster();
    const first = new FolderSync({ client, folder: folder.dir, syncName: 'restart', watch: false });
    await first.start();
    await first.stop();
    await folder.remove('b.yaml');
    const second = new FolderSync({ client, folder: folder.dir, syncName: 'restart', watch: false });
    cleanups.push(() => second.stop());
    await second.start();
    expect(api.get('ConfigMap', 'default', 'a')).toBeDefined();
    expect(api.get('ConfigMap', 'default', 'b')).toBeUndefined();
    expect(second.status().counts).toMatchObject({ pruned: 1 });
    expect(second.status().files.find((f) => f.file === 'b.yaml')?.state).toBe('Pruned');
  });
});

describe('FolderSync: order, dry-run', () => {
  it('applies a Namespace before the Deployment in it, even when the file lists the Deployment first', async () => {
    const { api, client } = newCluster();
    const order: string[] = [];
    const recording = override(client, { apply: (obj: any, opts?: any) => (order.push(obj.kind), client.apply(obj, opts)) });
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write(
      'app.yaml',
      `${deployment('web', { ns: 'shop', replicas: 2 })}---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n${cm('cfg', { a: '1' }, 'shop')}---\n${namespace('shop')}`,
    );
    const sync = new FolderSync({ client: recording, folder: folder.dir, syncName: 'order', watch: false });
    cleanups.push(() => sync.stop());
    await sync.start();
    expect(order).toEqual(['Namespace', 'ConfigMap', 'Service', 'Deployment']);
    expect(sync.status().errors).toEqual([]);
    expect(api.get('Deployment', 'shop', 'web')).toBeDefined();
  });

  it('--dry-run shows what would be created, changed and pruned, and changes nothing', async () => {
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write('keep.yaml', cm('keep', { v: '1' }));
    await folder.write('old.yaml', cm('old'));
    const { api, client } = newCluster();
    const real = new FolderSync({ client, folder: folder.dir, syncName: 'dry', watch: false });
    await real.start();
    await real.stop();
    await folder.remove('old.yaml');
    await folder.write('keep.yaml', cm('keep', { v: '2' }));
    await folder.write('new.yaml', `${namespace('fresh')}---\n${cm('inside', { a: 'b' }, 'fresh')}`);

    const rvBefore = api.store.resourceVersion();
    const writesBefore = client.writes;
    const dry = new FolderSync({ client, folder: folder.dir, syncName: 'dry', dryRun: true });
    cleanups.push(() => dry.stop());
    await dry.start();
    const st = dry.status();
    const names = (l: { name: string }[]) => l.map((c) => c.name).sort();
    expect(names(st.plan!.create)).toEqual(['fresh', 'inside']);
    expect(names(st.plan!.change)).toEqual(['keep']);
    expect(names(st.plan!.prune)).toEqual(['old']);
    expect(st.dryRun).toBe(true);
    expect(st.phase).toBe('OutOfSync');
    expect(api.store.resourceVersion()).toBe(rvBefore);
    expect(client.writes).toBe(writesBefore);
    expect(api.get('ConfigMap', 'default', 'old')).toBeDefined();
    expect(api.get('Namespace', '', 'fresh')).toBeUndefined();
  });
});
