// Event TTL controller, one sync at a time: an Event past --event-ttl is
// deleted; a younger one is left alone and requeued for when it expires.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { DEFAULT_EVENT_TTL_MS, newEventTTLController } from '../../../src/controllers/event-ttl.js';
import { del, newFixture, syncOnce } from './fixture.js';

function event(name: string, lastTimestamp: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Started',
    message: 'Started container',
    type: 'Normal',
    lastTimestamp: new Date(lastTimestamp).toISOString(),
  };
}

describe('event-ttl reconcile', () => {
  it('deletes an Event whose TTL has passed', async () => {
    const f = newFixture({ eventsAreActions: true });
    await f.seed(event('old', f.clock.now() - DEFAULT_EVENT_TTL_MS - 1));
    const c = newEventTTLController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/old')).toEqual([del('events', 'default', 'old')]);
  });

  it('does nothing to a live Event, and asks to come back when it expires', async () => {
    const f = newFixture({ eventsAreActions: true });
    await f.seed(event('young', f.clock.now() - 1000));
    const c = newEventTTLController({ api: f.api, clock: f.clock });
    f.clear();
    expect(await c.reconcileNow('default/young')).toEqual({ requeueAfterMs: DEFAULT_EVENT_TTL_MS - 1000 });
    expect(f.actions()).toEqual([]);
  });

  it('does nothing for an Event already gone', async () => {
    const f = newFixture({ eventsAreActions: true });
    const c = newEventTTLController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/gone')).toEqual([]);
  });
});
