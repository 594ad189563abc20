// The pods and nodes views with metrics, through the whole App in a fake
// terminal: the CPU/MEM columns appear once the first sample is in, follow the
// next sample (the interval, not a frame), and stay away without metrics.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClusterClient, withMetrics } from './fake-client.js';
import { node, pod } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const MI = 2 ** 20;

function withResources(p: KubeObject, requests: Record<string, string>, limits: Record<string, string> = {}): KubeObject {
  const spec = p.spec as { containers: Record<string, unknown>[] };
  spec.containers = spec.containers.map((c) => ({ ...c, resources: { requests, limits } }));
  return p;
}

const rowOf = (frame: string, name: string) => frame.split('\n').find((l) => l.includes(` ${name} `)) ?? '';

function cluster() {
  return new FakeClusterClient([
    node('node-1', { roles: ['control-plane'] }),
    withResources(pod('web-1'), { cpu: '100m', memory: '64Mi' }, { cpu: '500m', memory: '128Mi' }),
    pod('api-1', { ns: 'team' }),
  ]);
}

describe('CPU and MEM columns', () => {
  it('pods: usage and the percentages of request and limit, k9s-style', async () => {
    const c = withMetrics(cluster(), [{ name: 'node-1', cpu: 0.3, memory: 96 * MI, timestamp: '' }], [
      { namespace: 'default', name: 'web-1', cpu: 0.05, memory: 48 * MI, containers: [], timestamp: '' },
      { namespace: 'team', name: 'api-1', cpu: 0.25, memory: 48 * MI, containers: [], timestamp: '' },
    ]);
    h = await mount(c);
    const f = await h.flush();
    expect(f).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+%CPU\/R\s+%CPU\/L\s+%MEM\/R\s+%MEM\/L\s+AGE\s+IP\s+NODE/);
    expect(rowOf(f, 'web-1')).toMatch(/default\s+web-1\s+1\/1\s+Running\s+0\s+50\s+48\s+50\s+10\s+75\s+37\s+5m/);
    // No requests or limits: the percentages are n/a.
    expect(rowOf(f, 'api-1')).toMatch(/team\s+api-1\s+1\/1\s+Running\s+0\s+250\s+48\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+5m/);
  });

  it('follows the next sample, which is taken on the interval', async () => {
    const c = withMetrics(cluster(), [], [{ namespace: 'default', name: 'web-1', cpu: 0.05, memory: 48 * MI, containers: [], timestamp: '' }]);
    h = await mount(c);
    expect(rowOf(await h.flush(), 'web-1')).toMatch(/Running\s+0\s+50\s+48\s+50\s+/);
    c.podMetricsData = [{ namespace: 'default', name: 'web-1', cpu: 0.2, memory: 64 * MI, containers: [], timestamp: '' }];
    // Frames come and go; the columns change only when the next sample is due.
    expect(rowOf(await h.flush(), 'web-1')).toMatch(/Running\s+0\s+50\s+48\s+50\s+/);
    h.clock.advance(5000);
    expect(rowOf(await h.flush(), 'web-1')).toMatch(/Running\s+0\s+200\s+64\s+200\s+40\s+100\s+50\s+/);
  });

  it('nodes: usage, percentages of allocatable, and allocatable', async () => {
    const c = withMetrics(cluster(), [{ name: 'node-1', cpu: 1, memory: 2048 * MI, timestamp: '' }], []);
    h = await mount(c);
    await h.flush();
    const f = await h.type(':no', KEYS.enter);
    expect(f).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+CPU\s+MEM\s+%CPU\s+%MEM\s+CPU\/A\s+MEM\/A/);
    // fixtures: allocatable 4 cores, 8Gi.
    expect(rowOf(f, 'node-1')).toMatch(/node-1\s+Ready\s+control-plane\s+3d\s+v1\.31\.0-kubeterm\s+1000\s+2048\s+25\s+25\s+4000\s+8192/);
  });

  it('shift-c and shift-m sort by CPU and MEM, highest first, as in k9s', async () => {
    const c = withMetrics(cluster(), [], [
      { namespace: 'default', name: 'web-1', cpu: 0.05, memory: 64 * MI, containers: [], timestamp: '' },
      { namespace: 'team', name: 'api-1', cpu: 0.25, memory: 48 * MI, containers: [], timestamp: '' },
    ]);
    h = await mount(c);
    await h.flush();
    const order = (f: string) => f.split('\n').filter((l) => / (web|api)-1 /.test(l) && /Running/.test(l)).map((l) => (l.includes('web-1') ? 'web-1' : 'api-1'));
    let f = await h.type('C');
    expect(f).toContain('CPU↓');
    expect(order(f)).toEqual(['api-1', 'web-1']);
    f = await h.type('M');
    expect(f).toContain('MEM↓');
    expect(order(f)).toEqual(['web-1', 'api-1']);
    f = await h.type('M');
    expect(f).toContain('MEM↑');
    expect(order(f)).toEqual(['api-1', 'web-1']);
  });

  it('without metrics the views keep the kubectl columns', async () => {
    h = await mount(cluster());
    let f = await h.flush();
    expect(f).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(f).not.toMatch(/%CPU/);
    f = await h.type(':no', KEYS.enter);
    expect(f).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s*$/m);
  });
});
