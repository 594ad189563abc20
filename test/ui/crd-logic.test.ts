// Custom kinds in the UI's pure logic: the `:` prompt and its completion over
// the client's live resources, the printer-column renderer of a custom kind,
// the customresourcedefinitions renderer, and kubectl's generic describe.
import { describe, expect, it } from 'vitest';
import { KINDS, type KindInfo, type PrinterColumn } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { commandWords, complete, parseCommand } from '../../components/logic/command.js';
import { describe as describeObject } from '../../components/logic/describe.js';
import { smartLabel } from '../../components/logic/describe-generic.js';
import { findKind } from '../../components/logic/kinds.js';
import { buildTable } from '../../components/logic/table-model.js';
import { crdRenderer } from '../../components/render/crd.js';
import { customRenderer } from '../../components/render/custom.js';
import { defaultRenderers, rendererFor } from '../../components/render/index.js';
import { ago, HOUR, MIN, T0 } from './fixtures.js';

function customKind(over: Partial<KindInfo> & { kind: string; plural: string; columns?: PrinterColumn[] }): KindInfo {
  const { columns = [], ...rest } = over;
  return {
    group: 'example.com',
    version: 'v1',
    singular: over.kind.toLowerCase(),
    shortNames: [],
    namespaced: true,
    categories: [],
    subresources: ['status'],
    applyOrder: 50,
    alsoServed: [],
    listKind: `${over.kind}List`,
    custom: { crd: `${over.plural}.${over.group ?? 'example.com'}`, versions: [{ name: over.version ?? 'v1', served: true, storage: true, status: true, printerColumns: columns }] },
    ...rest,
  };
}

