// Several keys in one stdin read: Ink 6.8 hands them to the input handler as
// one string, so the App splits them and handles each key in order.
import { afterEach, describe, expect, it } from 'vitest';
import { splitRaw } from '../../components/logic/split-keys.js';
import { keyName } from '../../components/keys.js';
import { FakeClusterClient } from './fake-client.js';
import { deployment, node, pod } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const cluster = () =>
  new FakeClusterClient([node('node-1'), deployment('web', { replicas: 2 }), pod('web-1', { labels: { app: 'web' } }), pod('api-1', { labels: { app: 'api' } })]);

const promptLine = (f: string) => f.trimEnd().split('\n').at(-1) ?? '';

describe('splitRaw', () => {
  it('names each key the way the bindings spell them', () => {
    const names = splitRaw(':q\r/Web\n\u007f\b\t\u0004\u001b[A\u001b[6~\u001b').map((k) => keyName(k.input, k.key));
    expect(names).toEqual([':', 'q', 'enter', '/', 'shift-w', 'e', 'b', 'enter', 'backspace', 'backspace', 'tab', 'ctrl-d', 'up', 'pgdn', 'esc']);
  });

  it('keeps printable characters (multi-byte too) one by one', () => {
    expect(splitRaw('näme-🙂').map((k) => k.input)).toEqual(['n', 'ä', 'm', 'e', '-', '🙂']);
  });
});

describe('several keys in one read', () => {
  it('`:q` + enter in one read quits', async () => {
    let exited = 0;
    h = await mount(cluster(), { onExit: () => exited++ });
    await h.write(':q\r');
    expect(exited).toBe(1);
  });

  it('`:deploy` + enter in one read switches view with a clean prompt line', async () => {
    h = await mount(cluster());
    const f = await h.write(':deploy\r');
    expect(f).toContain('Deployments(all)[1]');
    expect(f).not.toMatch(/^\s*:/m);
  });

  it('`/web` + enter + `d` in one read filters, then acts on the filtered row', async () => {
    h = await mount(cluster());
    const f = await h.write('/web\rd');
    expect(f).toContain('Describe(default/web-1)');
    expect(await h.type(KEYS.esc)).toContain('</web>');
  });

  it('a paste into an open prompt appends the text, backspaces included', async () => {
    h = await mount(cluster());
    await h.type(':');
    let f = await h.write('deplox\u007fy');
    expect(promptLine(f)).toMatch(/^:deploy/);
    f = await h.type(KEYS.enter);
    expect(f).toContain('Deployments(all)[1]');
  });

  it('a paste into the filter keeps every character', async () => {
    h = await mount(cluster());
    await h.type('/');
    expect(promptLine(await h.write('api-1'))).toBe('/api-1');
  });

  it('the scale dialog takes a whole typed answer in one read', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter, 's');
    await h.write('\u007f7\r');
    expect(c.callsTo('scale')).toEqual([['Deployment', 'default', 'web', 7]]);
  });

  it('navigation keys in one read each move the cursor', async () => {
    h = await mount(cluster());
    // Pods sort by name: api-1, web-1. `jj` then `d` describes the last one.
    expect(await h.write('jjd')).toContain('Describe(default/web-1)');
  });
});
