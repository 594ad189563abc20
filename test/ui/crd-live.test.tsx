// The UI follows the kinds the cluster serves, live: a kind registered after
// the App mounted (a CRD becoming Established) is reachable by `:plural`, its
// short name completes, its objects show its printer columns and describe as
// kubectl describes them; a kind that goes away says so instead of crashing.
// Real EmbeddedClient over a real Api: the same path the embedded engine takes.
import { PassThrough } from 'node:stream';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../components/index.js';
import type { HandedTerminal, TerminalHandover } from '../../components/terminal.js';
import { Api } from '../../src/api/api.js';
import type { KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { EmbeddedClient } from '../../src/client/embedded.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';
import { KEYS, tick } from './harness.js';
import { T0 } from './fixtures.js';

const WIDGET: KindInfo = {
  kind: 'Widget',
  group: 'example.com',
  version: 'v1',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wdg'],
  namespaced: true,
  categories: [],
  subresources: ['status'],
  applyOrder: 50,
  alsoServed: [],
  listKind: 'WidgetList',
  custom: {
    crd: 'widgets.example.com',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        status: true,
        printerColumns: [
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        ],
      },
    ],
  },
};

function widget(name: string, color: string, size: number): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec: { color, size } };
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

/** "The editor": turns the opened text into the saved one. */
function editor(change: (text: string) => string): TerminalHandover & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    async run<T>(fn: (t: HandedTerminal) => Promise<T>): Promise<T> {
      const t: HandedTerminal = {
        stdin: new PassThrough(),
        stdout: Object.assign(new PassThrough(), { columns: 100, rows: 30 }),
        edit: async (text, opts) => {
          opened.push(text);
          return { text: change(text), file: opts?.file ?? '/tmp/kubeterm-edit-test.yaml' };
        },
        discard: () => undefined,
        print: () => undefined,
      };
      return fn(t);
    },
  };
}

async function start(terminal?: TerminalHandover) {
  const clock = new FakeClock(T0);
  const api = new Api({ store: new MemoryStore(), now: () => clock.now() });
  const client = new EmbeddedClient({ api, info: { context: 'test', mode: 'embedded', runtime: 'simulated', serverVersion: 'v1.32.0' } });
  const inst = render(<App client={client} version="v0.1.0" clock={clock} size={{ columns: 120, rows: 30 }} terminal={terminal} />);
  unmount = () => inst.unmount();
  const flush = async () => {
    await tick(5);
    clock.advance(100);
    await tick(5);
    return inst.lastFrame() ?? '';
  };
  const type = async (...keys: string[]) => {
    for (const k of keys) {
      for (const part of k.startsWith('\u001b') || k.length === 1 ? [k] : [...k]) {
        inst.stdin.write(part);
        await tick();
      }
    }
    return flush();
  };
  await flush();
  return { api, client, clock, inst, flush, type };
}

describe('custom kinds appear in the UI without a restart', () => {
  it('a kind registered after mount is reachable by :plural, with its printer columns', async () => {
    const { api, type, flush } = await start();
    expect(await type(':widgets', KEYS.enter)).toContain('no resource named "widgets"');

    api.kinds.register(WIDGET);
    await api.create(widget('blue-one', 'blue', 3));
    await api.create(widget('red-one', 'red', 12));
    await flush();

    const frame = await type(':widgets', KEYS.enter);
    expect(frame).toContain('Widgets(all)[2]');
    expect(frame).toMatch(/NAMESPACE\s+NAME\s+COLOR\s+SIZE\s+AGE/);
    expect(frame).toMatch(/default\s+blue-one\s+blue\s+3\s/);
    expect(frame).toMatch(/default\s+red-one\s+red\s+12\s/);

    // A change to an object shows live.
    await api.patch('Widget', 'default', 'red-one', 'merge', { spec: { color: 'green' } });
    expect(await flush()).toMatch(/red-one\s+green\s+12/);
  });

  it('a new short name opens the view; d describes like kubectl describe, y shows YAML, ctrl-d deletes', async () => {
    const { api, type, flush } = await start();
    api.kinds.register(WIDGET);
    await api.create(widget('w1', 'blue', 3));
    await flush();

    // The short name resolves as soon as the kind is served.
    let frame = await type(':wdg', KEYS.enter);
    expect(frame).toContain('Widgets(all)[1]');
    frame = await type('d');
    expect(frame).toContain('Describe(default/w1)');
    expect(frame).toMatch(/API Version:\s+example\.com\/v1/);
    expect(frame).toMatch(/Kind:\s+Widget/);
    expect(frame).toContain('Spec:');
    expect(frame).toMatch(/Color:\s+blue/);
    frame = await type(KEYS.esc, 'y');
    expect(frame).toContain('YAML(default/w1)');
    expect(frame).toContain('kind: Widget');
    frame = await type(KEYS.esc, KEYS.ctrlD);
    expect(frame).toContain('Delete widget default/w1?');
    await type(KEYS.enter);
    await flush();
    expect(api.get('Widget', 'default', 'w1')).toBeUndefined();
  });

  it('e edits a custom resource with a merge patch, named as kubectl names it', async () => {
    const term = editor((text) => text.replace('color: blue', 'color: green'));
    const { api, type, flush } = await start(term);
    api.kinds.register(WIDGET);
    await api.create(widget('w1', 'blue', 3));
    await type(':widgets', KEYS.enter);
    await type('e');
    for (let i = 0; i < 10 && !/edited/.test(await flush()); i++);
    expect(term.opened[0]).toContain('kind: Widget');
    expect(await flush()).toContain('widget.example.com/w1 edited');
    expect(api.get('Widget', 'default', 'w1')?.spec).toEqual({ color: 'green', size: 3 });
  });

  it('tab completion offers a kind registered after mount', async () => {
    const { api, type } = await start();
    expect(await type(':widg', KEYS.tab)).not.toContain(':widgets');
    await type(KEYS.esc);
    api.kinds.register(WIDGET);
    const frame = await type(':widg', KEYS.tab);
    expect(frame).toContain(':widgets');
  });

  it('a view of a kind that goes away says so instead of crashing', async () => {
    const { api, type, flush } = await start();
    api.kinds.register(WIDGET);
    await api.create(widget('w1', 'blue', 3));
    expect(await type(':widgets', KEYS.enter)).toContain('w1');
    api.kinds.unregister('Widget');
    const frame = await flush();
    expect(frame).toContain('the server doesn\'t have a resource type "Widget" any more');
    expect(frame).not.toContain('connection lost');
    // esc goes back to pods, and the prompt no longer knows the kind.
    expect(await type(KEYS.esc)).toContain('Pods(all)');
    expect(await type(':widgets', KEYS.enter)).toContain('no resource named "widgets"');
  });
});
