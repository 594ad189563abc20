// The pods and nodes CPU/MEM columns, table-driven as k9s tests its renderers
// (internal/render/pod_test.go, node_test.go): usage in millicores and MiB,
// percentages of request, limit and allocatable floored, "n/a" with nothing
// to divide by; the columns exist only when a metrics sample is bound.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { bindMetrics, defaultRenderers, type MetricsSample, type Usage } from '../../components/render/index.js';
import { milliCores, percentage, podResources, toMc, toMi } from '../../components/render/metrics.js';
import { buildTable, RowCache } from '../../components/logic/table-model.js';
import { metricsSample } from '../../components/hooks/use-metrics.js';
import { node, pod, T0 } from './fixtures.js';

const MI = 2 ** 20;

function sample(pods: Record<string, Usage>, nodes: Record<string, Usage> = {}): MetricsSample {
  return {
    pod: (ns, name) => pods[`${ns}/${name}`],
    node: (name) => nodes[name],
  };
}

type Res = { requests?: Record<string, string>; limits?: Record<string, string> };

function podWith(name: string, resources: Res[], init: (Res & { restartPolicy?: string })[] = []): KubeObject {
  const p = pod(name);
  const spec = p.spec as Record<string, unknown>;
  spec.containers = resources.map((r, i) => ({ name: `c${i}`, image: 'nginx', resources: r }));
  if (init.length) spec.initContainers = init.map(({ restartPolicy, ...r }, i) => ({ name: `i${i}`, image: 'busybox', restartPolicy, resources: r }));
  return p;
}

function nodeWith(name: string, allocatable?: Record<string, string>): KubeObject {
  const n = node(name);
  (n.status as Record<string, unknown>).allocatable = allocatable;
  return n;
}

const renderers = defaultRenderers();
const cellsOf = (r: { columns: { name: string }[]; row(o: KubeObject, now: number): string[] }, obj: KubeObject) => {
  const row = r.row(obj, T0);
  return Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]]));
};

describe('k9s number formatting', () => {
  it.each([
    [0, 0],
    [0.001, 1],
    [0.005, 5],
    [0.0001, 1], // MilliValue rounds up
    [0.25, 250],
    [1.5, 1500],
    [0.123456789, 124],
  ])('%s cores → %s m', (cores, m) => expect(milliCores(cores)).toBe(m));

  it.each([
    [toMc(0), '0'],
    [toMc(250), '250'],
    [toMi(0), '0'],
    [toMi(MI - 1), '0'],
    [toMi(128 * MI), '128'],
    [toMi(1.9 * MI), '1'],
    [percentage(50, 0), 'n/a'],
    [percentage(0, 100), '0'],
    [percentage(29, 100), '28'], // float64(29)/100*100 is 28.999…: floored as k9s does
    [percentage(250, 100), '250'],
    [percentage(1, 3), '33'],
  ])('%s is %s', (got, want) => expect(got).toBe(want));
});

describe('pod requests and limits as k9s sums them', () => {
  it.each<[string, Res[], (Res & { restartPolicy?: string })[], ReturnType<typeof podResources>]>([
    ['none', [{}], [], { cpu: 0, mem: 0, lcpu: 0, lmem: 0 }],
    ['requests and limits', [{ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }], [], { cpu: 100, mem: 64 * MI, lcpu: 500, lmem: 128 * MI }],
    ['limits stand in for missing requests', [{ limits: { cpu: '1', memory: '1Gi' } }], [], { cpu: 1000, mem: 1024 * MI, lcpu: 1000, lmem: 1024 * MI }],
    ['summed over containers', [{ requests: { cpu: '250m' } }, { requests: { cpu: '0.25', memory: '100M' } }], [], { cpu: 500, mem: 100_000_000, lcpu: 0, lmem: 0 }],
    ['sidecars count, plain init containers do not', [{ requests: { cpu: '100m' } }], [{ requests: { cpu: '50m' }, restartPolicy: 'Always' }, { requests: { cpu: '2' } }], { cpu: 150, mem: 0, lcpu: 0, lmem: 0 }],
  ])('%s', (_, containers, init, want) => expect(podResources(podWith('p', containers, init))).toEqual(want));
});

