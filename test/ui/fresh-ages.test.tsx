// Ages of things that just arrived: `now` is taken fresh when the watch cache
// or the sync status changes, and a time a little in the future (clock skew,
// a frame of lag) prints `0s` — never `<invalid>` between two clock ticks.
import { afterEach, describe, expect, it } from 'vitest';
import { humanDuration } from '../../components/logic/age.js';
import { FakeClusterClient } from './fake-client.js';
import { deployment, event, node, pod } from './fixtures.js';
import { mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const rowOf = (frame: string, name: string) => frame.split('\n').find((l) => l.includes(` ${name} `)) ?? '';

describe('humanDuration near zero', () => {
  it.each([
    [-4999, '0s'],
    [-3000, '0s'],
    [-1500, '0s'],
    [-5000, '<invalid>'],
    [-60_000, '<invalid>'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('ages of new objects', () => {
  it('a pod created between two clock ticks shows 0s, not <invalid>', async () => {
    const c = new FakeClusterClient([node('node-1'), pod('old-1')]);
    h = await mount(c);
    // 1.5 s after the last `now` tick: the next tick is still 400 ms away.
    h.clock.advance(1500);
    const created = new Date(h.clock.now()).toISOString();
    const fresh = pod('new-1');
    c.put({ ...fresh, metadata: { ...fresh.metadata, creationTimestamp: created } });
    const f = await h.flush();
    expect(rowOf(f, 'new-1')).toMatch(/\s0s\s/);
    expect(f).not.toContain('<invalid>');
  });

  it('a new event in the events pane shows 0s', async () => {
    const d = deployment('web');
    const c = new FakeClusterClient([node('node-1'), d]);
    h = await mount(c);
    h.clock.advance(1500);
    const ev = event(d, 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
    const at = new Date(h.clock.now()).toISOString();
    c.put({ ...ev, lastTimestamp: at, firstTimestamp: at, eventTime: at, metadata: { ...ev.metadata, creationTimestamp: at } } as typeof ev);
    const f = await h.flush();
    expect(f).toContain('Scaled up replica set web-abc to 3');
    expect(f).not.toContain('<invalid>');
  });

  it('the header says `Synced 0s ago` right after a sync', async () => {
    let listener: (() => void) | undefined;
    let status = { folder: './gitops', phase: 'Synced', lastSyncTime: new Date(0).toISOString() };
    const sync = { status: () => status, onChange: (cb: () => void) => ((listener = cb), () => (listener = undefined)) };
    h = await mount(new FakeClusterClient([node('node-1')]), { sync });
    h.clock.advance(1500);
    status = { ...status, lastSyncTime: new Date(h.clock.now()).toISOString() };
    listener?.();
    const f = await h.flush();
    expect(f).toMatch(/Synced 0s ago/);
    expect(f).not.toContain('<invalid>');
  });

  it('`now` is taken fresh when the cache changes: a pod created 1 s ago shows 1s before the next tick', async () => {
    const c = new FakeClusterClient([node('node-1')]);
    h = await mount(c);
    h.clock.advance(1500);
    const fresh = pod('new-1');
    c.put({ ...fresh, metadata: { ...fresh.metadata, creationTimestamp: new Date(h.clock.now() - 1000).toISOString() } });
    expect(rowOf(await h.flush(), 'new-1')).toMatch(/\s1s\s/);
  });
});
