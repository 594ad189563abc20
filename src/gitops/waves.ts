// Sync waves: the folder's objects grouped by their wave (sync-options.ts), and
// the bounded wait that holds the next wave back until the objects of the one
// before are healthy (health.ts) — or hook objects complete. A wait watches the
// objects' kinds, so it ends on the event that settles it, never on a guess;
// it gives up after `timeoutMs` on the sync's clock, and tells the status what
// it is waiting for while it waits.
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient, Subscription } from '../client/types.js';
import type { Clock, Timer } from '../util/clock.js';
import { describeObject, objectKey, type Desired } from './desired.js';
import { healthOf } from './health.js';

/** Items grouped by wave, lowest first. */
export function groupByWave<T extends { wave: number }>(items: Iterable<T>): [number, T[]][] {
  const m = new Map<number, T[]>();
  for (const it of items) {
    const list = m.get(it.wave) ?? [];
    list.push(it);
    m.set(it.wave, list);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

export type Verdict = { state: 'done' } | { state: 'pending'; message: string } | { state: 'failed'; message: string };

export interface WaitTarget {
  kind: string;
  namespace: string;
  name: string;
}

export type WaitResult = { ok: true } | { ok: false; target: WaitTarget; message: string };

export interface WaitConfig {
  client: ClusterClient;
  clock: Clock;
  timeoutMs: number;
  /** What the target's live object means; `undefined`: not (yet) in the cluster. */
  judge(target: WaitTarget, obj: KubeObject | undefined): Verdict;
  /** While waiting: the first target not done, and why. */
  onPending?(target: WaitTarget, message: string): void;
  /** Registers a function that ends the wait at once (the sync stopping); returns its unregistration. */
  register?(end: () => void): () => void;
}

/** A wave's objects: Healthy (or Suspended: it will not progress by itself) is done, Degraded fails. */
export function healthVerdict(_t: WaitTarget, obj: KubeObject | undefined): Verdict {
  const h = healthOf(obj);
  if (h.status === 'Healthy' || h.status === 'Suspended') return { state: 'done' };
  if (h.status === 'Degraded') return { state: 'failed', message: h.message ?? 'Degraded' };
  return { state: 'pending', message: `${h.status}${h.message ? `: ${h.message}` : ''}` };
}

/** Waits until every target is done, one fails, the timeout passes or the wait is ended. */
export async function waitAll(targets: readonly WaitTarget[], cfg: WaitConfig): Promise<WaitResult> {
  if (!targets.length) return { ok: true };
  const latest = new Map<string, KubeObject | undefined>();
  const keyOf = (t: { kind: string; namespace: string; name: string }) => objectKey(t.kind, t.namespace, t.name);
  const wanted = new Set(targets.map(keyOf));
  // Seed with a read, so a target the watch's first list misses is still judged.
  await Promise.all(
    targets.map(async (t) => {
      // Unreadable counts as not yet healthy: the wave waits and reads again on the next change.
      latest.set(keyOf(t), await cfg.client.get(t.kind, t.namespace, t.name).catch(() => undefined));
    }),
  );
  return new Promise<WaitResult>((resolveWait) => {
    let done = false;
    const subs: Subscription[] = [];
    // Set below; finish() may run before (an event settling the wait at once).
    const held: { timer?: Timer; unregister?: () => void } = {};
    const finish = (r: WaitResult) => {
      if (done) return;
      done = true;
      held.timer?.cancel();
      for (const s of subs) s.stop();
      held.unregister?.();
      resolveWait(r);
    };
    const evaluate = (): { target: WaitTarget; verdict: Verdict } | undefined => {
      let firstPending: { target: WaitTarget; verdict: Verdict } | undefined;
      for (const t of targets) {
        const v = cfg.judge(t, latest.get(keyOf(t)));
        if (v.state === 'failed') return { target: t, verdict: v };
        if (v.state === 'pending' && !firstPending) firstPending = { target: t, verdict: v };
      }
      return firstPending;
    };
    const check = () => {
      if (done) return;
      const r = evaluate();
      if (!r) return finish({ ok: true });
      if (r.verdict.state === 'failed') return finish({ ok: false, target: r.target, message: r.verdict.message });
      if (r.verdict.state === 'pending') cfg.onPending?.(r.target, r.verdict.message);
    };
    for (const kind of new Set(targets.map((t) => t.kind))) {
      subs.push(
        cfg.client.watch(kind, {}, (ev) => {
          if (ev.type === 'BOOKMARK') return;
          const o = ev.object;
          const k = objectKey(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '');
          if (!wanted.has(k)) return;
          latest.set(k, ev.type === 'DELETED' ? undefined : o);
          check();
        }),
      );
    }
    held.unregister = cfg.register?.(() => {
      const t = targets[0];
      finish({ ok: false, target: t, message: 'the folder sync stopped while waiting' });
    });
    held.timer = cfg.clock.setTimeout(() => {
      const r = evaluate();
      const t = r?.target ?? targets[0];
      const why = r && r.verdict.state !== 'done' ? r.verdict.message : 'not settled';
      finish({ ok: false, target: t, message: `not ready after ${Math.round(cfg.timeoutMs / 100) / 10}s: ${why}` });
    }, cfg.timeoutMs);
    if (done) {
      held.timer.cancel();
      held.unregister?.();
    }
    check();
  });
}

/** `Deployment "web" in namespace "shop"` for a desired object or a wait target. */
export const describeTarget = (t: WaitTarget): string => describeObject(t);

/** The targets of desired objects (the live names). */
export const targetsOf = (items: readonly Desired[]): WaitTarget[] => items.map((d) => ({ kind: d.kind, namespace: d.namespace, name: d.name }));
