// `kubectl top` with the real kubectl against the whole embedded engine
// (simulated runtime, whose containers report small stable usage): kubectl
// checks discovery for metrics.k8s.io, reads NodeMetrics/PodMetrics as JSON
// (it asks for protobuf and accepts JSON) and prints its own table.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';
import { until } from '../helpers/wait.js';

const HAVE_KUBECTL = kubectlAvailable();

/** `value` within the engine's figures read just before and just after kubectl's request (±1 for rounding). */
function expectBetween(value: number, bounds: number[], what: string): void {
  expect(value, what).toBeGreaterThanOrEqual(Math.min(...bounds) - 1);
  expect(value, what).toBeLessThanOrEqual(Math.max(...bounds) + 1);
}

describe.skipIf(!HAVE_KUBECTL)('kubectl top against the embedded engine', { timeout: 120_000 }, () => {
  let k: KubectlEngine;
  let engine: Engine;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const running = (ns: string) => engine.api.list('Pod', { namespace: ns }).items.filter((p) => p.status?.phase === 'Running');

  useKubectlEngine('kubectl-top', { nodes: 2 }, async (started) => {
    k = started;
    engine = k.engine;
    await kubectl('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2');
    await kubectl('create', 'namespace', 'team');
    await kubectl('-n', 'team', 'run', 'db', '--image=postgres:16', '--labels=app=db');
    await until('three running pods', () => running('default').length === 2 && running('team').length === 1);
  });

  it('discovery lists metrics.k8s.io with nodes and pods (get, list)', async () => {
    expect(await kubectl('api-versions')).toMatch(/^metrics\.k8s\.io\/v1beta1$/m);
    const res = await kubectl('api-resources', '--api-group=metrics.k8s.io', '-o', 'wide');
    expect(res).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics\s+get,list/m);
    expect(res).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics\s+get,list/m);
  });

  it('kubectl top nodes: usage and percentages of allocatable per node', async () => {
    // The numbers are the engine's own (node usage is the sum of its pods'). Simulated usage moves
    // between samples, so kubectl's figure must lie between the engine's just before and just after.
    const before = await engine.nodeMetrics();
    const out = await kubectl('top', 'nodes');
    const after = await engine.nodeMetrics();
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)\s*$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['node-1', 'node-2']);
    for (const line of lines.slice(1)) {
      const [name, cpu, , mem] = line.split(/\s+/);
      const pair = [before, after].map((ns) => ns.find((x) => x.name === name)!);
      expectBetween(Number(cpu.replace(/m$/, '')), pair.map((n) => Math.ceil(n.cpu * 1000)), `${name} cpu`);
      expectBetween(Number(mem.replace(/Mi$/, '')), pair.map((n) => Math.floor(n.memory / 2 ** 20)), `${name} memory`);
    }
    expect(await kubectl('top', 'node', 'node-1', '--no-headers')).toMatch(/^node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/);
  });

  it('kubectl top pods, -A, -l and NAME --containers', async () => {
    const pods = await kubectl('top', 'pods');
    expect(pods).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
    expect(pods.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]).sort()).toEqual(running('default').map((p) => p.metadata.name).sort());
    const all = await kubectl('top', 'pods', '-A');
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
    expect(all).toMatch(/^team\s+db\s+\d+m\s+\d+Mi\s*$/m);
    expect(all).toMatch(/^default\s+web-\S+\s+\d+m\s+\d+Mi\s*$/m);
    expect(await kubectl('top', 'pods', '-A', '-l', 'app=db', '--no-headers')).toMatch(/^team\s+db\s+\d+m\s+\d+Mi\s*\n$/);
    const [m0] = await engine.podMetrics('team');
    const containers = await kubectl('-n', 'team', 'top', 'pod', 'db', '--containers');
    const [m1] = await engine.podMetrics('team');
    expect(containers).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
    const row = /^db\s+db\s+(\d+)m\s+(\d+)Mi\s*$/m.exec(containers);
    expect(row, containers).not.toBeNull();
    expectBetween(Number(row![1]), [m0, m1].map((m) => Math.ceil(m.containers[0].cpu * 1000)), 'db cpu');
    expectBetween(Number(row![2]), [m0, m1].map((m) => Math.floor(m.containers[0].memory / 2 ** 20)), 'db memory');
  });

  it('says what metrics-server says for a pod or node it does not know', async () => {
    expect(await k.kubectlFails('top', 'pod', 'nope')).toMatch(/Error from server \(NotFound\): pods "nope" not found/);
    expect(await k.kubectlFails('top', 'node', 'nope')).toMatch(/Error from server \(NotFound\): node "nope" not found/);
  });

  it('kubectl get reads metrics-server tables', async () => {
    const out = await kubectl('get', 'pods.metrics.k8s.io', '-n', 'team');
    expect(out).toMatch(/^NAME\s+CPU\s+MEMORY\s+WINDOW\s*$/m);
    expect(out).toMatch(/^db\s+\S+\s+\S+\s+10s\s*$/m);
  });
});
