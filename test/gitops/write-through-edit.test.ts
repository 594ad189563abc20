// Table-driven tests of write-through's text edits (src/gitops/write-through):
// only the bytes of the changed fields change — comments, key order, quoting
// styles, flow maps, anchors, other documents, JSON indentation and CRLF line
// endings are kept — and what cannot be written exactly is refused.
import { describe, expect, it } from 'vitest';
import { kustomizeSetImage, kustomizeSetReplicas, parseImage } from '../../src/gitops/write-through/kustomization-edit.js';
import { setFields, type FieldChange, type Locator } from '../../src/gitops/write-through/yaml-edit.js';
import { templateChanges } from '../../src/gitops/write-through/service.js';

const WEB: Locator = { kind: 'Deployment', name: 'web' };
const replicas = (n: number): FieldChange[] => [{ path: ['spec', 'replicas'], value: n }];
const image = (c: string, v: string): FieldChange[] => [{ path: ['spec', 'template', 'spec', 'containers', { name: c }, 'image'], value: v }];

const deploy = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}`;

interface Case {
  name: string;
  text: string;
  loc?: Locator;
  changes: FieldChange[];
  json?: boolean;
  want?: string;
  line?: number;
  refused?: RegExp;
}

const cases: Case[] = [
  {
    name: 'plain scalar with a trailing comment',
    text: deploy('  replicas: 2 # two is plenty\n  selector: {}\n'),
    changes: replicas(5),
    want: deploy('  replicas: 5 # two is plenty\n  selector: {}\n'),
    line: 6,
  },
  {
    name: 'double-quoted image keeps its quotes',
    text: deploy('  template:\n    spec:\n      containers:\n        - name: web\n          image: "nginx:1.25"\n'),
    changes: image('web', 'nginx:1.26'),
    want: deploy('  template:\n    spec:\n      containers:\n        - name: web\n          image: "nginx:1.26"\n'),
  },
  {
    name: 'single-quoted image keeps its quotes',
    text: deploy("  template:\n    spec:\n      containers:\n        - name: web\n          image: 'nginx:1.25'\n"),
    changes: image('web', "nginx:1.26"),
    want: deploy("  template:\n    spec:\n      containers:\n        - name: web\n          image: 'nginx:1.26'\n"),
  },
  {
    name: 'the container is found by name, not position',
    text: deploy('  template:\n    spec:\n      containers:\n        - name: sidecar\n          image: envoy:1\n        - name: web\n          image: nginx:1.25\n'),
    changes: image('web', 'nginx:1.26'),
    want: deploy('  template:\n    spec:\n      containers:\n        - name: sidecar\n          image: envoy:1\n        - name: web\n          image: nginx:1.26\n'),
  },
  {
    name: 'flow map value',
    text: deploy('  template:\n    spec:\n      containers: [{name: web, image: nginx:1.25}]\n'),
    changes: image('web', 'nginx:1.26'),
    want: deploy('  template:\n    spec:\n      containers: [{name: web, image: nginx:1.26}]\n'),
  },
  {
    name: 'a missing replicas is added under spec, above the first key and its comment',
    text: deploy('  # pick pods\n  selector: {}\n'),
    changes: replicas(3),
    want: deploy('  replicas: 3\n  # pick pods\n  selector: {}\n'),
    line: 6,
  },
  {
    name: 'a missing key in a flow map',
    text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {selector: {}}\n',
    changes: replicas(3),
    want: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3, selector: {}}\n',
  },
  {
    name: 'CRLF line endings are kept, also on an added line',
    text: deploy('  selector: {}\n').replace(/\n/g, '\r\n'),
    changes: replicas(4),
    want: deploy('  replicas: 4\n  selector: {}\n').replace(/\n/g, '\r\n'),
  },
  {
    name: 'the right document of several; the others byte for byte',
    text: `# web and api\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n---\n${deploy('  replicas: 1 # web\n')}---\n# trailing\n`,
    changes: replicas(7),
    want: `# web and api\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n---\n${deploy('  replicas: 7 # web\n')}---\n# trailing\n`,
    line: 14,
  },
  {
    name: 'a stale document hint: the object is found again by kind and name',
    text: `${deploy('  replicas: 1\n')}`,
    loc: { ...WEB, doc: 3 },
    changes: replicas(2),
    want: deploy('  replicas: 2\n'),
  },
  {
    name: 'an alias is replaced by the value, the anchor kept',
    text: `x-defaults: &r 2\n${deploy('  replicas: *r\n')}`,
    changes: replicas(6),
    want: `x-defaults: &r 2\n${deploy('  replicas: 6\n')}`,
  },
  {
    name: 'an anchor shared with other fields is refused',
    text: deploy('  replicas: &r 2\n  minReadySeconds: *r\n'),
    changes: replicas(6),
    refused: /anchored \(&r\)/,
  },
  {
    name: 'an anchor nobody uses is just a value',
    text: deploy('  replicas: &r 2\n'),
    changes: replicas(6),
    want: deploy('  replicas: &r 6\n'),
  },
  {
    name: 'JSON keeps its indentation and quotes',
    text: '{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",\n    "metadata": {"name": "web"},\n    "spec": {\n        "replicas": 2,\n        "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}\n    }\n}\n',
    changes: [...replicas(3), ...image('web', 'nginx:1.26')],
    json: true,
    want: '{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",\n    "metadata": {"name": "web"},\n    "spec": {\n        "replicas": 3,\n        "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}\n    }\n}\n',
  },
  {
    name: 'JSON: a missing key is added with the indentation of its siblings',
    text: '{\n  "apiVersion": "apps/v1",\n  "kind": "Deployment",\n  "metadata": {"name": "web"},\n  "spec": {\n    "selector": {}\n  }\n}\n',
    changes: replicas(3),
    json: true,
    want: '{\n  "apiVersion": "apps/v1",\n  "kind": "Deployment",\n  "metadata": {"name": "web"},\n  "spec": {\n    "replicas": 3,\n    "selector": {}\n  }\n}\n',
  },
  {
    name: 'a value that would read as another type is quoted',
    text: deploy('  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n'),
    changes: image('web', '1.10'),
    want: deploy('  template:\n    spec:\n      containers:\n        - name: web\n          image: "1.10"\n'),
  },
  { name: 'the object is not in the file', text: deploy('  replicas: 1\n'), loc: { kind: 'Deployment', name: 'other' }, changes: replicas(2), refused: /no document .* defines Deployment\/other/ },
  { name: 'a file that does not parse', text: deploy('  replicas: [1\n'), changes: replicas(2), refused: /does not parse/ },
  { name: 'a missing map on the way', text: deploy('  replicas: 1\n'), changes: image('web', 'x:1'), refused: /spec\.template is not in the manifest/ },
  { name: 'an unchanged value writes nothing', text: deploy('  replicas: 2\n'), changes: replicas(2), want: deploy('  replicas: 2\n') },
];

