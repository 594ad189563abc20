// Mounts <App> against a FakeClusterClient with a FakeClock and a fixed size,
// and drives it like a user: type keys, let a frame pass, read the screen.
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../components/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { FakeClusterClient } from './fake-client.js';
import { T0 } from './fixtures.js';

export const KEYS = {
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  backspace: '\u007f',
  up: '\u001b[A',
  down: '\u001b[B',
  ctrlD: '\u0004',
  ctrlK: '\u000b',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
};

/** Lets Ink's input parser, React effects and promise callbacks run (no timers, no sleeping). */
export async function tick(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

export interface Harness {
  client: FakeClusterClient;
  clock: FakeClock;
  frame(): string;
  /** Advances the fake clock one frame so coalesced watch events are drawn. */
  flush(): Promise<string>;
  type(...keys: string[]): Promise<string>;
  /** Writes raw terminal input as ONE stdin read (several keys at once, as a paste or a laggy link delivers them). */
  write(raw: string): Promise<string>;
  unmount(): void;
}

export async function mount(client: FakeClusterClient, props: Partial<AppProps> = {}): Promise<Harness> {
  const clock = new FakeClock(T0);
  const inst = render(<App client={client} version="v0.1.0" clock={clock} size={{ columns: 120, rows: 40 }} {...props} />);
  const h: Harness = {
    client,
    clock,
    frame: () => inst.lastFrame() ?? '',
    async flush() {
      await tick();
      clock.advance(100);
      await tick();
      return h.frame();
    },
    async type(...keys) {
      for (const k of keys) {
        // A user types one key at a time; escape sequences are one key.
        for (const part of k.startsWith('\u001b') || k.length === 1 ? [k] : [...k]) {
          inst.stdin.write(part);
          await tick();
        }
      }
      return h.flush();
    },
    async write(raw) {
      inst.stdin.write(raw);
      await tick(10);
      return h.flush();
    },
    unmount: () => inst.unmount(),
  };
  await h.flush();
  return h;
}
