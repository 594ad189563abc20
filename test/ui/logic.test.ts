import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/api/kinds.js';
import { BINDINGS } from '../../components/actions/index.js';
import { activeBindings, bindingFor, keyName } from '../../components/keys.js';
import { commandWords, complete, parseCommand } from '../../components/logic/command.js';
import { parseFilter } from '../../components/logic/filter.js';
import { cell, fitColumns, measure } from '../../components/logic/fit-columns.js';
import { helpLines } from '../../components/logic/help.js';
import { LogBuffer } from '../../components/logic/log-buffer.js';
import { rollbackPlan, deploymentRevisions } from '../../components/logic/rollout.js';
import { parseLabelSelector, selectorMatcher } from '../../components/logic/selector.js';
import { buildTable, cursorAfterChange, scrollFor } from '../../components/logic/table-model.js';
import { defaultRenderers, rendererFor } from '../../components/render/index.js';
import type { Column } from '../../components/render/types.js';
import { objectYaml, MASK } from '../../components/logic/yaml-text.js';
import { sparkline } from '../../components/logic/sparkline.js';
import { parseQuantity } from '../../components/logic/quantity.js';
import { deployment, HOUR, MIN, pod, replicaSet, T0 } from './fixtures.js';
import type { Key } from 'ink';
import { logScreenLines } from '../../components/views/logs-view.js';

describe('filter', () => {
  const labels = { app: 'web', tier: 'fe' };
  it.each([
    ['', 'anything', true],
    ['web', 'default web-1 Running', true],
    ['WEB', 'default web-1 Running', true],
    ['db', 'default web-1 Running', false],
    ['web-\\d', 'default web-1 Running', true],
    ['^api', 'default web-1 Running', false],
    ['!web', 'default web-1 Running', false],
    ['!db', 'default web-1 Running', true],
    ['web[', 'default web[1 Running', true], // not a regex: substring
    ['-l app=web', 'x', true],
    ['-l app=db', 'x', false],
    ['-l app in (web,api),tier!=be', 'x', true],
    ['-l !tier', 'x', false],
  ])('%j on %j → %s', (f, text, want) => {
    expect(parseFilter(f).test(text, labels)).toBe(want);
  });
  it('reports a bad label selector', () => {
    expect(parseFilter('-l app==,,=x').error).toBeTruthy();
  });
});

describe('label selectors', () => {
  it('matches the object and string forms', () => {
    const m = selectorMatcher({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] });
    expect(m({ app: 'web', tier: 'fe' })).toBe(true);
    expect(m({ app: 'web', tier: 'db' })).toBe(false);
    expect(parseLabelSelector('app=web,env')({ app: 'web', env: 'x' })).toBe(true);
    expect(parseLabelSelector('app=web,env')({ app: 'web' })).toBe(false);
  });
});

describe('column fitting', () => {
  const columns: Column[] = [
    { name: 'NAME', priority: 0 },
    { name: 'READY', priority: 0 },
    { name: 'IP', priority: 3 },
    { name: 'NODE', priority: 4 },
    { name: 'MESSAGE', priority: 0, flex: true },
  ];
  const rows = [{ cells: ['web-1', '1/1', '10.0.0.1', 'node-1', 'a long message here'] }];
  it('keeps everything when wide', () => {
    const w = measure(columns, rows);
    expect(fitColumns(columns, w, 200).shown).toEqual([0, 1, 2, 3, 4]);
  });
  it('drops the highest priority number first, then truncates the flex column', () => {
    const w = measure(columns, rows);
    expect(fitColumns(columns, w, 50).shown).toEqual([0, 1, 2, 4]);
    expect(fitColumns(columns, w, 40).shown).toEqual([0, 1, 4]);
    const tight = fitColumns(columns, w, 30);
    expect(tight.shown).toEqual([0, 1, 4]);
    expect(tight.widths.reduce((a, b) => a + b, 0) + 2 * (tight.shown.length - 1)).toBeLessThanOrEqual(30);
  });
  it('pads and truncates cells', () => {
    expect(cell('abc', 5)).toBe('abc  ');
    expect(cell('abc', 5, 'right')).toBe('  abc');
    expect(cell('abcdef', 4)).toBe('abc…');
  });
});

