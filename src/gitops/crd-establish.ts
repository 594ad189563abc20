// Waiting for a CustomResourceDefinition from the folder to be usable: Established
// and its kind served by the cluster in every version it serves. Custom
// resources of that CRD are applied only then (applier.ts's second track).
import { servedVersions } from '../api/kinds.js';
import type { Condition, KubeObject } from '../api/meta.js';
import type { Subscription } from '../client/types.js';
import type { Timer } from '../util/clock.js';
import { CRD_KIND, type FolderCrd } from './kinds.js';
import type { SyncContext } from './sync-config.js';

/** A CRD just applied whose names are refused this long is taken at its word (the naming check runs in milliseconds). */
const NAMES_GRACE_MS = 1000;

/** A CRD's condition, read from the object (the engine's controllers are not ours to import). */
function crdCondition(crd: KubeObject | undefined, type: string): Condition | undefined {
  const c = (crd?.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Condition[]).find((x) => x?.type === type) : undefined;
}

/** True when the cluster serves the CRD's kind in its group, in every version the CRD serves. */
export function servesCrd(ctx: Pick<SyncContext, 'client'>, c: FolderCrd): boolean {
  const served = ctx.client.resources().find((k) => k.kind === c.info.kind && k.group === c.info.group);
  if (!served) return false;
  const versions = servedVersions(served);
  return servedVersions(c.info).every((v) => versions.includes(v));
}

export interface EstablishWait {
  timeoutMs: number;
  /** Registers a wait stop() ends at once; returns its unregistration. */
  register(end: () => void): () => void;
}

/**
 * Watches a CRD until it is Established and its kind is served (undefined),
 * or returns why not: its names were refused (after NAMES_GRACE_MS when it was
 * just applied, so a stale condition is not believed), or the timeout.
 * Timed on the ioClock.
 */
export function waitEstablished(ctx: SyncContext, wait: EstablishWait, c: FolderCrd, appliedNow: boolean): Promise<string | undefined> {
  const what = `CustomResourceDefinition "${c.name}"`;
  return new Promise((resolveWait) => {
    let live: KubeObject | undefined;
    let seen = false;
    let graceOver = !appliedNow;
    let done = false;
    let unregister: (() => void) | undefined;
    const timers: Timer[] = [];
    const subs: Subscription[] = [];
    const finish = (message: string | undefined) => {
      if (done) return;
      done = true;
      unregister?.();
      for (const t of timers) t.cancel();
      for (const x of subs) x.stop();
      resolveWait(message);
    };
    const check = () => {
      if (done) return;
      if (ctx.stopped()) return finish(`${what}: the folder sync stopped while waiting for it to be Established`);
      const names = crdCondition(live, 'NamesAccepted');
      const est = crdCondition(live, 'Established');
      if (est?.status === 'True' && servesCrd(ctx, c)) return finish(undefined);
      if (names?.status === 'False' && graceOver) {
        return finish(`${what} is not Established: NamesAccepted is False${names.reason ? ` (${names.reason})` : ''}${names.message ? `: ${names.message}` : ''}`);
      }
    };
    const sub = ctx.client.watch(
      CRD_KIND,
      {},
      (ev) => {
        if (ev.type === 'BOOKMARK' || ev.object.metadata.name !== c.name) return;
        live = ev.type === 'DELETED' ? undefined : ev.object;
        seen = true;
        check();
      },
      (err) => ctx.onError(new Error(`watching ${what} until it is Established: ${err.message}`, { cause: err })),
    );
    subs.push(sub, ctx.client.onResourcesChanged(check));
    if (done) for (const x of subs) x.stop(); // finished while subscribing
    else unregister = wait.register(check);
    if (!graceOver) {
      timers.push(
        ctx.ioClock.setTimeout(() => {
          graceOver = true;
          check();
        }, Math.min(NAMES_GRACE_MS, wait.timeoutMs)),
      );
    }
    timers.push(
      ctx.ioClock.setTimeout(() => {
        const secs = `${Math.round(wait.timeoutMs / 100) / 10}s`;
        if (!seen || !live) return finish(`${what} is not Established after ${secs}: it is not in the cluster`);
        const est = crdCondition(live, 'Established');
        if (est?.status === 'True') {
          return finish(`${what} is Established but the cluster does not serve ${c.info.kind} in ${c.info.group} (${servedVersions(c.info).join(', ')}) after ${secs}`);
        }
        const conds = ['NamesAccepted', 'Established']
          .map((t) => crdCondition(live, t))
          .filter((x): x is Condition => !!x)
          .map((x) => `${x.type}: ${x.status}${x.reason ? ` (${x.reason})` : ''}${x.message ? `: ${x.message}` : ''}`);
        finish(`${what} is not Established after ${secs}: ${conds.length ? conds.join('; ') : 'it has no status conditions yet (is the cluster running a CRD controller?)'}`);
      }, wait.timeoutMs),
    );
    check();
  });
}
