// Drift and self-heal: a watch per owned kind keeps the live objects; an object
// this process applied whose live fields differ from what the API stored for
// the manifest (its baseline, drift.ts) is drifted, and is re-applied after
// healDelayMs unless self-heal is off, the object opts out, or the sync is
// suspended. Ignored fields keep their live values when healing.
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Subscription } from '../client/types.js';
import type { Timer } from '../util/clock.js';
import type { Applied } from './applier.js';
import { objectKey, type Desired } from './desired.js';
import { findDrift, type DriftedField } from './drift.js';
import { driftPaths, withFieldsFrom, type FieldPath } from './ignore-differences.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, SELF_HEAL_ANNOTATION } from './labels.js';
import type { SyncContext } from './sync-config.js';
import { reconcileDisabled } from './sync-options.js';

export interface DriftHealerConfig {
  selfHeal: boolean;
  healDelayMs: number;
  desired(): ReadonlyMap<string, Desired>;
  /** Workloads an HPA from the folder scales: their replicas are never drift. */
  hpaKeys(): ReadonlySet<string>;
  /** In the inventory: watched although no longer in the folder. */
  owns(key: string): boolean;
  applied(key: string): Applied | undefined;
  ignoredFor(obj: KubeObject): FieldPath[];
  suspended(): boolean;
  /** A sync pass is running; idle() waits for it. */
  syncing(): boolean;
  idle(): Promise<void>;
  /** Applies the object again (applier.ts). */
  reapply(d: Desired): Promise<unknown>;
  notify(): void;
  notifySoon(): void;
}

export class DriftHealer {
  private readonly live = new Map<string, KubeObject>();
  /** What drift is measured against: the manifest's fields as the API stored them (see drift.ts). */
  private readonly baseline = new Map<string, KubeObject>();
  private readonly drift = new Map<string, DriftedField[]>();
  private readonly healTimers = new Map<string, Timer>();
  private readonly watches = new Map<string, Subscription>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly cfg: DriftHealerConfig,
  ) {}

  liveOf(key: string): KubeObject | undefined {
    return this.live.get(key);
  }

  driftOf(key: string): DriftedField[] | undefined {
    return this.drift.get(key);
  }

  /** The object as the API returned it: what is live now. */
  observe(key: string, stored: KubeObject): void {
    this.live.set(key, stored);
  }

  /** What drift of the object is measured against from now on (baselineOf, drift.ts). */
  setBaseline(key: string, baseline: KubeObject): void {
    this.baseline.set(key, baseline);
  }

  /** Drops drift of objects that left the desired set. */
  retain(desired: ReadonlyMap<string, Desired>): void {
    for (const k of [...this.drift.keys()]) if (!desired.has(k)) this.clearDrift(k);
  }

  forget(key: string): void {
    this.baseline.delete(key);
    this.live.delete(key);
    this.clearDrift(key);
  }

  /** Suspended: drift is still reported, never healed. */
  cancelHeals(): void {
    for (const t of this.healTimers.values()) t.cancel();
    this.healTimers.clear();
  }

  stopWatches(): void {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }

  /** Watches every kind the folder defines (and the cluster serves) for changes from elsewhere. */
  ensureWatches(): void {
    if (this.ctx.stopped()) return;
    const served = new Set(this.ctx.client.resources().map((k) => k.kind));
    const kinds = new Set([...this.cfg.desired().values()].map((d) => d.kind));
    for (const kind of kinds) {
      // A custom kind not served yet is watched once its CRD is established (onResourcesChanged).
      if (this.watches.has(kind) || !served.has(kind)) continue;
      const sub = this.ctx.client.watch(
        kind,
        { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` },
        (ev) => this.onLiveEvent(ev),
        (err) => this.ctx.onError(new Error(`watching ${kind} for drift: ${err.message}`, { cause: err })),
      );
      this.watches.set(kind, sub);
    }
  }

  /** The cluster's kinds changed: stop watching kinds gone. */
  dropUnserved(): void {
    const served = new Set(this.ctx.client.resources().map((k) => k.kind));
    for (const [kind, sub] of [...this.watches]) {
      if (served.has(kind)) continue;
      sub.stop();
      this.watches.delete(kind);
    }
  }

  private onLiveEvent(ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    const o = ev.object;
    const key = objectKey(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '');
    if (!this.cfg.desired().has(key) && !this.cfg.owns(key)) return;
    if (ev.type === 'DELETED') this.live.delete(key);
    else this.live.set(key, o);
    this.checkDrift(key);
    this.cfg.notifySoon();
  }

  checkDrift(key: string): void {
    const d = this.cfg.desired().get(key);
    const a = this.cfg.applied(key);
    // Only what this process applied can drift from it; a pending apply fixes the rest.
    if (!d || !a || a.hash !== d.hash || this.ctx.dryRun) return this.clearDrift(key);
    if (reconcileDisabled(d.obj.metadata.annotations, this.live.get(key)?.metadata.annotations)) return this.clearDrift(key);
    const live = this.live.get(key);
    const found =
      !live || live.metadata.deletionTimestamp
        ? [{ path: '(object)', want: 'present', got: live ? 'being deleted' : 'deleted' }]
        : findDrift(this.baseline.get(key) ?? d.obj, live, { ignore: [...(this.cfg.hpaKeys().has(key) ? ['spec.replicas'] : []), ...driftPaths(d.obj, this.cfg.ignoredFor(d.obj))] });
    if (!found.length) return this.clearDrift(key);
    this.drift.set(key, found);
    const optedOut = d.obj.metadata.annotations?.[SELF_HEAL_ANNOTATION] === 'false';
    if (this.cfg.selfHeal && !optedOut && !this.cfg.suspended() && !this.healTimers.has(key) && !this.ctx.stopped()) {
      this.healTimers.set(
        key,
        this.ctx.clock.setTimeout(() => void this.heal(key), this.cfg.healDelayMs),
      );
    }
  }

  private clearDrift(key: string): void {
    this.drift.delete(key);
    this.healTimers.get(key)?.cancel();
    this.healTimers.delete(key);
  }

  private async heal(key: string): Promise<void> {
    this.healTimers.delete(key);
    if (this.ctx.stopped() || this.cfg.suspended()) return;
    if (this.cfg.syncing()) await this.cfg.idle(); // a sync pass may be re-applying it anyway
    this.checkDrift(key);
    this.healTimers.get(key)?.cancel(); // checkDrift may have re-armed; we act now
    this.healTimers.delete(key);
    const d = this.cfg.desired().get(key);
    if (!d || !this.drift.has(key)) return this.cfg.notify();
    // Ignored fields keep their live values: self-heal never resets them.
    const ignored = this.cfg.ignoredFor(d.obj);
    const live = this.live.get(key);
    await this.cfg.reapply(ignored.length && live ? { ...d, obj: withFieldsFrom(d.obj, live, ignored) } : d);
    this.checkDrift(key);
    this.cfg.notify();
  }
}