describe('table model', () => {
  const reg = defaultRenderers();
  const pods = [pod('b-1', { created: HOUR }), pod('a-1', { created: MIN, ns: 'kube-system' }), pod('c-1', { created: 2 * HOUR, waiting: 'CrashLoopBackOff' })];
  it('adds NAMESPACE for all namespaces and scopes by namespace', () => {
    const all = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: '' }, T0);
    expect(all.columns[0].name).toBe('NAMESPACE');
    expect(all.rows.map((r) => r.cells[1])).toEqual(['b-1', 'c-1', 'a-1']); // by namespace/name
    const ns = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: 'default', filter: '' }, T0);
    expect(ns.columns[0].name).toBe('NAME');
    expect(ns.rows.map((r) => r.cells[0])).toEqual(['b-1', 'c-1']);
  });
  it('sorts by name, age (by time, not text) and status', () => {
    const q = (column: string, asc: boolean) => buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: '', sort: { column, asc } }, T0).rows.map((r) => r.obj.metadata.name);
    expect(q('NAME', true)).toEqual(['a-1', 'b-1', 'c-1']);
    expect(q('NAME', false)).toEqual(['c-1', 'b-1', 'a-1']);
    expect(q('AGE', true)).toEqual(['a-1', 'b-1', 'c-1']);
    expect(q('AGE', false)).toEqual(['c-1', 'b-1', 'a-1']);
    expect(q('STATUS', true)).toEqual(['c-1', 'b-1', 'a-1']); // ties by namespace/name
  });
  it('filters on the rendered row and on labels', () => {
    const t = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: 'crash' }, T0);
    expect(t.rows.map((r) => r.obj.metadata.name)).toEqual(['c-1']);
    expect(t.total).toBe(3);
    const l = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: '-l app=a' }, T0);
    expect(l.rows.map((r) => r.obj.metadata.name)).toEqual(['a-1']);
  });
  it('scopes a drill-down by selector and node', () => {
    const t = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: '', scope: { title: 'x', labels: { matchLabels: { app: 'b' } } } }, T0);
    expect(t.rows.map((r) => r.obj.metadata.name)).toEqual(['b-1']);
    const n = buildTable(pods, rendererFor(reg, 'Pod'), true, { namespace: '', filter: '', scope: { title: 'x', nodeName: 'node-9' } }, T0);
    expect(n.rows).toEqual([]);
  });
  it('keeps the cursor on the same object when rows change', () => {
    const rows = (ids: string[]) => ids.map((id) => ({ id, obj: pod(id), cells: [], tone: 'ok' as const }));
    expect(cursorAfterChange(rows(['a', 'b', 'c']), 'b', 1)).toBe(1);
    expect(cursorAfterChange(rows(['new', 'a', 'b', 'c']), 'b', 1)).toBe(2);
    expect(cursorAfterChange(rows(['a', 'c']), 'b', 1)).toBe(1); // gone: stay at the position
    expect(cursorAfterChange(rows(['a']), 'b', 5)).toBe(0);
    expect(cursorAfterChange([], 'b', 5)).toBe(0);
  });
  it('scrolls only as far as needed to show the cursor', () => {
    expect(scrollFor(0, 0, 10, 100)).toBe(0);
    expect(scrollFor(10, 0, 10, 100)).toBe(1);
    expect(scrollFor(5, 3, 10, 100)).toBe(3);
    expect(scrollFor(2, 3, 10, 100)).toBe(2);
    expect(scrollFor(99, 0, 10, 100)).toBe(90);
  });
});

