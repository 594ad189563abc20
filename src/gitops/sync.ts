// FolderSync: keeps a cluster in step with a GitOps folder. The folder is the
// source of truth — what is in it runs, what is removed from it is pruned, and
// every problem is reported per file while every other file still applies.
//
// One sync pass: read the sources that changed (or all, on a full sync), build
// the desired set, apply what changed in dependency order (Namespaces first,
// HPAs/Ingresses last), prune inventory entries the folder no longer defines,
// save the inventory, publish status. Passes never overlap; changes arriving
// meanwhile are folded into the next pass. Between passes, a watch on the
// owned kinds detects drift and heals it after `healDelayMs` (see drift.ts).
//
// Kinds come from the cluster (`client.resources()`) and from the folder's own
// CustomResourceDefinitions (kinds.ts). CRDs apply first; custom resources
// whose CRD is in the folder wait (bounded) until it is Established and
// served, on a track of their own so unrelated objects never wait with them.
// A change of the cluster's resources re-resolves every file.
//
// This class is the public API and wires the parts together; each part does one job:
// sync-loop.ts (when passes run, waits, stop), sync-pass.ts (one pass, start to
// end), source-reader.ts (files → desired objects), applier.ts (+ crd-establish.ts:
// apply in order and waves, hooks), pruner.ts (prune, the inventory),
// drift-healer.ts (watches, drift, self-heal), sync-control-state.ts (suspend,
// ignore rules), sync-status.ts (the status), sync-events.ts (SyncFailed Events),
// change-notifier.ts (onChange). The configuration is in sync-config.ts.
import { stat } from 'node:fs/promises';
import { isStatusError } from '../api/errors.js';
import type { Subscription } from '../client/types.js';
import { Applier } from './applier.js';
import { ChangeNotifier } from './change-notifier.js';
import { objectKey } from './desired.js';
import { kubectlDiffText } from './diff.js';
import { baselineOf } from './drift.js';
import { DriftHealer } from './drift-healer.js';
import { findGitDir } from './git.js';
import { FIELD_MANAGER } from './labels.js';
import { Pruner } from './pruner.js';
import { SourceReader } from './source-reader.js';
import type { SyncStatus } from './status.js';
import { resolveConfig, type FolderSyncConfig, type ManagedSource, type ResolvedConfig, type SyncContext } from './sync-config.js';
import { SyncControlState } from './sync-control-state.js';
import { SyncEvents } from './sync-events.js';
import { SyncLoop } from './sync-loop.js';
import { SyncPasses } from './sync-pass.js';
import { buildStatus } from './sync-status.js';
import { FolderWatcher } from './watcher.js';

// Kept here so callers import the sync's types from sync.ts as before.
export type { FolderSyncConfig, ManagedSource } from './sync-config.js';

export class FolderSync {
  readonly syncName: string;
  private readonly cfg: ResolvedConfig;
  private readonly loop: SyncLoop;
  private readonly reader: SourceReader;
  private readonly applier: Applier;
  private readonly pruner: Pruner;
  private readonly healer: DriftHealer;
  private readonly control: SyncControlState;
  private readonly notifier: ChangeNotifier;
  private readonly events: SyncEvents;
  private readonly passes: SyncPasses;
  private watcher?: FolderWatcher;
  private resourcesSub?: Subscription;
  private started = false;

