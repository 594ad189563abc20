// The filter plugins called directly against a hand-built cache.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import { podInfoOf, SchedulerCache } from '../../src/scheduler/cache.js';
import { fitErrorMessage } from '../../src/scheduler/fit-error.js';
import { preempt } from '../../src/scheduler/preemption.js';
import { interPodAffinity, nodeName, runFilters } from '../../src/scheduler/plugins/filters.js';
import { podContext } from '../../src/scheduler/pod-context.js';
import { podRequests } from '../../src/scheduler/pod-resources.js';
import { toleratesTaint } from '../../src/scheduler/taints.js';
import { node, pod } from './helpers.js';

function cacheWith(...names: string[]) {
  const c = new SchedulerCache();
  for (const n of names) c.setNode(node(n, { labels: { zone: n === 'node-1' ? 'a' : 'b' } }));
  return c;
}

function bind(c: SchedulerCache, p: Pod, nodeName: string, uid: string) {
  c.addPod(podInfoOf({ ...p, metadata: { ...p.metadata, uid } }, nodeName));
}

const ctxOf = (p: Pod) => podContext(p, () => undefined);

describe('filter plugins', () => {
  it("NodeName: node(s) didn't match the requested node name", () => {
    const c = cacheWith('node-1', 'node-2');
    const p = pod('pinned', { spec: { nodeName: 'node-2' } });
    expect(nodeName(ctxOf(p), c.node('node-1')!)?.reasons).toEqual(["node(s) didn't match the requested node name"]);
    expect(nodeName(ctxOf(p), c.node('node-2')!)).toBeUndefined();
  });

  it("existing pods' anti-affinity excludes the incoming pod (symmetry)", () => {
    const c = cacheWith('node-1', 'node-2');
    const guard = pod('guard', {
      spec: {
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'noisy' } }, topologyKey: 'kubernetes.io/hostname' }] },
        },
      },
    });
    bind(c, guard, 'node-1', 'u-guard');
    const noisy = ctxOf(pod('noisy-1', { labels: { app: 'noisy' } }));
    expect(interPodAffinity(noisy, c.node('node-1')!, c)?.reasons).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    expect(interPodAffinity(noisy, c.node('node-2')!, c)).toBeUndefined();
  });

  it('required pod affinity by zone, and the first pod of a group may go anywhere', () => {
    const c = cacheWith('node-1', 'node-2', 'node-3');
    const withCache = (labels: Record<string, string>) =>
      ctxOf(
        pod('web', {
          labels,
          spec: {
            affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } },
          },
        }),
      );
    // No cache pod anywhere and the pod is no cache itself: nowhere.
    expect(interPodAffinity(withCache({ app: 'web' }), c.node('node-1')!, c)?.reasons).toEqual(["node(s) didn't match pod affinity rules"]);
    // A pod matching its own term may start the group.
    expect(interPodAffinity(withCache({ app: 'cache' }), c.node('node-1')!, c)).toBeUndefined();
    bind(c, pod('cache-0', { labels: { app: 'cache' } }), 'node-2', 'u-cache');
    const ctx = withCache({ app: 'web' });
    expect(interPodAffinity(ctx, c.node('node-1')!, c)?.reasons).toEqual(["node(s) didn't match pod affinity rules"]);
    expect(interPodAffinity(ctx, c.node('node-2')!, c)).toBeUndefined();
    expect(interPodAffinity(ctx, c.node('node-3')!, c)).toBeUndefined(); // same zone b
  });

  it('a node is reported with the first plugin that rejects it', () => {
    const c = new SchedulerCache();
    c.setNode(node('node-1', { unschedulable: true, cpu: '1', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }));
    const f = runFilters(ctxOf(pod('big', { cpu: '2' })), c.node('node-1')!, c);
    expect(f?.plugin).toBe('NodeUnschedulable');
    const ctx = ctxOf(pod('big', { cpu: '8', memory: '100Gi' }));
    const c2 = cacheWith('node-1');
    const f2 = runFilters(ctx, c2.node('node-1')!, c2)!;
    expect(f2.reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
    const failures2 = [{ node: c2.node('node-1')!, failure: f2 }];
    const pre2 = preempt({ ctx, preemptionPolicy: 'PreemptLowerPriority', numAllNodes: 1, failures: failures2, cache: c2, filter: (x, n) => runFilters(x, n, c2), random: () => 0 });
    expect(pre2.nominatedNodeName).toBe('');
    expect(fitErrorMessage(1, failures2, undefined, pre2.message)).toBe(
      '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('preemptionPolicy Never changes the preemption part', () => {
    const c = cacheWith('node-1');
    const ctx = ctxOf(pod('big', { cpu: '64', spec: { preemptionPolicy: 'Never' } }));
    const f = runFilters(ctx, c.node('node-1')!, c)!;
    const failures = [{ node: c.node('node-1')!, failure: f }];
    const pre = preempt({ ctx, preemptionPolicy: 'Never', numAllNodes: 1, failures, cache: c, filter: (x, n) => runFilters(x, n, c), random: () => 0 });
    expect(pre.nominatedNodeName).toBeUndefined();
    expect(fitErrorMessage(1, failures, undefined, pre.message)).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});

describe('pod requests', () => {
  it('max(sum of containers, largest init container) plus overhead; limits default requests', () => {
    const p = pod('x', { cpu: '250m', memory: '64Mi' });
    p.spec.containers.push({ name: 'side', image: 'b', resources: { limits: { cpu: '250m', memory: '64Mi' } } });
    p.spec.initContainers = [{ name: 'init', image: 'b', resources: { requests: { cpu: '2', memory: '10Mi' } } }];
    p.spec.overhead = { cpu: '10m' };
    expect(podRequests(p)).toEqual({ milliCPU: 2010, memory: 128 * 2 ** 20 });
    expect(podRequests(pod('empty'), true)).toEqual({ milliCPU: 100, memory: 200 * 2 ** 20 });
  });
});

describe('toleratesTaint', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
  it('follows v1.Toleration.ToleratesTaint', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });
});

describe('NodePorts', () => {
  it("node(s) didn't have free ports for the requested pod ports", () => {
    const c = cacheWith('node-1');
    const withPort = (name: string, hostPort: number, hostIP?: string) => {
      const p = pod(name);
      p.spec.containers[0].ports = [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}) }];
      return p;
    };
    bind(c, withPort('a', 8080, '10.0.0.1'), 'node-1', 'u-a');
    expect(runFilters(ctxOf(withPort('b', 8080)), c.node('node-1')!, c)?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(runFilters(ctxOf(withPort('c', 8080, '10.0.0.2')), c.node('node-1')!, c)).toBeUndefined();
    expect(runFilters(ctxOf(withPort('d', 9090)), c.node('node-1')!, c)).toBeUndefined();
    c.removePod('u-a');
    expect(runFilters(ctxOf(withPort('b', 8080)), c.node('node-1')!, c)).toBeUndefined();
  });
});
