// A fresh memory-only engine for each test: simulated runtime, one node, a
// FakeClock (controllers and scheduler move only when the test advances it),
// and the EmbeddedClient over it — closed and stopped after the test.
import { afterEach, beforeEach } from 'vitest';
import type { EmbeddedClient } from '../../src/client/embedded.js';
import { Engine } from '../../src/engine.js';
import { FakeClock } from '../../src/util/clock.js';

export interface EmbeddedEngine {
  engine: Engine;
  client: EmbeddedClient;
  clock: FakeClock;
}

/** Registers the beforeEach/afterEach pair; `got` receives each test's engine; `after` runs once it is stopped. */
export function useEmbeddedEngine(got: (e: EmbeddedEngine) => void, after?: () => Promise<void>): void {
  let current: EmbeddedEngine | undefined;
  beforeEach(async () => {
    const clock = new FakeClock();
    const engine = new Engine({ persist: false, runtime: 'sim', nodes: 1, clock });
    await engine.start();
    current = { engine, client: engine.client(), clock };
    got(current);
  });
  afterEach(async () => {
    await current?.client.close();
    await current?.engine.stop();
    current = undefined;
    await after?.();
  });
}
