import { describe, expect, it } from 'vitest';
import { NOT_ENFORCED_MESSAGE, NetworkPolicyNotice } from '../../src/network/network-policy.js';
import { makeApi } from './helpers.js';

const policy = (name: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'default' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});

describe('NetworkPolicy notice', () => {
  it('records one Warning Event per policy, also across edits and restarts', async () => {
    const { api } = makeApi();
    await api.create(policy('deny-all'));
    const n = new NetworkPolicyNotice({ api });
    n.start();
    await api.create(policy('allow-web'));
    await api.modify('NetworkPolicy', 'default', 'deny-all', (p) => {
      p.metadata.labels = { edited: 'yes' };
    });
    await n.whenIdle();
    await n.stop();
    const again = new NetworkPolicyNotice({ api });
    again.start();
    await again.whenIdle();
    await again.stop();
    const evs = api.list('Event').items.filter((e) => e.reason === 'NetworkPolicyNotEnforced');
    expect(evs.map((e) => (e.involvedObject as { name: string }).name).sort()).toEqual(['allow-web', 'deny-all']);
    for (const e of evs) {
      expect(e.type).toBe('Warning');
      expect(e.message).toBe(NOT_ENFORCED_MESSAGE);
      expect(e.message).toBe("kubeterm's runtime does not enforce NetworkPolicy; traffic is not restricted");
      expect(e.count).toBe(1);
    }
  });
});
