// Folders as they come from the wild (issue 15): YAML copied from a web page
// (indented with non-breaking spaces), two files defining one object, and a
// kustomization using the deprecated `bases:`. Real files, the real chokidar
// watcher, the embedded client over a real Api; the kustomize case compares
// with what the real `kubectl kustomize` prints.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import { startHeadless } from '../../src/cli/headless.js';
import { BASES_DEPRECATED } from '../../src/gitops/kustomize.js';
import { formatManifestError, loadManifestFile } from '../../src/gitops/loader.js';
import { normalizeNbsp } from '../../src/gitops/nbsp.js';
import type { FolderSyncConfig } from '../../src/gitops/sync.js';
import { cm, deployment, newCluster, POLL_MS, tempFolder } from './helpers.js';
import { cleanupAfterEach, hasKubectl, startFolderSync } from './sync-fixture.js';
import { until } from '../helpers/wait.js';

const NBSP = '\u00a0';
const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

const cleanups = cleanupAfterEach();
const setup = (files: Record<string, string> = {}, cfg: Partial<FolderSyncConfig> = {}) => startFolderSync(cleanups, 'wild', files, cfg);

/** The YAML blocks of the product notes, as a user copies them off the page: fenced blocks holding a manifest, NBSPs and all. */
function seedManifests(): { seed: string; text: string }[] {
  const out: { seed: string; text: string }[] = [];
  for (const name of readdirSync(SEEDS).sort()) {
    const page = readFileSync(join(SEEDS, name), 'utf8');
    for (const m of page.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
      if (/^kind:/m.test(m[1]) && /^apiVersion:/m.test(m[1])) out.push({ seed: name, text: m[1] });
    }
  }
  return out;
}

