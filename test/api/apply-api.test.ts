// kubectl-style apply and patch through the real API door and store.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { LAST_APPLIED } from '../../src/api/patch/apply.js';
import { newStore } from '../state/helpers.js';

const manifest = (labels: Record<string, string>, env: Array<{ name: string; value: string }>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', env }] } },
  },
});

function setup() {
  const { store, clock } = newStore();
  return new Api({ store, now: () => clock.now() });
}

describe('Api.apply with client-side apply', () => {
  it('creates, then reports unchanged, then removes what the manifest dropped', async () => {
    const api = setup();
    const first = await api.apply(manifest({ app: 'web', extra: 'x' }, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    expect(first.action).toBe('created');
    expect(first.object.metadata.annotations?.[LAST_APPLIED]).toMatch(/^\{"apiVersion":"apps\/v1","kind":"Deployment","metadata":\{"annotations":\{\},"labels"/);

    const again = await api.apply(manifest({ app: 'web', extra: 'x' }, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    expect(again.action).toBe('unchanged');

    // someone scales it (an HPA); the manifest never mentions replicas
    await api.modify<KubeObject>('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 7;
    });

    const next = await api.apply(manifest({ app: 'web' }, [{ name: 'A', value: '1' }]));
    expect(next.action).toBe('configured');
    expect(next.object.metadata.labels).toEqual({ app: 'web' });
    expect(next.object.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(next.object.spec.replicas).toBe(7);
  });

  it('strategic, merge and json patches through Api.patch', async () => {
    const api = setup();
    await api.apply(manifest({ app: 'web' }, [{ name: 'A', value: '1' }]));
    const s = await api.patch('Deployment', 'default', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } },
    });
    expect(s.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['sidecar', 'web']);
    const m = await api.patch('Deployment', 'default', 'web', 'merge', { metadata: { labels: { tier: 'fe' } } });
    expect(m.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    const j = await api.patch('Deployment', 'default', 'web', 'json', [{ op: 'test', path: '/metadata/labels/tier', value: 'fe' }, { op: 'remove', path: '/metadata/labels/tier' }]);
    expect(j.metadata.labels).toEqual({ app: 'web' });
    await expect(api.patch('Deployment', 'default', 'web', 'json', [{ op: 'test', path: '/metadata/labels/app', value: 'db' }])).rejects.toThrow(
      /the patch could not be applied to deployments.apps "web": testing value \/metadata\/labels\/app failed/,
    );
  });
});
