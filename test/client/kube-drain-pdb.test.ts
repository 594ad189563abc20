// Attach mode's drain against kubeterm's own API server: an eviction a
// PodDisruptionBudget refuses is retried every 5 s as kubectl drain does, each
// retry reported with the budget that blocks, and the drain finishes once the
// budget allows it.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { KubeClient } from '../../src/client/kube.js';
import { until } from '../helpers/wait.js';
import { useLiveClient, type LiveCluster } from './kube-harness.js';

let live: LiveCluster;
let client: KubeClient;

useLiveClient((t) => ({ live, client } = t));

describe('KubeClient.drain with a PodDisruptionBudget', () => {
  it('retries the refused eviction naming the budget, and drains once the budget allows', { timeout: 60_000 }, async () => {
    const api = live.engine.api;
    await api.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
    } as KubeObject);
    await api.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } } as KubeObject);
    await until('the budget to count the ready pod', () => (api.get('PodDisruptionBudget', 'default', 'web')?.status as { currentHealthy?: number } | undefined)?.currentHealthy === 1, 30_000);
    const retries: string[] = [];
    const drained = client.drain('node-1', { onRetry: (m) => retries.push(m) });
    await until('a refused eviction to be reported', () => retries.length > 0, 20_000);
    expect(retries[0]).toMatch(/^error when evicting pods\/"web-[a-z0-9-]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\. The disruption budget web needs 1 healthy pods and has 1 currently/);
    // Relax the budget: the next retry goes through.
    await api.modify('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec = { ...(b.spec as object), minAvailable: 0 };
    });
    await drained;
    expect(api.get('Node', '', 'node-1')?.spec?.unschedulable).toBe(true);
  });
});