const WIDGET = customKind({
  kind: 'Widget',
  plural: 'widgets',
  shortNames: ['wd'],
  columns: [
    { name: 'Color', type: 'string', jsonPath: '.spec.color' },
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    { name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
    { name: 'Debug', type: 'string', jsonPath: '.spec.debug', priority: 1 },
    { name: 'Seen', type: 'date', jsonPath: '.status.lastSeen' },
    { name: 'Parts', type: 'string', jsonPath: '.spec.parts' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
});
const GADGET = customKind({ kind: 'Gadget', plural: 'gadgets', group: 'tools.example.org', namespaced: false, shortNames: ['gg'] });
/** A custom kind whose plural collides with nothing but whose short name `po` is taken by pods. */
const POSTER = customKind({ kind: 'Poster', plural: 'posters', shortNames: ['po', 'pst'] });
const KINDS_NOW: readonly KindInfo[] = [...KINDS, WIDGET, GADGET, POSTER];

describe('the : prompt over the client’s resources', () => {
  it.each([
    ['widgets', 'Widget', undefined],
    ['widget', 'Widget', undefined],
    ['wd', 'Widget', undefined],
    ['Widget', 'Widget', undefined],
    ['WIDGETS', 'Widget', undefined],
    ['widgets.example.com', 'Widget', undefined],
    ['widgets -A', 'Widget', ''],
    ['wd team', 'Widget', 'team'],
    ['gadgets', 'Gadget', undefined],
    ['gg', 'Gadget', undefined],
    ['gadgets.tools.example.org', 'Gadget', undefined],
    ['pst', 'Poster', undefined],
    // A built-in keeps its names: `po` stays pods.
    ['po', 'Pod', undefined],
    ['crd', 'CustomResourceDefinition', undefined],
    ['crds', 'CustomResourceDefinition', undefined],
    ['customresourcedefinitions', 'CustomResourceDefinition', undefined],
    ['customresourcedefinition', 'CustomResourceDefinition', undefined],
  ])(':%s → %s', (text, kind, ns) => {
    const c = parseCommand(text, KINDS_NOW);
    expect(c.type).toBe('resource');
    if (c.type !== 'resource') return;
    expect(c.info.kind).toBe(kind);
    expect(c.namespace).toBe(ns);
  });

  it('does not know a custom kind the cluster does not serve (yet, or any more)', () => {
    expect(parseCommand('widgets', KINDS)).toEqual({ type: 'error', message: 'no resource named "widgets"' });
    expect(parseCommand('wd', KINDS_NOW.filter((k) => k !== WIDGET))).toEqual({ type: 'error', message: 'no resource named "wd"' });
  });

  it('completes custom plurals, singulars and short names, plurals first', () => {
    const words = commandWords(KINDS_NOW);
    expect(words).toEqual(expect.arrayContaining(['widgets', 'widget', 'wd', 'gadgets', 'gg', 'posters', 'pst', 'customresourcedefinitions', 'crd', 'crds']));
    expect(words.indexOf('widgets')).toBeLessThan(words.indexOf('widget'));
    expect(complete('wid', words, [])).toBe('widgets');
    expect(complete('gad', words, [])).toBe('gadgets');
    expect(complete('custom', words, [])).toBe('customresourcedefinitions');
    expect(complete('wid', commandWords(KINDS), [])).toBeUndefined();
  });

  it('leaves out kinds a table cannot show, and gives a shared name to the core group', () => {
    const podMetrics = customKind({ kind: 'PodMetrics', plural: 'pods', group: 'metrics.k8s.io', singular: '', virtual: true, verbs: ['get', 'list'] });
    const review = customKind({ kind: 'TokenReview', plural: 'tokenreviews', group: 'authentication.k8s.io', verbs: ['create'] });
    const kinds = [podMetrics, review, ...KINDS_NOW];
    expect(parseCommand('pods', kinds)).toMatchObject({ type: 'resource', info: { kind: 'Pod' } });
    expect(parseCommand('tokenreviews', kinds)).toEqual({ type: 'error', message: 'no resource named "tokenreviews"' });
    expect(commandWords(kinds)).not.toContain('tokenreviews');
    expect(complete('po', commandWords(kinds), [])).toBe('pods');
  });

  it('finds a kind by the name objects carry', () => {
    expect(findKind(KINDS_NOW, 'Widget')).toBe(WIDGET);
    expect(findKind(KINDS_NOW, 'widgets')).toBeUndefined();
  });
});

function widget(name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}, o: { ns?: string; created?: number; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, namespace: o.ns ?? 'default', uid: `u-${name}`, creationTimestamp: ago(o.created ?? 5 * MIN), ...(o.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec,
    status,
  };
}

describe('the printer-column renderer of a custom kind', () => {
  const r = customRenderer(WIDGET);

  it('shows NAME, the priority-0 columns upper-cased, AGE (one AGE, no priority-1 column)', () => {
    expect(r.columns.map((c) => c.name)).toEqual(['NAME', 'COLOR', 'SIZE', 'READY', 'SEEN', 'PARTS', 'AGE']);
    expect(r.columns.find((c) => c.name === 'SIZE')?.align).toBe('right');
  });

  it.each<[string, KubeObject, string[]]>([
    ['every field set', widget('a', { color: 'blue', size: 3, parts: ['x', 'y'] }, { ready: true, lastSeen: ago(2 * HOUR) }), ['a', 'blue', '3', 'true', '120m', '["x","y"]', '5m']],
    ['missing fields are empty cells', widget('b', {}), ['b', '', '', '', '', '', '5m']],
    ['wrong types are empty cells; integers truncate', widget('c', { color: 7, size: 2.9 }, { ready: 'yes', lastSeen: 5 }), ['c', '7', '2', '', '', '', '5m']],
    ['a map prints as JSON', widget('d', { color: { r: 1 } }), ['d', '{"r":1}', '', '', '', '', '5m']],
  ])('%s', (_, obj, cells) => {
    expect(r.row(obj, T0)).toEqual(cells);
  });

  it('greys a row being deleted', () => {
    expect(r.color(widget('a', {}, {}, { deleting: true }))).toBe('gone');
    expect(r.color(widget('a', {}))).toBe('plain');
  });

  it('is what rendererFor gives a custom kind, the same object each time; a kind without columns gets NAME AGE', () => {
    const reg = defaultRenderers();
    expect(rendererFor(reg, 'Widget', WIDGET)).toBe(r);
    expect(rendererFor(reg, 'Widget', WIDGET)).toBe(rendererFor(reg, 'Widget', WIDGET));
    expect(rendererFor(reg, 'Gadget', GADGET).columns.map((c) => c.name)).toEqual(['NAME', 'AGE']);
    expect(rendererFor(reg, 'Thing').columns.map((c) => c.name)).toEqual(['NAME', 'AGE']);
    expect(rendererFor(reg, 'Thing')).toBe(rendererFor(reg, 'Thing'));
  });

  it('takes the columns of the version it reads (the preferred one)', () => {
    const two = customKind({ kind: 'Widget', plural: 'widgets', version: 'v2' });
    two.custom!.versions = [
      { name: 'v1', served: true, storage: false, status: false, printerColumns: [{ name: 'Old', type: 'string', jsonPath: '.spec.old' }] },
      { name: 'v2', served: true, storage: true, status: false, printerColumns: [{ name: 'New', type: 'string', jsonPath: '.spec.new' }] },
    ];
    expect(customRenderer(two).columns.map((c) => c.name)).toEqual(['NAME', 'NEW', 'AGE']);
  });

  it('puts NAMESPACE first across all namespaces, and sorts by a printer column', () => {
    const objs = [widget('a', { size: 10 }, {}, { ns: 'x' }), widget('b', { size: 2 }, {}, { ns: 'y' })];
    const all = buildTable(objs, r, true, { namespace: '', filter: '', sort: { column: 'SIZE', asc: true } }, T0);
    expect(all.columns.map((c) => c.name)).toEqual(['NAMESPACE', 'NAME', 'COLOR', 'SIZE', 'READY', 'SEEN', 'PARTS', 'AGE']);
    expect(all.rows.map((row) => row.cells.slice(0, 2))).toEqual([
      ['y', 'b'],
      ['x', 'a'],
    ]);
    const one = buildTable(objs, r, true, { namespace: 'x', filter: '' }, T0);
    expect(one.columns[0].name).toBe('NAME');
    expect(one.rows.map((row) => row.cells[0])).toEqual(['a']);
  });
});

describe('the customresourcedefinitions view', () => {
  const crd = (name: string, o: { established?: string; deleting?: boolean; scope?: string } = {}): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name, uid: `u-${name}`, creationTimestamp: ago(HOUR), ...(o.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: {
      group: 'example.com',
      scope: o.scope ?? 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', shortNames: ['wd', 'wds'] },
      versions: [
        { name: 'v1', served: true, storage: true },
        { name: 'v1beta1', served: false, storage: false },
      ],
    },
    status: o.established ? { conditions: [{ type: 'Established', status: o.established }] } : {},
  });

  it('shows NAME GROUP KIND VERSIONS SCOPE ALIASES AGE, as k9s', () => {
    expect(crdRenderer.columns.map((c) => c.name)).toEqual(['NAME', 'GROUP', 'KIND', 'VERSIONS', 'SCOPE', 'ALIASES', 'AGE']);
    expect(crdRenderer.row(crd('widgets.example.com', { established: 'True' }), T0)).toEqual(['widgets.example.com', 'example.com', 'Widget', 'v1', 'Namespaced', 'wd,wds', '60m']);
  });

  it.each([
    [{ established: 'True' }, 'plain'],
    [{ established: 'False' }, 'error'],
    [{}, 'warn'],
    [{ established: 'True', deleting: true }, 'gone'],
  ] as const)('colours %o as %s', (o, tone) => {
    expect(crdRenderer.color(crd('w', o))).toBe(tone);
  });

  it('is the registered renderer of CustomResourceDefinition', () => {
    expect(rendererFor(defaultRenderers(), 'CustomResourceDefinition')).toBe(crdRenderer);
  });
});

describe('kubectl’s generic describe of a custom resource', () => {
  it.each([
    ['apiVersion', 'API Version'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['uid', 'UID'],
    ['resourceVersion', 'Resource Version'],
    ['readyReplicas', 'Ready Replicas'],
    ['spec', 'Spec'],
    ['some_key', 'some_key'],
    ['v1', 'v1'],
    ['HTTPServer', 'HTTP Server'],
  ])('labels %s as %s', (field, label) => {
    expect(smartLabel(field)).toBe(label);
  });

  it('prints Name … Annotations, then the object as labelled lines, then Events', () => {
    const obj: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: {
        name: 'w1',
        namespace: 'team',
        uid: 'abc',
        resourceVersion: '7',
        generation: 2,
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app: 'shop' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'hi' },
        managedFields: [{ manager: 'kubectl' }],
      } as KubeObject['metadata'],
      spec: { color: 'blue', size: 3, parts: ['x', 'y'], nested: { minReplicas: 1 } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const text = describeObject(obj, [], T0, true, { generic: true });
    expect(text.split('\n')).toEqual([
      'Name:         w1',
      'Namespace:    team',
      'Labels:       app=shop',
      'Annotations:  note=hi',
      'API Version:  example.com/v1',
      'Kind:         Widget',
      'Metadata:',
      '  Creation Timestamp:  2026-01-01T00:00:00Z',
      '  Generation:          2',
      '  Resource Version:    7',
      '  UID:                 abc',
      'Spec:',
      '  Color:  blue',
      '  Nested:',
      '    Min Replicas:  1',
      '  Parts:',
      '    x',
      '    y',
      '  Size:  3',
      'Status:',
      '  Conditions:',
      '    Status:  True',
      '    Type:    Ready',
      'Events:  <none>',
    ]);
  });
});