describe('a renderer that throws', () => {
  it('shows the error in the row instead of crashing', () => {
    const bad = { kind: 'Pod', columns: [{ name: 'NAME', priority: 0 }, { name: 'X', priority: 0 }], row: () => { throw new Error('boom'); }, color: () => 'ok' as const };
    const t = buildTable([pod('p')], bad, true, { namespace: 'default', filter: '' }, T0);
    expect(t.rows[0].cells).toEqual(['p', '<render error: boom>']);
    expect(t.rows[0].tone).toBe('error');
  });
});

describe('log buffer', () => {
  it('keeps the newest lines only', () => {
    const b = new LogBuffer(3);
    for (let i = 1; i <= 5; i++) b.push({ pod: 'p', container: 'c', text: `line ${i}` });
    expect(b.lines().map((l) => l.text)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(b.length).toBe(3);
    expect(b.dropped).toBe(2);
    b.clear();
    expect(b.lines()).toEqual([]);
  });
  it('defaults to 5,000 lines like k9s', () => {
    const b = new LogBuffer();
    for (let i = 0; i < 6000; i++) b.push({ pod: 'p', container: 'c', text: String(i) });
    expect(b.length).toBe(5000);
    expect(b.lines()[0].text).toBe('1000');
  });
});

describe('rollout history', () => {
  const d = deployment('web', { revision: 3, image: 'nginx:1.27' });
  const rss = [replicaSet(d, 1, 'nginx:1.25'), replicaSet(d, 2, 'nginx:1.26'), replicaSet(d, 3, 'nginx:1.27', 3), replicaSet(deployment('other', { uid: 'x' }), 9, 'x')];
  it('lists revisions of the ReplicaSets the deployment controls', () => {
    expect(deploymentRevisions(d, rss).map((r) => [r.revision, r.images[0]])).toEqual([
      [1, 'nginx:1.25'],
      [2, 'nginx:1.26'],
      [3, 'nginx:1.27'],
    ]);
  });
  it('undo goes to the previous revision', () => {
    const p = rollbackPlan(d, rss);
    expect(p.ok && [p.from.revision, p.to.revision, p.to.images[0]]).toEqual([3, 2, 'nginx:1.26']);
    const to1 = rollbackPlan(d, rss, 1);
    expect(to1.ok && to1.to.revision).toBe(1);
  });
  it('explains when there is nothing to roll back to', () => {
    expect(rollbackPlan(deployment('solo', { revision: 1 }), [])).toEqual({ ok: false, error: 'no rollout history found for deployment "solo"' });
    expect(rollbackPlan(d, rss, 7)).toEqual({ ok: false, error: 'unable to find specified revision 7 in history' });
  });
});

describe('command line', () => {
  it.each([
    ['po', 'Pod', undefined],
    ['pods', 'Pod', undefined],
    ['pod kube-system', 'Pod', 'kube-system'],
    ['deploy', 'Deployment', undefined],
    ['svc', 'Service', undefined],
    ['ev', 'Event', undefined],
    ['no', 'Node', undefined],
    ['ns', 'Namespace', undefined],
    ['hpa', 'HorizontalPodAutoscaler', undefined],
    ['pvc', 'PersistentVolumeClaim', undefined],
    ['deploy all', 'Deployment', ''],
    ['deploy -A', 'Deployment', ''],
  ])(':%s', (text, kind, ns) => {
    const c = parseCommand(text, KINDS);
    expect(c.type === 'resource' && [c.info.kind, c.namespace]).toEqual([kind, ns]);
  });
  it('quits and reports unknown names', () => {
    expect(parseCommand('q', KINDS).type).toBe('quit');
    expect(parseCommand('quit', KINDS).type).toBe('quit');
    expect(parseCommand('bogus', KINDS)).toEqual({ type: 'error', message: 'no resource named "bogus"' });
  });
  it('completes resource names and namespaces', () => {
    const words = commandWords(KINDS);
    expect(complete('dep', words, [])).toBe('deployments');
    expect(complete('po', words, [])).toBe('pods');
    expect(complete('pods kube', words, ['default', 'kube-system'])).toBe('pods kube-system');
    expect(complete('zzz', words, [])).toBeUndefined();
  });
});

describe('key bindings are data', () => {
  const key = (over: Partial<Key> = {}): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...over });
  it('names keys as bindings spell them', () => {
    expect(keyName('d', key({ ctrl: true }))).toBe('ctrl-d');
    expect(keyName('H', key({ shift: true }))).toBe('shift-h');
    expect(keyName('', key({ return: true }))).toBe('enter');
    expect(keyName('', key({ downArrow: true }))).toBe('down');
    expect(keyName('', key({ leftArrow: true, shift: true }))).toBe('shift-left');
  });
  it('resolves per-kind keys before generic ones', () => {
    expect(bindingFor(BINDINGS, ['Deployment', 'table', 'global'], 'u')?.action).toBe('rollback');
    expect(bindingFor(BINDINGS, ['Node', 'table', 'global'], 'u')?.action).toBe('uncordon');
    expect(bindingFor(BINDINGS, ['Pod', 'table', 'global'], 'u')).toBeUndefined();
    expect(bindingFor(BINDINGS, ['Deployment', 'table', 'global'], 's')?.action).toBe('scale');
    expect(bindingFor(BINDINGS, ['logs', 'global'], 's')?.action).toBe('logAutoscroll');
    expect(bindingFor(BINDINGS, ['Pod', 'table', 'global'], 'down')?.action).toBe('down');
  });
  it('every key appears once per view', () => {
    for (const scopes of [['Pod', 'table', 'global'], ['Deployment', 'table', 'global'], ['Node', 'table', 'global'], ['logs', 'global'], ['text', 'global']]) {
      const keys = activeBindings(BINDINGS, scopes).flatMap((b) => [b.key, ...(b.also ?? [])]);
      expect(new Set(keys).size, scopes.join()).toBe(keys.length);
    }
  });
  it('help is generated from the bindings of the view', () => {
    const lines = helpLines(BINDINGS, ['Deployment', 'table', 'global']);
    for (const b of activeBindings(BINDINGS, ['Deployment', 'table', 'global'])) expect(lines.some((l) => l.includes(`<${b.key}>`) && l.includes(b.label)), b.label).toBe(true);
    expect(lines.join('\n')).not.toContain('Logs Previous');
  });
});