describe('pods view with metrics', () => {
  it('has no metrics columns without a sample (no metrics-server), as k9s hides them', () => {
    expect(bindMetrics(renderers, undefined)).toBe(renderers);
    expect(renderers.get('Pod')!.columns.map((c) => c.name)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
  });

  it('adds CPU MEM %CPU/R %CPU/L %MEM/R %MEM/L after RESTARTS, right-aligned', () => {
    const r = bindMetrics(renderers, sample({})).get('Pod')!;
    expect(r.columns.map((c) => c.name)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'CPU', 'MEM', '%CPU/R', '%CPU/L', '%MEM/R', '%MEM/L', 'AGE', 'IP', 'NODE']);
    expect(r.columns.filter((c) => c.name.includes('CPU') || c.name.includes('MEM')).every((c) => c.align === 'right')).toBe(true);
    // The other kinds keep their renderer objects (their tables keep their rows).
    expect(bindMetrics(renderers, sample({})).get('Deployment')).toBe(renderers.get('Deployment'));
  });

  it.each<[string, Res[], Usage | undefined, Record<string, string>]>([
    ['no requests or limits', [{}], { cpu: 0.05, memory: 32 * MI }, { CPU: '50', MEM: '32', '%CPU/R': 'n/a', '%CPU/L': 'n/a', '%MEM/R': 'n/a', '%MEM/L': 'n/a' }],
    [
      'requests and limits',
      [{ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } }],
      { cpu: 0.05, memory: 32 * MI },
      { CPU: '50', MEM: '32', '%CPU/R': '50', '%CPU/L': '10', '%MEM/R': '50', '%MEM/L': '12' },
    ],
    ['over its request', [{ requests: { cpu: '100m', memory: '16Mi' } }], { cpu: 0.25, memory: 40 * MI }, { CPU: '250', MEM: '40', '%CPU/R': '250', '%CPU/L': 'n/a', '%MEM/R': '250', '%MEM/L': 'n/a' }],
    ['only limits: requests default to them', [{ limits: { cpu: '200m', memory: '100Mi' } }], { cpu: 0.1, memory: 25 * MI }, { CPU: '100', MEM: '25', '%CPU/R': '50', '%CPU/L': '50', '%MEM/R': '25', '%MEM/L': '25' }],
    ['no metrics for the pod (not running yet)', [{ requests: { cpu: '100m', memory: '64Mi' } }], undefined, { CPU: '0', MEM: '0', '%CPU/R': '0', '%CPU/L': 'n/a', '%MEM/R': '0', '%MEM/L': 'n/a' }],
  ])('%s', (_, containers, usage, want) => {
    const p = podWith('web-1', containers);
    const r = bindMetrics(renderers, sample(usage ? { 'default/web-1': usage } : {})).get('Pod')!;
    const cells = cellsOf(r, p);
    expect(cells).toMatchObject({ NAME: 'web-1', READY: '1/1', STATUS: 'Running', ...want });
  });

  it('sorts by CPU and by %MEM/R numerically, n/a lowest', () => {
    const pods = [podWith('a-1', [{ requests: { memory: '100Mi' } }]), podWith('b-1', [{}]), podWith('c-1', [{ requests: { memory: '10Mi' } }])];
    const s = sample({ 'default/a-1': { cpu: 0.9, memory: 50 * MI }, 'default/b-1': { cpu: 0.01, memory: 5 * MI }, 'default/c-1': { cpu: 0.2, memory: 2 * MI } });
    const r = bindMetrics(renderers, s).get('Pod')!;
    const order = (column: string, asc: boolean) => buildTable(pods, r, true, { namespace: 'default', filter: '', sort: { column, asc } }, T0).rows.map((x) => x.obj.metadata.name);
    expect(order('CPU', false)).toEqual(['a-1', 'c-1', 'b-1']);
    expect(order('%MEM/R', false)).toEqual(['a-1', 'c-1', 'b-1']);
    expect(order('%MEM/R', true)).toEqual(['b-1', 'c-1', 'a-1']);
  });

  it('re-renders rows when a new sample arrives, and keeps them while it stays the same', () => {
    const p = podWith('web-1', [{ requests: { cpu: '100m' } }]);
    const cache = new RowCache();
    const s1 = metricsSample([], [{ namespace: 'default', name: 'web-1', cpu: 0.05, memory: MI, containers: [], timestamp: '' }]);
    const t1 = buildTable([p], bindMetrics(renderers, s1).get('Pod')!, true, { namespace: 'default', filter: '' }, T0, cache);
    expect(t1.rows[0].cells[4]).toBe('50');
    // An unchanged sample is the same object: the renderer binding (and every cached row) stays.
    const same = metricsSample([], [{ namespace: 'default', name: 'web-1', cpu: 0.05, memory: MI, containers: [], timestamp: 'later' }], s1);
    expect(same).toBe(s1);
    const s2 = metricsSample([], [{ namespace: 'default', name: 'web-1', cpu: 0.08, memory: MI, containers: [], timestamp: '' }], s1);
    expect(s2).not.toBe(s1);
    const t2 = buildTable([p], bindMetrics(renderers, s2).get('Pod')!, true, { namespace: 'default', filter: '' }, T0, cache);
    expect(t2.rows[0].cells[4]).toBe('80');
    expect(t2.rows[0].cells[6]).toBe('80');
  });
});

describe('nodes view with metrics', () => {
  it('adds CPU MEM %CPU %MEM CPU/A MEM/A after VERSION', () => {
    const r = bindMetrics(renderers, sample({})).get('Node')!;
    expect(r.columns.map((c) => c.name)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'CPU', 'MEM', '%CPU', '%MEM', 'CPU/A', 'MEM/A']);
  });

  it.each<[string, Record<string, string> | undefined, Usage | undefined, Record<string, string>]>([
    ['usage of allocatable', { cpu: '4', memory: '8Gi' }, { cpu: 1, memory: 2 * 1024 * MI }, { CPU: '1000', MEM: '2048', '%CPU': '25', '%MEM': '25', 'CPU/A': '4000', 'MEM/A': '8192' }],
    ['millicores allocatable', { cpu: '3500m', memory: '4000Mi' }, { cpu: 0.035, memory: 100 * MI }, { CPU: '35', MEM: '100', '%CPU': '1', '%MEM': '2', 'CPU/A': '3500', 'MEM/A': '4000' }],
    ['no metrics for the node', { cpu: '2', memory: '1Gi' }, undefined, { CPU: '0', MEM: '0', '%CPU': '0', '%MEM': '0', 'CPU/A': '2000', 'MEM/A': '1024' }],
    ['no allocatable reported', undefined, { cpu: 0.5, memory: MI }, { CPU: '500', MEM: '1', '%CPU': 'n/a', '%MEM': 'n/a', 'CPU/A': '0', 'MEM/A': '0' }],
  ])('%s', (_, allocatable, usage, want) => {
    const n = nodeWith('node-1', allocatable);
    const r = bindMetrics(renderers, sample({}, usage ? { 'node-1': usage } : {})).get('Node')!;
    expect(cellsOf(r, n)).toMatchObject({ NAME: 'node-1', STATUS: 'Ready', ...want });
  });
});
