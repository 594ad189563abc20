// Write-through with real files, a real FolderSync and real git: a keyboard
// change to an object the folder defines is written into its manifest (only
// the changed bytes), applied at once by the sync, and not healed back; kustomize
// folders get kustomization entries; --git-commit makes one commit; what cannot
// be written exactly is refused and the file left alone.
import { execFileSync } from 'node:child_process';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { FolderSync } from '../../src/gitops/sync.js';
import { FakeClock } from '../../src/util/clock.js';
import { WriteThrough } from '../../src/gitops/write-through/service.js';
import { newCluster, POLL_MS, tempFolder } from './helpers.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const HEAL_MS = 150;

async function setup(files: Record<string, string>, opts: { gitCommit?: boolean; git?: boolean } = {}) {
  const folder = await tempFolder('kubeterm-wt-');
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  if (opts.git) {
    const g = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { cwd: folder.dir, stdio: 'pipe' });
    g('init', '-q');
    g('add', '.');
    g('commit', '-q', '-m', 'initial');
  }
  const { api, client } = newCluster();
  // Heals run on a FakeClock: "not healed back" is checked by stepping past the delay, not by sleeping.
  const clock = new FakeClock();
  const sync = new FolderSync({ client, folder: folder.dir, debounceMs: 15, stabilityMs: 60, syncName: 'test', clock, healDelayMs: HEAL_MS });
  const wt = new WriteThrough({ sync, client, gitCommit: opts.gitCommit });
  cleanups.push(async () => {
    await sync.stop();
    await folder.cleanup();
  });
  await sync.start();
  return { folder, api, client, sync, wt, clock, read: (rel: string) => readFile(join(folder.dir, rel), 'utf8') };
}

const WEB_FILE = `# Two apps, one file.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # the backend
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:2"}]
---
# the frontend
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2   # keep two for HA
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: 'nginx:1.26'
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: "fast"}
`;

const replicasOf = (o: KubeObject | undefined) => o?.spec?.replicas as number | undefined;

/** The lines that differ between two texts of the same line count. */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return y.filter((l, i) => l !== x[i]);
}

