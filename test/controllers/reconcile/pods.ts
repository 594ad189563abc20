// Pods as a kubelet would leave them, for the reconcile tests: seeded through
// the Api, then given a running status (IP, phase, Ready condition).
import type { KubeObject } from '../../../src/api/meta.js';
import type { Fixture } from './fixture.js';

export interface PodOpts {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  ip?: string;
  ready?: boolean;
  ports?: { name?: string; containerPort: number }[];
  owner?: KubeObject;
}

export function pod(name: string, o: PodOpts = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owner
        ? { ownerReferences: [{ apiVersion: o.owner.apiVersion!, kind: o.owner.kind, name: o.owner.metadata.name!, uid: o.owner.metadata.uid!, controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    spec: { ...(o.nodeName ? { nodeName: o.nodeName } : {}), containers: [{ name: 'app', image: 'nginx:1.25', ...(o.ports ? { ports: o.ports } : {}) }] },
  };
}

/** Writes a Running status: podIP, phase, and the Ready condition (true unless ready: false), as of `at`. */
export async function markRunning(f: Fixture, name: string, o: { namespace?: string; ip?: string; ready?: boolean; at?: number } = {}): Promise<void> {
  const at = new Date(o.at ?? f.clock.now()).toISOString();
  const ready = o.ready ?? true;
  await f.api.modify('Pod', o.namespace ?? 'default', name, (p) => {
    p.status = {
      phase: 'Running',
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      startTime: at,
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: at },
      ],
    };
  }, { status: true });
  f.clear();
}

/** Every pod not yet Running and not being deleted becomes Running and Ready (a kubelet's pass). */
export async function runAll(f: Fixture, at = f.clock.now()): Promise<void> {
  let n = 0;
  for (const p of f.api.list('Pod').items) {
    if (p.status?.phase === 'Running' || p.metadata.deletionTimestamp) continue;
    await markRunning(f, p.metadata.name!, { namespace: p.metadata.namespace, ip: `10.0.0.${++n}`, at });
  }
  f.clear();
}

/** The pod finished with this phase (its container exited 0, or not). */
export async function finish(f: Fixture, name: string, phase: 'Succeeded' | 'Failed', namespace = 'default'): Promise<void> {
  const at = new Date(f.clock.now()).toISOString();
  await f.api.modify('Pod', namespace, name, (p) => {
    p.status = {
      ...(p.status ?? {}),
      phase,
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: at }],
      containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error', finishedAt: at } } }],
    };
  }, { status: true });
  f.clear();
}
