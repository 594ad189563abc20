import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { DAEMON_POD_TOLERATIONS, daemonPodNode, newDaemonSetController, nodeShouldRunDaemonPod } from '../../src/controllers/daemonset.js';
import { newGarbageCollector } from '../../src/controllers/garbage-collector.js';
import type { DaemonSet } from '../../src/api/types/apps.js';
import { events, setup } from './harness.js';
import { WorkloadKubelet } from './workload-kubelet.js';

function node(name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

function daemonSet(name: string, spec: Record<string, unknown> = {}, image = 'fluentd:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      ...spec,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image }], ...((spec.podSpec as object) ?? {}) } },
    },
  };
}

async function dsHarness() {
  const kubelet = new WorkloadKubelet();
  const h = await setup({ factories: [newGarbageCollector, newDaemonSetController, kubelet.factory] });
  return { ...h, kubelet };
}

const dsPods = (h: { api: any }, ds = 'logs') =>
  h.api.list('Pod', { namespace: 'default', filter: (p: KubeObject) => p.metadata.labels?.app === ds && !p.metadata.deletionTimestamp }).items as KubeObject[];
const nodesOf = (pods: KubeObject[]) => pods.map((p) => daemonPodNode(p)).sort();

describe('DaemonSet scheduling predicates', () => {
  const ds = daemonSet('x', { podSpec: { nodeSelector: { disk: 'ssd' } } }) as DaemonSet;
  it('nodeSelector, NoSchedule and NoExecute taints', () => {
    expect(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), ds)).toEqual({ shouldRun: true, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod(node('b'), ds)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    expect(nodeShouldRunDaemonPod(node('c', { disk: 'ssd' }, [{ key: 'gpu', effect: 'NoSchedule' }]), ds)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod(node('d', { disk: 'ssd' }, [{ key: 'gpu', effect: 'NoExecute' }]), ds)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    // the tolerations every daemon pod gets
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      expect(nodeShouldRunDaemonPod(node('e', { disk: 'ssd' }, [{ key, effect: 'NoExecute' }]), ds).shouldRun).toBe(true);
    }
    const cordoned = { ...node('f', { disk: 'ssd' }), spec: { unschedulable: true } };
    expect(nodeShouldRunDaemonPod(cordoned, ds).shouldRun).toBe(true);
  });
});

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned by node affinity, following nodes as they come, go and get tainted', async () => {
    const h = await dsHarness();
    await h.api.create(node('n1'));
    await h.api.create(node('n2'));
    await h.api.create(daemonSet('logs'));
    await h.settle();
    const pods = dsPods(h);
    expect(nodesOf(pods)).toEqual(['n1', 'n2']);
    const p = pods[0];
    expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [daemonPodNode(p)] }] },
    ]);
    for (const t of DAEMON_POD_TOLERATIONS) expect(p.spec.tolerations).toContainEqual(t);
    expect(p.metadata.labels!['controller-revision-hash']).toMatch(/^[a-z0-9]+$/);
    const revs = h.api.list('ControllerRevision').items;
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({ revision: 1, metadata: { name: `logs-${p.metadata.labels!['controller-revision-hash']}` } });
    expect(h.api.get('DaemonSet', 'default', 'logs')!.status).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 2,
      observedGeneration: 1,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      numberUnavailable: 0,
    });
    // a node joins
    await h.api.create(node('n3'));
    await h.settle();
    expect(nodesOf(dsPods(h))).toEqual(['n1', 'n2', 'n3']);
    // a NoExecute taint evicts; NoSchedule keeps the running pod
    await h.api.modify('Node', '', 'n1', (n) => {
      n.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }];
    });
    await h.api.modify('Node', '', 'n2', (n) => {
      n.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    });
    await h.settle();
    expect(nodesOf(dsPods(h))).toEqual(['n2', 'n3']);
    expect(h.api.get('DaemonSet', 'default', 'logs')!.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 1 });
    // a node leaves
    await h.api.delete('Node', '', 'n3');
    await h.settle();
    expect(nodesOf(dsPods(h))).toEqual(['n2']);
    expect(events(h.api, 'SuccessfulCreate')).toHaveLength(3);
    await h.mgr.stop();
  });

  it('RollingUpdate replaces pods one node at a time (maxUnavailable 1) with a new ControllerRevision', async () => {
    const h = await dsHarness();
    for (const n of ['n1', 'n2', 'n3']) await h.api.create(node(n));
    await h.api.create(daemonSet('logs'));
    await h.settle();
    const oldHash = dsPods(h)[0].metadata.labels!['controller-revision-hash'];
    h.kubelet.ready = () => false; // new pods stay unready: the rollout must stop after one node
    await h.api.modify('DaemonSet', 'default', 'logs', (d) => {
      d.spec.template.spec.containers[0].image = 'fluentd:2';
    });
    await h.settle();
    let pods = dsPods(h);
    const newHash = pods.find((p) => p.metadata.labels!['controller-revision-hash'] !== oldHash)!.metadata.labels!['controller-revision-hash'];
    expect(pods.filter((p) => p.metadata.labels!['controller-revision-hash'] === newHash)).toHaveLength(1);
    expect(pods.filter((p) => p.metadata.labels!['controller-revision-hash'] === oldHash)).toHaveLength(2);
    h.kubelet.ready = () => true;
    h.kubelet.resync();
    await h.settle();
    await h.settle();
    pods = dsPods(h);
    expect(pods.every((p) => p.metadata.labels!['controller-revision-hash'] === newHash)).toBe(true);
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['fluentd:2', 'fluentd:2', 'fluentd:2']);
    expect(h.api.list('ControllerRevision').items.map((r: any) => r.revision).sort()).toEqual([1, 2]);
    expect(h.api.get('DaemonSet', 'default', 'logs')!.status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    await h.mgr.stop();
  });

  it('OnDelete keeps old pods until they are deleted by hand', async () => {
    const h = await dsHarness();
    await h.api.create(node('n1'));
    await h.api.create(daemonSet('logs', { updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    const [old] = dsPods(h);
    await h.api.modify('DaemonSet', 'default', 'logs', (d) => {
      d.spec.template.spec.containers[0].image = 'fluentd:2';
    });
    await h.settle();
    expect(dsPods(h).map((p) => p.metadata.name)).toEqual([old.metadata.name]);
    expect(h.api.get('DaemonSet', 'default', 'logs')!.status?.updatedNumberScheduled).toBe(0);
    await h.api.delete('Pod', 'default', old.metadata.name!);
    await h.settle();
    expect(dsPods(h).map((p) => p.spec.containers[0].image)).toEqual(['fluentd:2']);
    await h.mgr.stop();
  });

  it('maxSurge starts the new pod before removing the old one', async () => {
    const h = await dsHarness();
    await h.api.create(node('n1'));
    await h.api.create(daemonSet('logs', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    h.kubelet.ready = (p) => p.spec.containers[0].image !== 'fluentd:2';
    await h.api.modify('DaemonSet', 'default', 'logs', (d) => {
      d.spec.template.spec.containers[0].image = 'fluentd:2';
    });
    await h.settle();
    expect(dsPods(h).map((p) => p.spec.containers[0].image).sort()).toEqual(['fluentd:1', 'fluentd:2']);
    h.kubelet.ready = () => true;
    h.kubelet.resync();
    await h.settle();
    expect(dsPods(h).map((p) => p.spec.containers[0].image)).toEqual(['fluentd:2']);
    await h.mgr.stop();
  });
});
