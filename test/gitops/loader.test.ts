import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/api/kinds.js';
import { KindCatalog } from '../../src/gitops/kinds.js';
import { formatManifestError, isManifestFile, loadManifestFile, MAX_MANIFEST_BYTES } from '../../src/gitops/loader.js';
import { deploymentText } from '../helpers/manifests.js';

const deploy = (name: string, replicas: unknown = 1) => deploymentText(name, { replicas, containers: '        - name: c\n          image: nginx\n' });

describe('loadManifestFile', () => {
  it('reads multi-document YAML with document numbers and start lines, skipping empty documents', () => {
    const text = `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${deploy('web')}---\n`;
    const r = loadManifestFile('a.yaml', text);
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => [o.obj.kind, o.doc, o.line])).toEqual([
      ['Namespace', 1, 2],
      ['Deployment', 2, 7],
    ]);
    expect(r.objects[1].fieldLine('spec.template.spec.containers[0].image')).toBe(21);
  });

  it('flattens List and *List kinds, each item with its own line', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n`;
    const r = loadManifestFile('l.yaml', text);
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => [o.obj.metadata.name, o.line])).toEqual([
      ['a', 4],
      ['b', 7],
    ]);
    const r2 = loadManifestFile('l2.yaml', text.replace('kind: List', 'kind: ConfigMapList'));
    expect(r2.objects).toHaveLength(2);
  });

  it('reads JSON files', () => {
    const r = loadManifestFile('c.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { a: '1' } }, null, 2));
    expect(r.errors).toEqual([]);
    expect(r.objects[0].obj.data).toEqual({ a: '1' });
  });

  it('reads scalars as kubectl does: 0644 is octal, timestamps and 12:30 stay strings', () => {
    const r = loadManifestFile('s.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  t: 2024-01-01\n  h: 12:30\nmode: 0644\n`);
    expect(r.objects[0].obj.data).toEqual({ t: '2024-01-01', h: '12:30' });
    expect(r.objects[0].obj.mode).toBe(420);
  });

  it('reports invalid YAML with file, document and line, keeping the good documents', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [bad\n`;
    const r = loadManifestFile('bad.yaml', text);
    expect(r.objects.map((o) => o.obj.metadata.name)).toEqual(['ok']);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]).toMatchObject({ file: 'bad.yaml', doc: 2 });
    expect(r.errors[0].line).toBeGreaterThanOrEqual(8);
    expect(formatManifestError(r.errors[0])).toMatch(/^bad\.yaml:\d+ \(document 2\): error converting YAML to JSON: /);
  });

  it('refuses unknown kinds and wrong versions in kubectl words', () => {
    // Given the kinds a cluster serves (the folder sync resolves kinds itself, across files: see crd.test.ts).
    const r = loadManifestFile('u.yaml', `apiVersion: x/v1\nkind: Foo\nmetadata: {name: f}\n---\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: d}\n`, new KindCatalog(KINDS));
    expect(r.objects).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual([
      'no matches for kind "Foo" in version "x/v1"; ensure CRDs are installed first',
      'no matches for kind "Deployment" in version "apps/v1beta1" (kubeterm serves Deployment as apps/v1)',
    ]);
    expect(r.errors[1]).toMatchObject({ doc: 2, line: 5, object: 'Deployment/d' });
  });

  it('checks basic types before the API sees the object, pointing at the field line', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${deploy('web', '"three"')}`;
    const r = loadManifestFile('examples/broken/bad.yaml', text);
    expect(r.objects).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    expect(formatManifestError(r.errors[0])).toBe(
      'examples/broken/bad.yaml:10 (document 2, Deployment/web): spec.replicas: Invalid value: "three": expected an integer',
    );
  });

  it('requires metadata.name, string labels, apiVersion and kind', () => {
    const r = loadManifestFile('m.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {v: 1.0}\n---\nkind: ConfigMap\n---\n- a\n`);
    expect(r.errors.map((e) => [e.doc, e.field, e.message])).toEqual([
      [1, 'metadata.name', 'Required value: name or generateName is required'],
      [1, 'metadata.labels.v', 'Invalid value: 1: expected a string'],
      [2, undefined, "Object 'apiVersion' is missing in object"],
      [3, undefined, expect.stringContaining('not a Kubernetes object')],
    ]);
  });

  it('limits aliases against billion-laughs and refuses oversized files', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let prev = 'a';
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      text += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = n;
    }
    const r = loadManifestFile('laughs.yaml', text);
    expect(r.objects).toEqual([]);
    expect(r.errors[0].message).toMatch(/alias/i);
    const big = loadManifestFile('big.yaml', 'x'.repeat(MAX_MANIFEST_BYTES + 1));
    expect(big.errors[0].message).toMatch(/larger than 5 MiB/);
  });

  it('knows which files are manifests', () => {
    expect(['a.yaml', 'b.YML', 'c.json', 'd.txt', 'e.yaml~'].map(isManifestFile)).toEqual([true, true, true, false, false]);
  });
});
