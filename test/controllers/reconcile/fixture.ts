// sample-controller's test fixture (controller_test.go) for kubeterm's
// controllers: a seeded MemoryStore + Api on a FakeClock, every write the Api
// (or the store directly) is asked to make recorded in call order as a
// clientset "action", and one controller built alone — its informers never
// started — so a test feeds one key to `reconcileNow` and asserts exactly the
// writes that one reconcile made.
//
// What counts: every Api write call (create, update, updateStatus, patch,
// delete, apply, scale), recorded when issued — including an update whose
// content equals the stored object: the store then keeps the old version, but
// the request was made, and that is the wasted write a do-nothing test is
// there to catch. Writes an Api call makes itself (patch → update, delete →
// finalizer) are one action, not two. `api.modify` that finds nothing to
// change issues no request and records nothing. Dry-run requests change
// nothing and are not recorded.
//
// Events are kept apart from the actions, as sample-controller's FakeRecorder
// keeps them out of the fake clientset: `f.events()` lists them as
// "<type> <reason> <message>". A do-nothing test asserts both are empty.
import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'vitest';
import { Api } from '../../../src/api/api.js';
import type { KubeObject } from '../../../src/api/meta.js';
import type { Controller } from '../../../src/controllers/controller.js';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../state/store.js';

export type Verb = 'create' | 'update' | 'patch' | 'delete';