describe('YAML indented with non-breaking spaces', () => {
  const copied = seedManifests().filter((b) => b.text.includes(NBSP));

  it('the product notes hold manifests indented with NBSPs (the test reads them as they are)', () => {
    expect(copied.length).toBeGreaterThan(3);
    // What the loader faced before: YAML itself refuses them.
    const raw = parseAllDocuments(copied.find((b) => /kind: Deployment/.test(b.text))!.text) as { errors: { message: string }[] }[];
    expect(raw.flatMap((d) => d.errors).map((e) => e.message).join('\n')).toMatch(/Implicit keys need to be on a single line/);
  });

  it('every manifest copied from the notes loads, without an NBSP left in it, with a warning naming the lines', () => {
    for (const b of copied) {
      const r = loadManifestFile('copied.yaml', b.text);
      expect(r.errors, `${b.seed}:\n${b.text}`).toEqual([]);
      expect(r.objects.length).toBeGreaterThan(0);
      expect(JSON.stringify(r.objects.map((o) => o.obj))).not.toContain(NBSP);
      const lines = b.text.split('\n').flatMap((l, i) => (l.includes(NBSP) ? [i + 1] : []));
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings![0]).toMatchObject({ file: 'copied.yaml', line: lines[0] });
      expect(r.warnings![0].message).toMatch(/^non-breaking spaces \(U\+00A0\) read as spaces on lines \d/);
    }
  });

  it('keeps an NBSP that is part of a value: quoted, single-quoted, between two words, in a block scalar', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `${NBSP}${NBSP}name: quoted`,
      'data:',
      `${NBSP}${NBSP}message: "a${NBSP}b"${NBSP} ${NBSP}`,
      `${NBSP}${NBSP}single: 'c${NBSP}${NBSP}d'`,
      `${NBSP}${NBSP}plain: e${NBSP}f`,
      `${NBSP}${NBSP}script: |`,
      `${NBSP}${NBSP}${NBSP}${NBSP}echo${NBSP}g`,
      `${NBSP}${NBSP}${NBSP}${NBSP}${NBSP}${NBSP}indented`,
      '  multi: "one',
      `${NBSP}${NBSP}${NBSP}${NBSP}two${NBSP}h"`,
      '',
    ].join('\n');
    const r = loadManifestFile('q.yaml', text);
    expect(r.errors).toEqual([]);
    expect(r.objects[0].obj.data).toEqual({
      message: `a${NBSP}b`,
      single: `c${NBSP}${NBSP}d`,
      plain: `e${NBSP}f`,
      script: `echo${NBSP}g\n  indented\n`,
      multi: `one two${NBSP}h`,
    });
    expect(r.warnings![0].message).toContain('lines 4, 6-11, 13:');
    // Offsets are unchanged: a field's line is still the line in the file.
    expect(r.objects[0].fieldLine('data.plain')).toBe(8);
    // A file without NBSPs, or with NBSPs only inside values, carries no warning.
    expect(loadManifestFile('c.yaml', cm('x', { m: `a${NBSP}b` })).warnings).toBeUndefined();
    expect(normalizeNbsp(`a: "x${NBSP}"\nb: y${NBSP}z # c${NBSP}\n`).lines).toEqual([]);
  });

  it('a manifest copied verbatim from the notes applies, and the sync status and headless output warn with the file and lines', async () => {
    const block = copied.find((b) => /kind: Deployment/.test(b.text) && /replicas: 3/.test(b.text))!;
    const nbspLines = block.text.split('\n').flatMap((l, i) => (l.includes(NBSP) ? [i + 1] : []));
    const { api, sync, folder } = await setup({ 'copied/nginx.yaml': block.text, 'plain.yaml': cm('plain') });
    const dep = api.get('Deployment', 'default', 'nginx-deployment')!;
    expect(dep).toBeDefined();
    expect(dep.spec?.replicas).toBe(3);
    expect(dep.spec?.template?.spec?.containers?.[0]).toMatchObject({ name: 'nginx-container', image: 'nginx:latest', ports: [{ containerPort: 80 }] });
    const st = sync.status();
    expect(st.errors).toEqual([]);
    expect(st.phase).toBe('Synced');
    const file = st.files.find((f) => f.file === 'copied/nginx.yaml')!;
    expect(file.state).toBe('Synced');
    expect(file.objects.map((o) => [o.kind, o.name, o.state])).toEqual([['Deployment', 'nginx-deployment', 'Synced']]);
    expect(file.warnings).toHaveLength(1);
    expect(file.warnings[0]).toMatchObject({ file: 'copied/nginx.yaml', line: nbspLines[0] });
    expect(formatManifestError(file.warnings[0])).toMatch(new RegExp(`^copied/nginx\\.yaml:${nbspLines[0]}: non-breaking spaces \\(U\\+00A0\\) read as spaces on lines ${nbspLines[0]}-`));
    expect(st.warnings).toEqual(file.warnings);

    // Fixed by the user: the warning goes.
    await folder.write('copied/nginx.yaml', block.text.replaceAll(NBSP, ' '));
    await until('warning gone', () => sync.status().warnings.length === 0, 5000, POLL_MS);
    expect(api.get('Deployment', 'default', 'nginx-deployment')?.spec?.replicas).toBe(3);
  });

  it('headless prints the warning once, naming the file and lines, and the objects apply', async () => {
    const block = copied.find((b) => /kind: ConfigMap/.test(b.text))!;
    const folder = await tempFolder();
    cleanups.push(() => folder.cleanup());
    await folder.write('config.yaml', block.text);
    const { api, client } = newCluster();
    const out: string[] = [];
    const err: string[] = [];
    const run = await startHeadless({ client, folder: folder.dir, prune: true, dryRun: false, out: (l) => out.push(l), err: (l) => err.push(l) });
    cleanups.push(() => run.stop());
    expect(api.get('ConfigMap', 'default', 'app-config')?.data).toEqual({ APP_NAME: 'MyK8sApp', APP_ENV: 'production' });
    expect(out).toContain('configmap/app-config created');
    const warnings = err.filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: config\.yaml:4: non-breaking spaces \(U\+00A0\) read as spaces on lines 4, 6-7: /);
    expect(err.filter((l) => l.startsWith('error: '))).toEqual([]);
  });
});

