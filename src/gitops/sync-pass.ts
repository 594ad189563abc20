// One sync pass, start to end: read the sources that changed (or all), rebuild the
// desired set, apply (applier.ts), prune unless the operation failed (pruner.ts),
// save the inventory, re-check drift (drift-healer.ts), record the pass for the
// status, record SyncFailed Events and tell listeners. While suspended, a pass
// only reads the folder. sync-loop.ts decides when passes run.
import { baselineOf, findDrift } from './drift.js';
import type { Applier } from './applier.js';
import type { ChangeNotifier } from './change-notifier.js';
import type { DriftHealer } from './drift-healer.js';
import { readGitRevision } from './git.js';
import { driftPaths } from './ignore-differences.js';
import type { ManifestError } from './loader.js';
import type { Pruner } from './pruner.js';
import type { SourceReader } from './source-reader.js';
import type { SyncPlan } from './status.js';
import { mapLimit, type ResolvedConfig } from './sync-config.js';
import type { SyncControlState } from './sync-control-state.js';
import type { SyncEvents } from './sync-events.js';
import type { PassRequest } from './sync-loop.js';
import { emptyCounts, type PassRecord } from './sync-status.js';

export interface SyncParts {
  reader: SourceReader;
  applier: Applier;
  pruner: Pruner;
  healer: DriftHealer;
  control: SyncControlState;
  events: SyncEvents;
  notifier: ChangeNotifier;
}

export class SyncPasses {
  /** What the last completed pass recorded (the status shows it). */
  readonly record: PassRecord = { counts: emptyCounts(), syncs: 0 };

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly parts: SyncParts,
  ) {}

  async run({ full, paths, force }: PassRequest): Promise<void> {
    const t0 = performance.now();
    const { reader, applier, healer, pruner, control, notifier } = this.parts;
    const refs = await reader.refsFor(full, paths);
    if (refs === 'full') return this.run({ full: true, paths: new Set(), force });
    if (await reader.refresh(refs, full, force)) {
      applier.retain(reader.desired);
      healer.retain(reader.desired);
    }
    if (full) await control.loadIgnoreRules();
    // Suspended: the folder is read (status and diff show it) but nothing is applied or pruned.
    if (control.suspended && !this.cfg.dryRun) return this.suspendedPass();

    const counts = emptyCounts();
    const plan: SyncPlan | undefined = this.cfg.dryRun ? { create: [], change: [], prune: [] } : undefined;
    const { touched, failed: operationFailed } = await applier.applyInWaves(counts, force, plan);
    // A failed sync operation (hook, wave health) prunes nothing, as Argo CD's.
    if (!operationFailed) {
      await pruner.pruneAll(counts, { desired: reader.desired, protectedFiles: reader.protectedFiles(), conflicted: reader.conflicted, catalog: reader.catalog }, plan);
    }
    if (!this.cfg.dryRun) await pruner.save();
    this.record.revision = await readGitRevision(this.cfg.folder);
    healer.ensureWatches();
    // Untouched objects keep the drift state their watch events gave them.
    for (const k of full ? reader.desired.keys() : touched) healer.checkDrift(k);

    counts.failed += reader.loadFailures();
    this.record.counts = counts;
    this.record.plan = plan;
    this.record.syncs++;
    this.record.lastSyncTime = this.cfg.clock.now();
    this.record.lastSyncMs = performance.now() - t0;
    this.emitEvents();
    notifier.notify();
  }

  /**
   * A pass while suspended: the folder was read, nothing is applied or pruned.
   * Objects this process has not applied yet (kubeterm restarted while
   * suspended) whose live object matches the folder count as applied, so only
   * what really changed shows as not applied.
   */
  private async suspendedPass(): Promise<void> {
    const { reader, applier, healer, control, notifier } = this.parts;
    const unknown = [...reader.desired.values()].filter((d) => !applier.applied.has(d.key));
    await mapLimit(unknown, this.cfg.concurrency, async (d) => {
      // Unreadable is treated as absent: the apply that follows reports the real error for this object.
      const live = await this.cfg.client.get(d.kind, d.namespace, d.name).catch(() => undefined);
      if (!live) return;
      healer.observe(d.key, live);
      const ignore = [...(reader.hpaKeys.has(d.key) ? ['spec.replicas'] : []), ...driftPaths(d.obj, control.ignoredFor(d.obj))];
      if (findDrift(d.obj, live, { ignore, limit: 1 }).length) return;
      applier.markApplied(d.key, d.hash, live.metadata.uid ?? '');
      healer.setBaseline(d.key, baselineOf(d.obj, live));
    });
    healer.ensureWatches();
    for (const k of reader.desired.keys()) healer.checkDrift(k);
    this.emitEvents();
    notifier.notify();
  }

  /** One SyncFailed Warning Event per new error (sync-events.ts): the files', the applies', the operation's. */
  private emitEvents(): void {
    const { reader, applier, events } = this.parts;
    const errors: ManifestError[] = [];
    for (const s of reader.sources.values()) errors.push(...reader.errorsOf(s));
    for (const errs of applier.applyErrors.values()) errors.push(...errs);
    if (applier.operationError) errors.push(applier.operationError);
    events.emit(errors);
  }
}
