// A Deployment → ReplicaSet → Ready pods chain and PodDisruptionBudgets over
// it, seeded through the Api (so uids and generations are the store's), for
// the disruption controller and eviction tests.
import { ownerRef, type Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from '../../src/api/types/policy.js';

export { recordingApi } from '../helpers/recording-api.js';

export function pdb(name: string, spec: Partial<PodDisruptionBudgetSpec>, namespace = 'default'): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } };
}

export interface Workload {
  deployment: KubeObject;
  rs: KubeObject;
  pods: KubeObject[];
}

/** A Deployment of `replicas` whose ReplicaSet owns `ready` Ready pods (and `notReady` Running but not Ready ones) on node-1. */
export async function seedWorkload(api: Api, o: { replicas: number; ready: number; notReady?: number; app?: string }): Promise<Workload> {
  const app = o.app ?? 'web';
  const labels = { app };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
  const deployment = await api.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: 'default' }, spec: { replicas: o.replicas, selector: { matchLabels: labels }, template } });
  const rs = await api.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${app}-5d59d67564`, namespace: 'default', ownerReferences: [ownerRef(deployment)] },
    spec: { replicas: o.replicas, selector: { matchLabels: labels }, template },
  });
  const pods: KubeObject[] = [];
  const total = o.ready + (o.notReady ?? 0);
  for (let i = 0; i < total; i++) {
    const p = await api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${app}-${i}`, namespace: 'default', labels, ownerReferences: [ownerRef(rs)] },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx:1.27' }] },
    });
    pods.push((await setReady(api, p.metadata.name!, i < o.ready))!);
  }
  return { deployment, rs, pods };
}

export async function setReady(api: Api, name: string, ready: boolean): Promise<KubeObject | undefined> {
  return api.modify('Pod', 'default', name, (p) => {
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  }, { status: true });
}
