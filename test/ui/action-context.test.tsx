// Issue #17: actions get a small, stable context (its identity does not change
// from frame to frame) and read the screen as it is when their key arrives.
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionContext, Screen } from '../../components/actions/context.js';
import { BINDINGS } from '../../components/actions/index.js';
import type { Binding } from '../../components/keys.js';
import { FakeClusterClient } from './fake-client.js';
import { node, pod } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

describe('the action context', () => {
  it('keeps its identity across frames, views and cluster changes; the screen is read at key time', async () => {
    const seen: { ctx: ActionContext; screen: Screen }[] = [];
    const probe: Binding = { key: 'z', label: 'Probe', views: ['global'], action: 'help', group: 'general', run: (c, s) => void seen.push({ ctx: c, screen: s }) };
    const client = new FakeClusterClient([node('node-1'), pod('web-1'), pod('web-2')]);
    h = await mount(client, { bindings: [probe, ...BINDINGS] });
    await h.type('z');
    client.put(pod('web-3'));
    await h.flush();
    await h.flush();
    await h.type('j', 'z', 'd', 'z', KEYS.esc, 'z');
    expect(seen).toHaveLength(4);
    for (const s of seen) expect(s.ctx).toBe(seen[0].ctx);
    expect(seen[0].screen.rows).toHaveLength(2);
    expect(seen[1].screen.rows).toHaveLength(3);
    expect(seen[1].screen.cursor).toBe(1);
    expect(seen[1].screen.selected?.metadata.name).toBe('web-2');
    expect(seen[2].screen.view).toMatchObject({ type: 'describe', kind: 'Pod', name: 'web-2' });
    expect(seen[3].screen.view).toMatchObject({ type: 'table', kind: 'Pod' });
    expect(seen[3].ctx.screen()).toBe(seen[3].screen);
  });
});
