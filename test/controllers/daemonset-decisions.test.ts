// Table tests for the DaemonSet controller's pure decisions (src/controllers/daemonset.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { DaemonSet } from '../../src/api/types/apps.js';
import { CONTROLLER_REVISION_HASH } from '../../src/controllers/controller-revision.js';
import { computeStatus, daemonPod, manageActions, rollingUpdateActions, surging, type DaemonAction } from '../../src/controllers/daemonset.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function ds(spec: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 1 },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...spec } as DaemonSet['spec'],
  };
}

const node = (name: string, taints: { key: string; effect: string }[] = []): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints } });

function pod(name: string, nodeName: string, o: { hash?: string; phase?: string; ready?: boolean; created?: string; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', labels: { [CONTROLLER_REVISION_HASH]: o.hash ?? 'new' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}) },
    spec: { nodeName },
    status: { phase: o.phase ?? 'Running', conditions: o.ready === false ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

const show = (actions: DaemonAction[]) => actions.map((a) => ('createOn' in a ? `create:${a.createOn}` : `delete:${a.delete.metadata.name}${a.failedOn ? '(failed)' : ''}`));

describe('manageActions', () => {
  const cases: { name: string; nodes: KubeObject[]; pods: KubeObject[]; d?: DaemonSet; want: string[] }[] = [
    { name: 'creates on nodes without a pod', nodes: [node('n1'), node('n2')], pods: [pod('a', 'n1')], want: ['create:n2'] },
    { name: 'deletes pods of vanished nodes first', nodes: [node('n1')], pods: [pod('a', 'n1'), pod('gone', 'n9')], want: ['delete:gone'] },
    { name: 'a terminating pod does not hold back its replacement', nodes: [node('n1')], pods: [pod('a', 'n1', { deleting: true })], want: ['create:n1'] },
    { name: 'failed pods are killed (and replaced next sync)', nodes: [node('n1')], pods: [pod('f', 'n1', { phase: 'Failed' }), pod('ok', 'n1')], want: ['delete:f(failed)'] },
    { name: 'duplicates: keep the oldest', nodes: [node('n1')], pods: [pod('new', 'n1', { created: '2026-01-01T00:05:00Z' }), pod('old', 'n1')], want: ['delete:new'] },
    { name: 'duplicates are kept while surging', nodes: [node('n1')], pods: [pod('new', 'n1', { created: '2026-01-01T00:05:00Z' }), pod('old', 'n1')], d: ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } as never), want: [] },
    { name: 'an untolerated NoExecute taint evicts', nodes: [node('n1', [{ key: 'k', effect: 'NoExecute' }])], pods: [pod('a', 'n1')], want: ['delete:a'] },
    { name: 'an untolerated NoSchedule taint keeps the pod but places none', nodes: [node('n1', [{ key: 'k', effect: 'NoSchedule' }]), node('n2', [{ key: 'k', effect: 'NoSchedule' }])], pods: [pod('a', 'n1')], want: [] },
  ];
  for (const c of cases) it(c.name, () => expect(show(manageActions(c.d ?? ds(), c.nodes, c.pods).actions)).toEqual(c.want));

  it('reports a decision per node', () => {
    const { decisions } = manageActions(ds(), [node('n1'), node('n2', [{ key: 'k', effect: 'NoExecute' }])], []);
    expect(Object.fromEntries(decisions)).toEqual({ n1: { shouldRun: true, shouldContinueRunning: true }, n2: { shouldRun: false, shouldContinueRunning: false } });
  });
});

describe('rollingUpdateActions', () => {
  const run = (n: string) => [n, { shouldRun: true }] as const;
  const decisions = new Map([run('n1'), run('n2'), run('n3')]);
  it('maxUnavailable 1: replaces one available old pod at a time', () => {
    const pods = [pod('a', 'n1', { hash: 'old' }), pod('b', 'n2', { hash: 'old' }), pod('c', 'n3')];
    expect(show(rollingUpdateActions(ds(), 'new', pods, decisions, NOW).actions)).toEqual(['delete:a']);
  });
  it('old pods that are not available go at once, and use the budget', () => {
    const pods = [pod('a', 'n1', { hash: 'old', ready: false }), pod('b', 'n2', { hash: 'old' }), pod('c', 'n3')];
    expect(show(rollingUpdateActions(ds(), 'new', pods, decisions, NOW).actions)).toEqual(['delete:a']);
  });
  it('maxSurge: starts a new pod beside the old one, removes the old once the new is available', () => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } as never);
    const pods = [pod('a', 'n1', { hash: 'old' }), pod('a2', 'n1'), pod('b', 'n2', { hash: 'old' }), pod('c', 'n3', { hash: 'old' })];
    expect(show(rollingUpdateActions(d, 'new', pods, decisions, NOW).actions)).toEqual(['delete:a', 'create:n2']);
  });
  it('maxSurge: a new pod not yet available sets the wait; an old pod not available is replaced at once', () => {
    const d = ds({ minReadySeconds: 700, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } as never);
    const pods = [pod('a', 'n1', { hash: 'old' }), pod('a2', 'n1'), pod('b', 'n2', { hash: 'old' })];
    const r = rollingUpdateActions(d, 'new', pods, decisions, NOW);
    expect(show(r.actions)).toEqual(['delete:b']); // ready 600 s < minReadySeconds 700
    expect(r.waitMs).toBe(100_000);
  });
});

describe('pod and status', () => {
  it('pins the pod to its node and adds the daemon tolerations', () => {
    const p = daemonPod(ds(), 'n1', 'h');
    expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]);
    expect(p.spec.tolerations.map((t: { key: string }) => t.key)).toContain('node.kubernetes.io/unreachable');
    expect(p.metadata.labels).toMatchObject({ app: 'agent', [CONTROLLER_REVISION_HASH]: 'h', 'pod-template-generation': '1' });
  });
  it.each([
    [undefined, false],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0 } }, false],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%' } }, false],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: '10%' } }, true],
    [{ type: 'OnDelete', rollingUpdate: { maxSurge: 1 } }, false],
  ])('surging(%o) = %s', (updateStrategy, want) => expect(surging(ds({ updateStrategy } as never))).toBe(want));
  it('counts desired, current, misscheduled, ready, updated and available per node', () => {
    const decisions = new Map([
      ['n1', { shouldRun: true }],
      ['n2', { shouldRun: true }],
      ['n3', { shouldRun: false }],
    ]);
    const s = computeStatus(ds(), [pod('a', 'n1'), pod('c', 'n3', { hash: 'old' })], decisions, 'new', NOW);
    expect(s).toEqual({ currentNumberScheduled: 1, numberMisscheduled: 1, desiredNumberScheduled: 2, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 1 });
  });
});
