// The in-memory cluster the controller benchmarks run on: a MemoryStore and
// Api on a FakeClock, every built-in controller plus the given stand-in
// kubelet, and counters for the reconciles and store writes a phase costs.
import { Api } from '../src/api/api.js';
import { CONTROLLER_FACTORIES, startControllers, type ControllerFactory } from '../src/controllers/index.js';
import { FakeClock } from '../src/util/clock.js';
import { MemoryStore } from '../state/store.js';

/** Starts the controllers with `kubelet` and waits until they are idle. */
export async function startControllerCluster(kubelet: { factory: ControllerFactory }) {
  const clock = new FakeClock();
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  const mgr = startControllers({ api, clock, factories: [...CONTROLLER_FACTORIES, kubelet.factory] });
  await mgr.whenIdle();
  return {
    clock,
    store,
    api,
    mgr,
    /** Reconciles run so far, over every controller. */
    reconciles: () => mgr.controllers.reduce((n, c) => n + (c.stats?.reconciles ?? 0), 0),
    /** The store's resourceVersion: one per write. */
    rv: () => Number(store.resourceVersion()),
  };
}
