// Pruning: deletes what this sync created (its inventory) and the folder no longer
// defines, in reverse apply order, except objects of broken or half-written
// files, objects two definitions conflict over, and whatever decidePrune
// (prune.ts) keeps or finds blocked. Owns the inventory and the last pass's
// pruned and retained rows for the status.
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { Desired } from './desired.js';
import { healthOf } from './health.js';
import { entryKey, InventoryStore, type InventoryEntry } from './inventory.js';
import type { KindCatalog } from './kinds.js';
import { decidePrune } from './prune.js';
import type { ObjectSyncStatus, SyncAction, SyncCounts, SyncPlan } from './status.js';
import type { SyncContext } from './sync-config.js';

export interface PrunerConfig {
  prune: boolean;
  liveOf(key: string): KubeObject | undefined;
  /** An object left the inventory: forget everything else known about it. */
  onForget(key: string): void;
}

/** What a prune pass must leave alone, and the order it deletes in. */
export interface PruneScope {
  desired: ReadonlyMap<string, Desired>;
  /** Files whose objects must not be pruned: broken, or possibly half-written. */
  protectedFiles: ReadonlySet<string>;
  conflicted: ReadonlySet<string>;
  catalog: KindCatalog;
}

export class Pruner {
  readonly store: InventoryStore;
  private inventory = new Map<string, InventoryEntry>();
  /** Rows for the status: what the last pass pruned, and what it kept although the folder no longer defines it. */
  lastPruned: ObjectSyncStatus[] = [];
  retained: ObjectSyncStatus[] = [];

  constructor(
    private readonly ctx: SyncContext,
    private readonly cfg: PrunerConfig,
  ) {
    this.store = new InventoryStore(ctx.client, ctx.syncName, ctx.folder);
  }

  async load(): Promise<void> {
    this.inventory = await this.store.load();
  }

  async save(): Promise<void> {
    try {
      await this.store.save(this.inventory);
    } catch (e) {
      this.ctx.onError(new Error(`cannot save the folder sync inventory ${this.store.name}: ${(e as Error).message}`, { cause: e }));
    }
  }

  record(key: string, entry: InventoryEntry): void {
    this.inventory.set(key, entry);
  }

  owns(key: string): boolean {
    return this.inventory.has(key);
  }

  async pruneAll(counts: SyncCounts, scope: PruneScope, plan?: SyncPlan): Promise<void> {
    const { desired, protectedFiles, conflicted, catalog } = scope;
    const candidates = [...this.inventory.values()]
      .filter((e) => !desired.has(entryKey(e)) && !protectedFiles.has(e.file) && !conflicted.has(entryKey(e)))
      // Reverse apply order: custom resources (50) before their CRD (-1), workloads before Namespaces.
      .sort((a, b) => catalog.orderOf(b.kind) - catalog.orderOf(a.kind) || entryKey(a).localeCompare(entryKey(b)));
    const served = candidates.length ? this.ctx.client.resources() : [];
    const pruned: ObjectSyncStatus[] = [];
    const retained: ObjectSyncStatus[] = [];
    const row = (e: InventoryEntry, state: ObjectSyncStatus['state'], message?: string, action?: SyncAction): ObjectSyncStatus => ({
      kind: e.kind,
      namespace: e.namespace,
      name: e.name,
      file: e.file,
      state,
      health: healthOf(this.cfg.liveOf(entryKey(e))),
      ...(action ? { lastAction: action } : {}),
      ...(message ? { message } : {}),
    });
    for (const e of candidates) {
      const key = entryKey(e);
      if (!this.cfg.prune) {
        retained.push(row(e, 'OutOfSync', 'no longer in the folder; not pruned because pruning is off'));
        continue;
      }
      let decision;
      try {
        decision = await decidePrune(this.ctx.client, e, this.ctx.syncName, served);
      } catch (err) {
        retained.push(row(e, 'Failed', `prune check failed: ${(err as Error).message}`));
        continue;
      }
      if (decision.action === 'forget' || decision.action === 'keep') {
        if (!plan) this.forget(key);
        if (decision.action === 'keep') retained.push(row(e, 'Synced', decision.reason, 'skipped'));
        continue;
      }
      if (decision.action === 'blocked') {
        retained.push(row(e, 'OutOfSync', decision.reason, 'skipped'));
        continue;
      }
      if (plan) {
        plan.prune.push({ kind: e.kind, namespace: e.namespace, name: e.name, file: e.file });
        continue;
      }
      try {
        await this.ctx.client.delete(e.kind, e.namespace, e.name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isStatusError(err, 'NotFound')) {
          retained.push(row(e, 'Failed', `prune failed: ${(err as Error).message}`, 'failed'));
          counts.failed++;
          continue;
        }
      }
      counts.pruned++;
      pruned.push({ ...row(e, 'Pruned', undefined, 'pruned'), health: { status: 'Missing', message: 'pruned' } });
      this.forget(key);
    }
    this.lastPruned = pruned;
    this.retained = retained;
  }

  private forget(key: string): void {
    this.inventory.delete(key);
    this.cfg.onForget(key);
  }
}