describe('write-through into plain manifests', () => {
  it('scale changes only the replicas line of the right document; the cluster follows and is not healed back', async () => {
    const { wt, api, read, sync, clock } = await setup({ 'apps.yaml': WEB_FILE });
    const before = await read('apps.yaml');
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 5 });
    expect(out).toMatchObject({ written: { line: 20 }, message: expect.stringMatching(/^scale deployment\/web to 5 → kubeterm-wt-\w+\/apps\.yaml:20$/) });
    const after = await read('apps.yaml');
    expect(after).toBe(before.replace('  replicas: 2   # keep two for HA', '  replicas: 5   # keep two for HA'));
    expect(changedLines(before, after)).toEqual(['  replicas: 5   # keep two for HA']);
    // Applied by the time the write resolves: no watcher debounce.
    expect(replicasOf(api.get('Deployment', 'default', 'web'))).toBe(5);
    expect(clock.timers).toBe(0); // no heal pending
    clock.advance(HEAL_MS * 3);
    await sync.idle();
    expect(replicasOf(api.get('Deployment', 'default', 'web'))).toBe(5);
    expect(wt.last?.message).toBe('scale deployment/web to 5');
  });

  it('keeps CRLF line endings and the file mode', async () => {
    const crlf = WEB_FILE.replace(/\n/g, '\r\n');
    const { wt, folder, read, api } = await setup({ 'apps.yaml': crlf });
    await chmod(join(folder.dir, 'apps.yaml'), 0o640);
    await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 3 });
    const after = await read('apps.yaml');
    expect(after).toBe(crlf.replace('replicas: 2 ', 'replicas: 3 '));
    expect(after.match(/\r\n/g)?.length).toBe(after.match(/\n/g)?.length);
    expect((await stat(join(folder.dir, 'apps.yaml'))).mode & 0o777).toBe(0o640);
    expect(replicasOf(api.get('Deployment', 'default', 'web'))).toBe(3);
  });

  it('set image changes only the image line, keeping its quotes', async () => {
    const { wt, read, api } = await setup({ 'apps.yaml': WEB_FILE });
    const before = await read('apps.yaml');
    const out = await wt.write({ op: 'image', kind: 'Deployment', namespace: 'default', name: 'web', container: 'web', image: 'nginx:1.27' });
    expect('written' in out && out.message).toMatch(/^set image deployment\/web web=nginx:1.27 → .*apps\.yaml:29$/);
    expect(changedLines(before, await read('apps.yaml'))).toEqual(["          image: 'nginx:1.27'"]);
    const live = api.get('Deployment', 'default', 'web') as KubeObject;
    expect(live.spec?.template?.spec?.containers[0].image).toBe('nginx:1.27');
  });

  it('rollback writes the previous revision’s image, and only that line', async () => {
    const { wt, read, api } = await setup({ 'apps.yaml': WEB_FILE });
    const deploy = api.get('Deployment', 'default', 'web') as KubeObject;
    const rs = (rev: number, image: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${rev}`,
        namespace: 'default',
        labels: { app: 'web', 'pod-template-hash': `h${rev}` },
        annotations: { 'deployment.kubernetes.io/revision': String(rev) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploy.metadata.uid!, controller: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${rev}` } },
        template: { ...structuredClone(deploy.spec!.template), metadata: { labels: { app: 'web', 'pod-template-hash': `h${rev}` } }, spec: { ...structuredClone(deploy.spec!.template.spec), containers: [{ ...deploy.spec!.template.spec.containers[0], image }] } },
      },
    });
    await api.create(rs(1, 'nginx:1.25'));
    await api.create(rs(2, 'nginx:1.26'));
    const before = await read('apps.yaml');
    const out = await wt.write({ op: 'rollback', kind: 'Deployment', namespace: 'default', name: 'web' });
    expect('written' in out && out.message).toMatch(/^rollback deployment\/web to revision 1 \(web=nginx:1.25\) → .*apps\.yaml:29$/);
    expect(changedLines(before, await read('apps.yaml'))).toEqual(["          image: 'nginx:1.25'"]);
    expect((api.get('Deployment', 'default', 'web') as KubeObject).spec?.template?.spec?.containers[0].image).toBe('nginx:1.25');
  });

  it('finds the object again when the file changed on disk since the sync read it', async () => {
    const { wt, folder, read } = await setup({ 'apps.yaml': WEB_FILE });
    const moved = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n---\n${WEB_FILE}`;
    await writeFile(join(folder.dir, 'apps.yaml'), moved); // the sync may not have seen it yet
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 });
    expect(out).toMatchObject({ written: { line: 24 } });
    expect(await read('apps.yaml')).toBe(moved.replace('replicas: 2 ', 'replicas: 4 '));
  });

  it('refuses, changing nothing, when the document is gone or the file does not parse', async () => {
    const { wt, folder, read } = await setup({ 'apps.yaml': WEB_FILE });
    const broken = WEB_FILE.replace('  replicas: 1\n', '  replicas: [1\n');
    await writeFile(join(folder.dir, 'apps.yaml'), broken);
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 });
    expect(out).toMatchObject({ refused: expect.stringMatching(/does not parse/), liveOnly: true });
    expect(await read('apps.yaml')).toBe(broken);
    const gone = WEB_FILE.replace('name: web', 'name: webby');
    await writeFile(join(folder.dir, 'apps.yaml'), gone);
    expect(await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 })).toMatchObject({ refused: expect.stringMatching(/no document .*Deployment\/web/) });
    expect(await read('apps.yaml')).toBe(gone);
  });

  it('refuses a read-only file and offers the live-only change', async () => {
    if (process.getuid?.() === 0) return; // root writes anyway
    const { wt, folder, read } = await setup({ 'apps.yaml': WEB_FILE });
    await chmod(join(folder.dir, 'apps.yaml'), 0o444);
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 });
    expect(out).toMatchObject({ refused: expect.stringMatching(/read-only/), liveOnly: true });
    expect(await read('apps.yaml')).toBe(WEB_FILE);
  });

  it('refuses replicas an HPA owns, naming the HPA', async () => {
    const hpa = `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web-hpa}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n`;
    const { wt, read } = await setup({ 'apps.yaml': WEB_FILE, 'hpa.yaml': hpa });
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 });
    expect(out).toMatchObject({ refused: expect.stringContaining('HorizontalPodAutoscaler web-hpa') });
    expect(await read('apps.yaml')).toBe(WEB_FILE);
  });

  it('an object the folder does not define is not managed', async () => {
    const { wt } = await setup({ 'apps.yaml': WEB_FILE });
    expect(wt.manages('Deployment', 'default', 'web')).toBe(true);
    expect(wt.manages('Deployment', 'default', 'other')).toBe(false);
    expect(await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'other', replicas: 1 })).toMatchObject({ liveOnly: true });
  });
});

describe('write-through into a kustomization', () => {
  const KUST = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# the app\nresources:\n  - web.yaml\n';
  const WEB = WEB_FILE.split('---\n')[1];
  it('scale adds a replicas entry, as kustomize edit set replicas does; the build follows', async () => {
    const { wt, read, api } = await setup({ 'kustomization.yaml': KUST, 'web.yaml': WEB });
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 4 });
    expect('written' in out && out.message).toMatch(/^scale deployment\/web to 4 → .*kustomization\.yaml:7$/);
    expect(await read('kustomization.yaml')).toBe(`${KUST}replicas:\n- name: web\n  count: 4\n`);
    expect(await read('web.yaml')).toBe(WEB);
    expect(replicasOf(api.get('Deployment', 'default', 'web'))).toBe(4);
  });
  it('set image adds an images entry', async () => {
    const { wt, read, api } = await setup({ 'kustomization.yaml': KUST, 'web.yaml': WEB });
    await wt.write({ op: 'image', kind: 'Deployment', namespace: 'default', name: 'web', container: 'web', image: 'nginx:1.27' });
    expect(await read('kustomization.yaml')).toBe(`${KUST}images:\n- name: nginx\n  newTag: "1.27"\n`);
    await until('the new image applied', () => (api.get('Deployment', 'default', 'web') as KubeObject).spec?.template?.spec?.containers[0].image === 'nginx:1.27', 5000, POLL_MS);
  });
});

describe('--git-commit', () => {
  it('makes exactly one commit of the written file, with the message; nothing else is committed', async () => {
    const { wt, folder } = await setup({ 'apps.yaml': WEB_FILE, 'other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n' }, { git: true, gitCommit: true });
    await writeFile(join(folder.dir, 'other.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: "1"}\n'); // the user's own edit, uncommitted
    const git = (...a: string[]) => execFileSync('git', a, { cwd: folder.dir, encoding: 'utf8' });
    const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 6 });
    expect('written' in out && out.commit).toMatch(/^[0-9a-f]{7,}$/);
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('2');
    expect(git('log', '-1', '--format=%s').trim()).toBe('scale deployment/web to 6');
    expect(git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('apps.yaml');
    expect(git('status', '--porcelain').trim()).toBe('M other.yaml');
  });
  it('without the flag the change is left in the work tree', async () => {
    const { wt, folder } = await setup({ 'apps.yaml': WEB_FILE }, { git: true });
    await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 6 });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: folder.dir, encoding: 'utf8' });
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    expect(git('status', '--porcelain').trim()).toBe('M apps.yaml');
  });
});