  constructor(config: FolderSyncConfig) {
    const cfg = resolveConfig(config);
    this.cfg = cfg;
    this.syncName = cfg.syncName;
    const ctx: SyncContext = {
      client: cfg.client,
      folder: cfg.folder,
      syncName: cfg.syncName,
      clock: cfg.clock,
      ioClock: cfg.ioClock,
      dryRun: cfg.dryRun,
      concurrency: cfg.concurrency,
      onError: cfg.onError,
      stopped: () => this.loop.stopped,
    };
    this.notifier = new ChangeNotifier(cfg.ioClock, ctx.stopped);
    const notify = () => this.notifier.notify();
    const notifySoon = () => this.notifier.notifySoon();
    this.loop = new SyncLoop({ folder: cfg.folder, ioClock: cfg.ioClock, runPass: (req) => this.passes.run(req), synced: () => this.passes.record.syncs > 0, onError: cfg.onError, notify, notifySoon });
    this.control = new SyncControlState(ctx, { suspendFile: cfg.suspendFile, suspended: cfg.suspended });
    this.reader = new SourceReader(ctx, {
      kustomize: cfg.kustomize,
      stabilityMs: cfg.stabilityMs,
      namespace: cfg.namespace,
      hpaOwnsReplicas: cfg.hpaOwnsReplicas,
      onRetry: (name) => void this.loop.addPaths([name]),
    });
    const desired = () => this.reader.desired;
    this.applier = new Applier(ctx, {
      waveTimeoutMs: cfg.waveTimeoutMs,
      establishTimeoutMs: cfg.establishTimeoutMs,
      desired,
      hooks: () => this.reader.hooks,
      liveOf: (key) => this.healer.liveOf(key),
      onApplied: (d, stored, uid) => {
        this.healer.setBaseline(d.key, baselineOf(d.obj, stored));
        this.healer.observe(d.key, stored);
        this.pruner.record(d.key, { kind: d.kind, namespace: d.namespace, name: d.name, uid, file: d.file });
      },
      revision: () => this.passes.record.revision,
      setWaiting: (m) => this.loop.setWaiting(m),
      registerWaiter: (end) => this.loop.registerWaiter(end),
    });
    this.healer = new DriftHealer(ctx, {
      selfHeal: cfg.selfHeal,
      healDelayMs: cfg.healDelayMs,
      desired,
      hpaKeys: () => this.reader.hpaKeys,
      owns: (key) => this.pruner.owns(key),
      applied: (key) => this.applier.applied.get(key),
      ignoredFor: (obj) => this.control.ignoredFor(obj),
      suspended: () => this.control.suspended,
      syncing: () => this.loop.syncing,
      idle: () => this.loop.idle(),
      reapply: (d) => this.applier.applyOne(d, undefined, new Set()),
      notify,
      notifySoon,
    });
    this.pruner = new Pruner(ctx, {
      prune: cfg.prune,
      liveOf: (key) => this.healer.liveOf(key),
      onForget: (key) => {
        this.applier.forget(key);
        this.healer.forget(key);
      },
    });
    this.events = new SyncEvents(ctx, { recordEvents: cfg.recordEvents, desired, liveOf: (key) => this.healer.liveOf(key), inventoryRef: () => this.pruner.store.ref() });
    const { reader, applier, pruner, healer, control, events, notifier } = this;
    this.passes = new SyncPasses(cfg, { reader, applier, pruner, healer, control, events, notifier });
  }

  // ---- lifecycle -----------------------------------------------------------

  /** Loads the inventory, starts watching, and resolves once the first full sync is done. */
  async start(): Promise<void> {
    if (this.started) throw new Error('FolderSync: already started');
    this.started = true;
    const { folder } = this.cfg;
    // A folder that cannot be stat'ed is reported just below as missing.
    const st = await stat(folder).catch(() => undefined);
    if (!st?.isDirectory()) throw new Error(`FolderSync: "${folder}" is not a folder`);
    await this.pruner.load();
    await this.control.loadSuspension();
    this.loop.gitDir = await findGitDir(folder);
    // A CRD established, changed or deleted (by this folder or anyone) changes which manifests are valid.
    this.resourcesSub = this.cfg.client.onResourcesChanged(() => {
      try {
        this.onResourcesChanged();
      } catch (e) {
        // Called from inside the client (the engine's kind registry): never throw back into it.
        this.cfg.onError(new Error(`folder sync of ${folder}: following the cluster's resources failed: ${(e as Error).message}`, { cause: e }));
      }
    });
    if (this.cfg.watch) {
      this.watcher = new FolderWatcher({
        folder,
        debounceMs: this.cfg.debounceMs,
        clock: this.cfg.ioClock,
        onBatch: (paths) => void this.loop.addPaths(paths),
        onError: (e) => this.cfg.onError(e),
      });
      await this.watcher.start();
    }
    await this.loop.requestFull();
  }

  async stop(): Promise<void> {
    if (this.loop.stopped) return;
    this.loop.stop();
    await this.watcher?.stop();
    this.resourcesSub?.stop();
    this.loop.endWaits();
    this.healer.cancelHeals();
    this.reader.stop();
    this.healer.stopWatches();
    await this.loop.drain();
    this.notifier.notify();
  }

  /** A full sync: re-reads every file and re-applies every object (drift included). */
  syncNow(): Promise<void> {
    return this.loop.requestFull(true);
  }

  onChange(cb: () => void): () => void {
    return this.notifier.onChange(cb);
  }

  /** Resolves when no sync is running or queued. */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  // ---- sync control: suspend/resume, reconcile now, diff (suspend.ts, diff.ts, ignore-differences.ts)

