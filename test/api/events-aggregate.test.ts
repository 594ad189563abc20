// Event correlation as client-go's recorder does it: repeats of one message
// fold into one Event (count), and past 10 different messages for one object,
// type and reason within 10 minutes, the rest fold into a single
// "(combined from similar events): …" Event.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { AGGREGATE_MAX_MESSAGES, EventRecorder } from '../../src/api/events.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

async function setup() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const api = new Api({ store: new MemoryStore({ now: () => clock.now() }), now: () => clock.now() });
  const rs = await api.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } as KubeObject);
  const recorder = new EventRecorder({ api, component: 'replicaset-controller' });
  const events = () => api.list('Event', { namespace: 'default' }).items.map((e) => ({ message: e.message as string, count: e.count as number }));
  return { clock, api, rs, recorder, events };
}

describe('EventRecorder correlation', () => {
  it('folds repeats of one message into one Event with a count', async () => {
    const { rs, recorder, events } = await setup();
    for (let i = 0; i < 3; i++) await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1-a');
    expect(events()).toEqual([{ message: 'Created pod: web-1-a', count: 3 }]);
  });

  it('combines similar events past 10 different messages, following the latest', async () => {
    const { rs, recorder, events } = await setup();
    for (let i = 0; i < 25; i++) await recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
    const all = events();
    expect(all).toHaveLength(AGGREGATE_MAX_MESSAGES + 1);
    expect(all.filter((e) => e.count === 1).map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `Created pod: web-1-${i}`));
    expect(all.find((e) => e.message.startsWith('(combined'))).toEqual({ message: '(combined from similar events): Created pod: web-1-24', count: 15 });
    // A message seen before the threshold still folds into its own Event.
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1-3');
    expect(events().find((e) => e.message === 'Created pod: web-1-3')?.count).toBe(2);
    // Another reason is counted apart.
    await recorder.event(rs, 'Normal', 'SuccessfulDelete', 'Deleted pod: web-1-0');
    expect(events().filter((e) => e.message === 'Deleted pod: web-1-0')).toHaveLength(1);
  });

  it('starts afresh after 10 quiet minutes', async () => {
    const { clock, rs, recorder, events } = await setup();
    for (let i = 0; i < 12; i++) await recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: a-${i}`);
    clock.advance(600_001);
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: b-0');
    expect(events().map((e) => e.message)).toContain('Created pod: b-0');
  });
});