/** One write, as client-go's testing.Action names it. */
export interface Action {
  verb: Verb;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

export interface Fixture {
  clock: FakeClock;
  store: MemoryStore;
  api: Api;
  /** The writes since the last clear(), in the order they were issued (Events excluded unless `eventsAreActions`). */
  actions(): Action[];
  /** Events recorded since the last clear(), as "<type> <reason> <message>" (FakeRecorder's format). */
  events(): string[];
  /** Forget what has been recorded so far (after seeding, or after warming a controller). */
  clear(): void;
  /** Create the objects through the Api (defaults, validation), in order, then clear the record. */
  seed(...objs: KubeObject[]): Promise<KubeObject[]>;
  /**
   * Reconcile `key` until one pass writes nothing (at most `max` passes), then
   * clear the record: the store is in the controller's steady state. Throws if
   * it never settles — itself a bug a do-nothing test is there to catch.
   */
  converge(c: { reconcileNow(key: string): Promise<unknown> }, key: string, max?: number): Promise<void>;
  /**
   * For a controller whose reconcile reads an index its informers build (the
   * garbage collector's owner → dependents map): start it on the seeded store,
   * wait until it is idle, stop it, and clear the record. The index then holds
   * every object seeded so far; the next reconcileNow is the one asserted.
   */
  warm(c: Controller): Promise<void>;
}

export interface FixtureOptions {
  /** Record Event writes as actions (the event TTL controller's own writes are Event deletes). */
  eventsAreActions?: boolean;
  start?: number;
}

const API_WRITES = ['create', 'update', 'updateStatus', 'patch', 'delete', 'apply', 'scale'] as const;
const STORE_WRITES = ['create', 'update', 'delete'] as const;

export function newFixture(opts: FixtureOptions = {}): Fixture {
  const clock = new FakeClock(opts.start ?? Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryStore({ now: () => clock.now() });
  const api = new Api({ store, now: () => clock.now() });
  let actions: Action[] = [];
  let events: string[] = [];
  // Set while an Api write runs, so the writes it makes itself (patch → update,
  // delete → finalizer modify, and the store calls under them) are not counted twice.
  const inWrite = new AsyncLocalStorage<boolean>();

  const resourceOf = (kind: string): string => api.kinds.get(kind)?.plural ?? kind.toLowerCase() + 's';
  const nsOf = (kind: string, ns: string | undefined): string | undefined => (api.kinds.get(kind)?.namespaced === false ? undefined : ns || 'default');

  const record = (kind: string, verb: Verb, ns: string | undefined, name: string, subresource?: string, obj?: KubeObject): Action | undefined => {
    if (kind === 'Event' && !opts.eventsAreActions) {
      // The recorder creates an Event or bumps a folded one's count: either way one event was recorded.
      if (obj && verb !== 'delete') events.push(`${obj.type} ${obj.reason} ${obj.message}`);
      return undefined;
    }
    const a: Action = { verb, resource: resourceOf(kind) } as Action;
    if (subresource) a.subresource = subresource;
    const namespace = nsOf(kind, ns);
    if (namespace !== undefined) a.namespace = namespace;
    a.name = name;
    actions.push(a);
    return a;
  };

  // Describes one Api write call from its arguments: what a fake clientset would log.
  const describe = (method: (typeof API_WRITES)[number], args: unknown[]): { kind: string; verb: Verb; ns?: string; name: string; sub?: string; obj?: KubeObject } => {
    switch (method) {
      case 'create':
      case 'update':
      case 'updateStatus':
      case 'apply': {
        const o = args[0] as KubeObject;
        const verb: Verb = method === 'create' ? 'create' : method === 'apply' ? (api.get(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '') ? 'patch' : 'create') : 'update';
        return { kind: o.kind, verb, ns: o.metadata.namespace, name: o.metadata.name ?? o.metadata.generateName ?? '', sub: method === 'updateStatus' ? 'status' : undefined, obj: o };
      }
      case 'patch': {
        const [kind, ns, name, , , o] = args as [string, string, string, unknown, unknown, { subresource?: string } | undefined];
        return { kind, verb: 'patch', ns, name, sub: o?.subresource };
      }
      case 'delete': {
        const [kind, ns, name] = args as [string, string, string];
        return { kind, verb: 'delete', ns, name };
      }
      case 'scale': {
        const [kind, ns, name] = args as [string, string, string];
        return { kind, verb: 'update', ns, name, sub: 'scale' };
      }
    }
  };

  const isDryRun = (method: (typeof API_WRITES)[number], args: unknown[]): boolean => {
    const at = { create: 1, update: 1, apply: 1, patch: 5, delete: 3 } as Record<string, number>;
    const o = at[method] === undefined ? undefined : (args[at[method]] as { dryRun?: boolean } | undefined);
    return !!o?.dryRun;
  };

  for (const method of API_WRITES) {
    const orig = (api[method] as (...a: unknown[]) => Promise<unknown>).bind(api);
    (api as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (inWrite.getStore()) return orig(...args);
      // A dry run (the autoscaler's simulated drain) is a request that changes nothing: not a write.
      if (isDryRun(method, args)) return orig(...args);
      const d = describe(method, args);
      const a = record(d.kind, d.verb, d.ns, d.name, d.sub, d.obj);
      return inWrite.run(true, async () => {
        const out = (await orig(...args)) as KubeObject | { object: KubeObject } | undefined;
        // A generated name is known only once the object exists.
        const made: KubeObject | undefined = out && 'object' in out ? (out as { object: KubeObject }).object : (out as KubeObject | undefined);
        if (a && d.verb === 'create' && made?.metadata?.name) a.name = made.metadata.name;
        return out;
      });
    };
  }
  // Writes that skip the Api (the namespace controller's finalize) are still writes.
  for (const method of STORE_WRITES) {
    const orig = (store[method] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (inWrite.getStore()) return orig(...args);
      if (method === 'delete') {
        const [kind, ns, name] = args as [string, string, string];
        record(kind, 'delete', ns, name);
      } else {
        const o = args[0] as KubeObject;
        record(o.kind, method, o.metadata.namespace, o.metadata.name ?? '', undefined, o);
      }
      return inWrite.run(true, () => orig(...args));
    };
  }

  const f: Fixture = {
    clock,
    store,
    api,
    actions: () => actions.map((a) => ({ ...a })),
    events: () => [...events],
    clear() {
      actions = [];
      events = [];
    },
    async seed(...objs) {
      const out: KubeObject[] = [];
      for (const o of objs) out.push(await api.create(o));
      f.clear();
      return out;
    },
    async converge(c, key, max = 20) {
      for (let i = 0; i < max; i++) {
        f.clear();
        await c.reconcileNow(key);
        if (actions.length === 0) {
          f.clear();
          return;
        }
      }
      throw new Error(`${key} still writing after ${max} reconciles: ${JSON.stringify(actions)}`);
    },
    async warm(c) {
      c.start();
      await c.whenIdle();
      await c.stop();
      f.clear();
    },
  };
  return f;
}

/** Runs one reconcile of `key` on a fresh record and returns the writes it made. */
export async function syncOnce(f: Fixture, c: Pick<Controller, 'reconcileNow'>, key: string): Promise<Action[]> {
  f.clear();
  await c.reconcileNow(key);
  return f.actions();
}

// Shorthands for expected actions, so a test reads like sample-controller's expectCreateFooAction.
export const create = (resource: string, namespace: string | undefined, name: string | unknown): Action =>
  ({ verb: 'create', resource, ...(namespace !== undefined ? { namespace } : {}), name }) as Action;
export const update = (resource: string, namespace: string | undefined, name: string): Action =>
  ({ verb: 'update', resource, ...(namespace !== undefined ? { namespace } : {}), name }) as Action;
export const updateStatus = (resource: string, namespace: string | undefined, name: string): Action =>
  ({ verb: 'update', resource, subresource: 'status', ...(namespace !== undefined ? { namespace } : {}), name }) as Action;
export const patch = (resource: string, namespace: string | undefined, name: string, subresource?: string): Action =>
  ({ verb: 'patch', resource, ...(subresource ? { subresource } : {}), ...(namespace !== undefined ? { namespace } : {}), name }) as Action;
export const del = (resource: string, namespace: string | undefined, name: string | unknown): Action =>
  ({ verb: 'delete', resource, ...(namespace !== undefined ? { namespace } : {}), name }) as Action;

/**
 * The do-nothing check: one reconcile of `key` writes nothing, and neither
 * does another after ten minutes pass (no timestamp rewritten per sync).
 */
export async function expectNoWritesNowOrLater(f: Fixture, c: Pick<Controller, 'reconcileNow'>, key: string): Promise<void> {
  expect(await syncOnce(f, c, key)).toEqual([]);
  f.clock.advance(600_000);
  expect(await syncOnce(f, c, key)).toEqual([]);
}

/**
 * A fixture seeded with `objs` (through the Api, the record then cleared) and
 * the one controller `make` builds on its Api and clock, not yet synced.
 */
export async function seededWith(make: (deps: { api: Api; clock: FakeClock }) => Controller, ...objs: KubeObject[]): Promise<{ f: Fixture; c: Controller }> {
  const f = newFixture();
  await f.seed(...objs);
  return { f, c: make({ api: f.api, clock: f.clock }) };
}