describe('two files defining the same object', () => {
  it('is a conflict naming both files; neither applies, nothing is pruned, other objects apply; removing one resolves it', async () => {
    const { api, sync, folder } = await setup({ 'a.yaml': deployment('web', { replicas: 2 }) });
    const uid = api.get('Deployment', 'default', 'web')!.metadata.uid;

    await folder.write('b.yaml', `${cm('unrelated')}---\n${deployment('web', { replicas: 5, image: 'nginx:1.28' })}`);
    await until('unrelated object applied', () => api.get('ConfigMap', 'default', 'unrelated'), 5000, POLL_MS);
    const st = await until('conflict reported', () => (sync.status().errors.length === 2 ? sync.status() : undefined), 5000, POLL_MS);
    const [ea, eb] = ['a.yaml', 'b.yaml'].map((f) => st.files.find((x) => x.file === f)!);
    expect(ea.state).toBe('Failed');
    expect(eb.state).toBe('Failed');
    expect(formatManifestError(ea.errors[0])).toBe(
      'a.yaml:1 (document 1, Deployment/web): conflict: Deployment "web" in namespace "default" is defined in a.yaml (document 1, line 1) ' +
        'and also in b.yaml (document 2, line 8); neither definition is applied until only one file defines it',
    );
    expect(formatManifestError(eb.errors[0])).toMatch(/^b\.yaml:8 \(document 2, Deployment\/web\): conflict: .* defined in b\.yaml \(document 2, line 8\) and also in a\.yaml \(document 1, line 1\)/);
    // Neither version is applied, and the live object is neither replaced nor pruned.
    const live = api.get('Deployment', 'default', 'web')!;
    expect(live.metadata.uid).toBe(uid);
    expect(live.spec?.replicas).toBe(2);
    expect(eb.objects.map((o) => [o.name, o.state])).toEqual([['unrelated', 'Synced']]);

    // Another change meanwhile still applies, and does not end the conflict.
    await folder.write('a.yaml', deployment('web', { replicas: 3 }));
    await folder.write('c.yaml', cm('later'));
    await until('later object applied', () => api.get('ConfigMap', 'default', 'later'), 5000, POLL_MS);
    expect(api.get('Deployment', 'default', 'web')?.spec?.replicas).toBe(2);
    expect(sync.status().errors).toHaveLength(2);

    await folder.remove('a.yaml');
    await until("b.yaml's version applied", () => api.get('Deployment', 'default', 'web')?.spec?.replicas === 5, 5000, POLL_MS);
    expect(api.get('Deployment', 'default', 'web')!.metadata.uid).toBe(uid);
    expect(api.get('Deployment', 'default', 'web')!.metadata.annotations?.['kubeterm.io/source']).toBe('b.yaml');
    await until('conflict resolved', () => sync.status().errors.length === 0, 5000, POLL_MS);
    expect(sync.status().phase).toBe('Synced');
  });

  it('two definitions present from the start: neither is created', async () => {
    const { api, sync } = await setup({ 'one.yaml': cm('dup', { v: '1' }), 'two.yaml': cm('dup', { v: '2' }), 'other.yaml': cm('other') });
    expect(api.get('ConfigMap', 'default', 'dup')).toBeUndefined();
    expect(api.get('ConfigMap', 'default', 'other')).toBeDefined();
    expect(sync.status().errors.map((e) => e.file)).toEqual(['one.yaml', 'two.yaml']);
    expect(sync.status().counts.failed).toBe(2);
  });
});