  /** Suspended: folder changes are read (status and diff show them) but not applied; drift is reported, never healed; nothing is pruned. */
  get suspended(): boolean {
    return this.control.suspended;
  }

  /** Suspends the sync, kept across restarts in `suspendFile`. */
  async suspend(): Promise<void> {
    this.control.markSuspended();
    this.healer.cancelHeals();
    this.notifier.notify();
    await this.control.persist();
  }

  /** Resumes: one full pass applies what changed meanwhile, prunes, and heals drift. */
  async resume(): Promise<void> {
    const was = this.control.markResumed();
    const pass = was ? this.loop.requestFull() : Promise.resolve();
    this.notifier.notify();
    await this.control.persist();
    await pass;
  }

  /** Reconcile now: a full sync re-applying every object. Refused while suspended, as `flux reconcile` refuses a suspended Kustomization. */
  async reconcile(): Promise<void> {
    if (this.control.suspended) throw new Error(`the folder sync of ${this.cfg.folder} is suspended: resume it first`);
    await this.syncNow();
  }

  /**
   * `kubectl diff` of the folder's version of one object against the live one
   * (diff.ts): the merged side is a server-side dry-run apply. Empty when they agree.
   */
  async diff(kind: string, namespace: string, name: string): Promise<string> {
    const d = this.reader.desired.get(objectKey(kind, namespace, name));
    if (!d) throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name} is not defined in the folder ${this.cfg.folder}`);
    const client = this.cfg.client;
    const live = await client.get(kind, namespace, name).catch((e: unknown) => {
      if (isStatusError(e, 'NotFound')) return undefined;
      throw e;
    });
    const merged = (await client.apply(d.obj, { fieldManager: FIELD_MANAGER, dryRun: true })).object;
    return kubectlDiffText({ live, merged, ignore: this.control.ignoredFor(d.obj), now: this.cfg.clock.now() }).join('\n');
  }

  // ---- write-through (src/gitops/write-through) -------------------------------

  /** Where the folder defines an object, for write-through; undefined when the folder does not define it. */
  sourceOf(kind: string, namespace: string, name: string): ManagedSource | undefined {
    const d = this.reader.desired.get(objectKey(kind, namespace, name));
    if (!d) return undefined;
    const ref = this.reader.sources.get(d.file)?.ref;
    return {
      folder: this.cfg.folder,
      file: d.file,
      doc: d.loaded.doc,
      line: d.loaded.line,
      ...(ref?.kustomizeDir !== undefined ? { kustomizeDir: ref.kustomizeDir } : {}),
      manifest: d.loaded.obj,
      hpaOwnsReplicas: this.reader.hpaKeys.has(d.key),
    };
  }

  /** A write-through just wrote `file` (relative): sync it now, not after the watcher's debounce. */
  applyOwnWrite(file: string): Promise<void> {
    return this.loop.addPaths([file]);
  }

  // ---- status ----------------------------------------------------------------

  status(): SyncStatus {
    const { reader, applier, healer, control, pruner, loop } = this;
    return buildStatus({
      syncName: this.syncName,
      folder: this.cfg.folder,
      sources: [...reader.sources.values()].map((s) => ({ name: s.ref.name, errors: reader.errorsOf(s), warnings: s.load.warnings ?? [] })),
      desired: reader.desired.values(),
      applyErrors: applier.applyErrors,
      driftOf: (key) => healer.driftOf(key),
      appliedHash: (key) => applier.applied.get(key)?.hash,
      liveOf: (key) => healer.liveOf(key),
      lastAction: applier.lastAction,
      pruneRows: [...pruner.lastPruned, ...pruner.retained],
      hookRuns: applier.hookRunner.runs,
      ...(applier.operationError ? { operationError: applier.operationError } : {}),
      configErrors: control.configErrors,
      pass: this.passes.record,
      prune: this.cfg.prune,
      dryRun: this.cfg.dryRun,
      selfHeal: this.cfg.selfHeal,
      ...(control.suspendedSince !== undefined ? { suspendedSince: control.suspendedSince } : {}),
      stopped: loop.stopped,
      syncing: loop.syncing,
      ...(loop.waiting ? { waiting: loop.waiting } : {}),
    });
  }

  /** The cluster's kinds changed: stop watching kinds gone, and re-resolve every file in a pass. */
  private onResourcesChanged(): void {
    if (this.loop.stopped) return;
    this.healer.dropUnserved();
    // Only when some manifest now resolves differently (a kind appeared, went away or changed scope).
    if (!this.reader.kindsChanged()) return;
    void this.loop.requestResolve();
  }
}
