// Builders for the objects UI tests seed: just the fields the views read,
// shaped as the Kubernetes API returns them.
import type { KubeObject } from '../../src/api/meta.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const ago = (ms: number, now = T0) => new Date(now - ms).toISOString();
export const MIN = 60_000;
export const HOUR = 60 * MIN;

type PodOpts = {
  ns?: string;
  phase?: string;
  ready?: boolean;
  restarts?: number;
  waiting?: string;
  terminated?: { reason?: string; exitCode: number };
  node?: string;
  ip?: string;
  labels?: Record<string, string>;
  created?: number; // ms ago
  deleting?: boolean;
  owner?: { kind: string; name: string; uid: string };
  containers?: string[];
  uid?: string;
};

export function pod(name: string, o: PodOpts = {}): KubeObject {
  const containers = o.containers ?? ['main'];
  const state = o.waiting
    ? { waiting: { reason: o.waiting } }
    : o.terminated
      ? { terminated: o.terminated }
      : o.phase === 'Pending'
        ? { waiting: { reason: 'ContainerCreating' } }
        : { running: { startedAt: ago(o.created ?? 5 * MIN) } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: o.uid,
      labels: o.labels ?? { app: name.split('-')[0] },
      creationTimestamp: ago(o.created ?? 5 * MIN),
      deletionTimestamp: o.deleting ? ago(0) : undefined,
      ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: o.owner.uid, controller: true }] : undefined,
    },
    spec: { containers: containers.map((c) => ({ name: c, image: 'nginx:1.25' })), nodeName: o.node ?? 'node-1' },
    status: {
      phase: o.phase ?? 'Running',
      podIP: o.ip ?? '10.244.0.5',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      containerStatuses: containers.map((c) => ({
        name: c,
        ready: o.ready ?? (!o.waiting && !o.terminated && o.phase !== 'Pending'),
        restartCount: o.restarts ?? 0,
        image: 'nginx:1.25',
        imageID: '',
        state,
        lastState: o.restarts ? { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * MIN) } } : undefined,
      })),
    },
  };
}

export function deployment(name: string, o: { ns?: string; replicas?: number; ready?: number; revision?: number; uid?: string; image?: string } = {}): KubeObject {
  const replicas = o.replicas ?? 3;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: o.uid ?? `uid-deploy-${name}`,
      creationTimestamp: ago(2 * HOUR),
      annotations: { 'deployment.kubernetes.io/revision': String(o.revision ?? 1) },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: o.image ?? 'nginx:1.25' }] } },
    },
    status: { replicas, readyReplicas: o.ready ?? replicas, updatedReplicas: replicas, availableReplicas: o.ready ?? replicas },
  };
}

export function replicaSet(deploy: KubeObject, revision: number, image: string, replicas = 0): KubeObject {
  const name = `${deploy.metadata.name}-${revision}abc`;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: deploy.metadata.namespace,
      uid: `uid-rs-${name}`,
      creationTimestamp: ago((10 - revision) * HOUR),
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name!, uid: deploy.metadata.uid!, controller: true }],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: deploy.metadata.name! } },
      template: { metadata: { labels: { app: deploy.metadata.name! } }, spec: { containers: [{ name: 'main', image }] } },
    },
    status: { replicas, readyReplicas: replicas },
  };
}

export function node(name: string, o: { ready?: boolean; unschedulable?: boolean; roles?: string[] } = {}): KubeObject {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
  for (const r of o.roles ?? []) labels[`node-role.kubernetes.io/${r}`] = '';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, namespace: '', labels, creationTimestamp: ago(3 * 24 * HOUR) },
    spec: { unschedulable: o.unschedulable },
    status: {
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      allocatable: { cpu: '4', memory: '8Gi' },
      nodeInfo: { kubeletVersion: 'v1.31.0-kubeterm' },
    },
  };
}

export function event(involved: KubeObject, reason: string, message: string, o: { type?: 'Normal' | 'Warning'; seen?: number; count?: number } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${reason}.${Math.random().toString(16).slice(2, 8)}`, namespace: involved.metadata.namespace || 'default', creationTimestamp: ago(o.seen ?? MIN) },
    involvedObject: { kind: involved.kind, name: involved.metadata.name, namespace: involved.metadata.namespace, uid: involved.metadata.uid },
    reason,
    message,
    type: o.type ?? 'Normal',
    count: o.count ?? 1,
    firstTimestamp: ago((o.seen ?? MIN) * (o.count ?? 1)),
    lastTimestamp: ago(o.seen ?? MIN),
    source: { component: 'kubelet' },
  };
}

export function service(name: string, o: { type?: string; ports?: { port: number; nodePort?: number }[]; ns?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.ns ?? 'default', creationTimestamp: ago(HOUR) },
    spec: { type: o.type ?? 'ClusterIP', clusterIP: '10.96.0.10', selector: { app: name }, ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ ...p, protocol: 'TCP' })) },
  };
}