describe('setFields', () => {
  it.each(cases)('$name', (c) => {
    const r = setFields(c.text, c.loc ?? WEB, c.changes, { json: c.json });
    if (c.refused) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(c.refused);
      return;
    }
    expect(r.ok ? '' : r.reason).toBe('');
    if (!r.ok) return;
    expect(r.text).toBe(c.want);
    if (c.line !== undefined) expect(r.line).toBe(c.line);
  });
});

describe('kustomization edits', () => {
  const k = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# the app\nresources:\n  - web.yaml\n';
  it('adds a replicas list as kustomize edit set replicas does', () => {
    const r = kustomizeSetReplicas(k, 'web', 4);
    expect(r.ok && r.text).toBe(`${k}replicas:\n- name: web\n  count: 4\n`);
  });
  it('updates an existing replicas entry in place', () => {
    const text = `${k}replicas:\n  - name: api\n    count: 1\n  - name: web # scaled\n    count: 2\n`;
    const r = kustomizeSetReplicas(text, 'web', 5);
    expect(r.ok && r.text).toBe(`${k}replicas:\n  - name: api\n    count: 1\n  - name: web # scaled\n    count: 5\n`);
  });
  it('appends to an existing list with its indentation', () => {
    const text = `${k}replicas:\n  - name: api\n    count: 1\n`;
    const r = kustomizeSetReplicas(text, 'web', 5);
    expect(r.ok && r.text).toBe(`${text}  - name: web\n    count: 5\n`);
  });
  it('adds an images entry with newTag (quoted when it reads as a number)', () => {
    const r = kustomizeSetImage(k, 'nginx:1.25', 'nginx:1.26');
    expect(r.ok && r.text).toBe(`${k}images:\n- name: nginx\n  newTag: "1.26"\n`);
  });
  it('updates the images entry whose newName the object has now', () => {
    const text = `${k}images:\n- name: nginx\n  newName: registry.local/nginx\n  newTag: "1.25"\n`;
    const r = kustomizeSetImage(text, 'registry.local/nginx:1.25', 'registry.local/nginx:1.26');
    expect(r.ok && r.text).toBe(`${k}images:\n- name: nginx\n  newName: registry.local/nginx\n  newTag: "1.26"\n`);
  });
  it('keeps CRLF', () => {
    const crlf = k.replace(/\n/g, '\r\n');
    const r = kustomizeSetReplicas(crlf, 'web', 2);
    expect(r.ok && r.text).toBe(`${crlf}replicas:\r\n- name: web\r\n  count: 2\r\n`);
  });
  it('parses image references', () => {
    expect(parseImage('registry:5000/app:1.2')).toEqual({ name: 'registry:5000/app', tag: '1.2' });
    expect(parseImage('app@sha256:abc')).toEqual({ name: 'app', digest: 'sha256:abc' });
  });
});

describe('templateChanges (rollback)', () => {
  const t = (img: string, extra = {}) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: img, ...extra }] } });
  it('finds the image that differs, by container name', () => {
    expect(templateChanges(t('nginx:1.26'), t('nginx:1.25'), ['spec', 'template'])).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', { name: 'web' }, 'image'], value: 'nginx:1.25' },
    ]);
  });
  it('refuses a field that would have to be removed', () => {
    expect(templateChanges(t('a:1', { command: ['x'] }), t('a:1'))).toMatch(/removed|whole list/);
  });
});
