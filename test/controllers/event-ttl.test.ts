// Events expire an hour after they were last seen, as with kube-apiserver's
// --event-ttl; a repeat (count++) pushes the expiry out.
import { afterEach, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/api/events.js';
import { newEventTTLController } from '../../src/controllers/event-ttl.js';
import { setup, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => h?.mgr.stop());

describe('event TTL', () => {
  it('deletes an Event one hour after it was last seen, and not before', async () => {
    h = await setup({ factories: [newEventTTLController] });
    const rec = new EventRecorder({ api: h.api, component: 'test' });
    const cm = await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } });
    await rec.event(cm, 'Normal', 'Tested', 'first');
    await h.settle();
    expect(h.api.list('Event').items).toHaveLength(1);

    await h.settle(30 * 60 * 1000);
    // Seen again half an hour later: the same Event, count 2, expiry moves out.
    await rec.event(cm, 'Normal', 'Tested', 'first');
    await h.settle();
    expect(h.api.list('Event').items[0].count).toBe(2);

    await h.settle(45 * 60 * 1000); // 75 min after the first sighting, 45 after the last
    expect(h.api.list('Event').items).toHaveLength(1);
    await h.settle(16 * 60 * 1000); // 61 min after the last sighting
    expect(h.api.list('Event').items).toHaveLength(0);
  });

  it('leaves other kinds alone', async () => {
    h = await setup({ factories: [newEventTTLController] });
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'default' } });
    await h.settle(2 * 60 * 60 * 1000);
    expect(h.api.get('ConfigMap', 'default', 'keep')).toBeDefined();
  });
});