describe('log screen lines', () => {
  const lines = [
    { pod: 'p', container: 'a', time: '2026-01-01T00:00:00Z', text: 'x'.repeat(25) },
    { pod: 'p', container: 'b', text: 'short' },
  ];
  it('truncates by default and wraps when asked', () => {
    expect(logScreenLines(lines, { autoscroll: true, wrap: false, timestamps: false }, false, '', 10)).toEqual(['x'.repeat(25), 'short']);
    expect(logScreenLines(lines, { autoscroll: true, wrap: true, timestamps: false }, false, '', 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5), 'short']);
  });
  it('prefixes sources and timestamps, and filters', () => {
    expect(logScreenLines(lines, { autoscroll: true, wrap: false, timestamps: true }, true, 'short', 100)).toEqual(['p b │ short']);
    expect(logScreenLines(lines, { autoscroll: true, wrap: false, timestamps: true }, true, '', 100)[0]).toBe(`2026-01-01T00:00:00Z p a │ ${'x'.repeat(25)}`);
  });
});

describe('small helpers', () => {
  it('masks secrets in YAML until revealed', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: [{ manager: 'x' }] }, data: { password: Buffer.from('hunter2').toString('base64') } };
    expect(objectYaml(s)).toContain(`password: "${MASK}"`);
    expect(objectYaml(s)).not.toContain('managedFields');
    expect(objectYaml(s, { reveal: true })).toContain('password: hunter2');
  });
  it('draws sparklines', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5], 2)).toBe('██');
    expect(sparkline([], 5)).toBe('');
  });
  it('parses quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1k')).toBe(1000);
  });
});