describe.skipIf(!hasKubectl)('a kustomization using the deprecated bases:', () => {
  const base = {
    'base/kustomization.yaml': 'resources:\n- deploy.yaml\n- cm.yaml\n',
    'base/deploy.yaml': deployment('web', { replicas: 2 }),
    'base/cm.yaml': cm('cfg', { mode: 'base' }),
  };
  const overlay = 'bases:\n- ../../base\nresources:\n- extra.yaml\nnamePrefix: dev-\nnamespace: dev\ncommonLabels:\n  env: dev\n';
  const files = {
    ...base,
    'overlays/dev/kustomization.yaml': overlay,
    'overlays/dev/extra.yaml': cm('extra'),
    'overlays/dev/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
    'plain.yaml': cm('plain'),
  };
  files['overlays/dev/kustomization.yaml'] = overlay.replace('- extra.yaml\n', '- extra.yaml\n- ns.yaml\n');

  it('applies what `kubectl kustomize` builds, warns as kustomize does, and rebuilds when the base changes', async () => {
    const { api, sync, folder } = await setup(files);
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', join(folder.dir, 'overlays/dev')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
      .map((d) => d.toJS() as KubeObject)
      .filter(Boolean);
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/dev-cfg', 'ConfigMap/dev-extra', 'Deployment/dev-web', 'Namespace/dev']);
    for (const want of built) {
      const live = api.get(want.kind, want.metadata.namespace ?? '', want.metadata.name!)!;
      expect(live, `${want.kind}/${want.metadata.name}`).toBeDefined();
      for (const [k, v] of Object.entries(want.metadata.labels ?? {})) expect(live.metadata.labels?.[k]).toBe(v);
      if (want.data) expect(live.data).toEqual(want.data);
      if (want.spec) expect(live.spec).toMatchObject(want.spec);
      expect(live.metadata.annotations?.['kubeterm.io/source']).toBe('overlays/dev/kustomization.yaml');
    }
    // The base is part of the overlay's build, not a source of its own: nothing unprefixed.
    expect(api.get('Deployment', 'default', 'web')).toBeUndefined();
    expect(api.get('ConfigMap', 'default', 'cfg')).toBeUndefined();
    expect(api.get('ConfigMap', 'default', 'plain')).toBeDefined();
    const st = sync.status();
    expect(st.errors).toEqual([]);
    expect(st.files.map((f) => f.file)).toEqual(['overlays/dev/kustomization.yaml', 'plain.yaml']);
    expect(st.warnings[0]).toEqual({ file: 'overlays/dev/kustomization.yaml', line: 1, field: 'bases', message: BASES_DEPRECATED });
    // kustomize's other warnings are passed on (kustomize 5 deprecates commonLabels); `bases` is told once, with its line.
    expect(st.warnings.slice(1).every((w) => w.file === 'overlays/dev/kustomization.yaml' && w.message.startsWith('kustomize: ') && !w.message.includes("'bases'"))).toBe(true);
    expect(formatManifestError(st.warnings[0])).toBe(
      "overlays/dev/kustomization.yaml:1: bases: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    );

    // A change in the base rebuilds the overlay that includes it.
    await folder.write('base/cm.yaml', cm('cfg', { mode: 'changed' }));
    await until('rebuilt from the base', () => (api.get('ConfigMap', 'dev', 'dev-cfg')?.data as Record<string, string> | undefined)?.mode === 'changed', 10000, POLL_MS);
    expect(api.get('ConfigMap', 'default', 'cfg')).toBeUndefined();

    // `kustomize edit fix`: bases moved into resources; the same objects, and the warning goes.
    await folder.write('overlays/dev/kustomization.yaml', 'resources:\n- ../../base\n- extra.yaml\n- ns.yaml\nnamePrefix: dev-\nnamespace: dev\ncommonLabels:\n  env: dev\n');
    await until('bases warning gone', () => !sync.status().warnings.some((w) => w.message.includes("'bases'")), 10000, POLL_MS);
    expect(api.get('Deployment', 'dev', 'dev-web')).toBeDefined();
    expect(sync.status().errors).toEqual([]);
  });
});
