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
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { isStatusError } from '../api/errors.js';
import { servedVersions, servesApiVersion } from '../api/kinds.js';
import type { Condition, KubeObject } from '../api/meta.js';
import type { WatchEvent } from '../api/store-types.js';
import type { ClusterClient, Subscription } from '../client/types.js';
import { realClock, type Clock, type Timer } from '../util/clock.js';
import { describeObject, hpaTargets, mergeDesired, objectKey, resolveKinds, toDesired, type Desired } from './desired.js';
import { baselineOf, describeDrift, findDrift, type DriftedField } from './drift.js';
import { applyErrorToManifestErrors, syncFailedEvent } from './errors.js';
import { findGitDir, gitBusy, readGitRevision } from './git.js';
import { healthOf } from './health.js';
import { kubectlDiffText } from './diff.js';
import { driftPaths, ignoredPaths, loadSyncConfig, SYNC_CONFIG_FILE, withFieldsFrom, type FieldPath, type IgnoreRule } from './ignore-differences.js';
import { SuspendStore } from './suspend.js';
import { isIgnoredPath, isKustomizationFile, isSyncedFile } from './ignore.js';
import { entryKey, InventoryStore, type InventoryEntry } from './inventory.js';
import { CRD_KIND, folderCrdOf, isCrdObject, KindCatalog, type FolderCrd } from './kinds.js';
import { kubectlKustomize, type KustomizeBuild } from './kustomize.js';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  SELF_HEAL_ANNOTATION,
  syncNameFor,
} from './labels.js';
import { formatManifestError, loadManifestFile, type LoadedObject, type LoadResult, type ManifestError } from './loader.js';
import { decidePrune } from './prune.js';
import { kustomizeCovers, readSource, scanSources, type SourceRef } from './sources.js';
import type { FileSyncStatus, ObjectSyncStatus, PlannedChange, SyncAction, SyncCounts, SyncPlan, SyncStatus } from './status.js';
import { FolderWatcher } from './watcher.js';
import { hookHealth, HookRunner, runOperation, runSyncFail } from './hooks.js';
import { reconcileDisabled } from './sync-options.js';
import { healthVerdict, targetsOf, waitAll } from './waves.js';

export interface FolderSyncConfig {
  client: ClusterClient;
  folder: string;
  /** Time for heal delays and status timestamps. */
  clock?: Clock;
  /**
   * Time for file I/O waits: the watcher's debounce and the wait for a file to stop
   * changing. Real time by default even when `clock` is fake, since files are real.
   */
  ioClock?: Clock;
  /** Delete what the folder no longer defines. Default true (`--no-prune` turns it off). */
  prune?: boolean;
  /** Show what a sync would create, change and prune; change nothing. */
  dryRun?: boolean;
  /** Re-apply drifted objects after healDelayMs. Default true. */
  selfHeal?: boolean;
  healDelayMs?: number;
  /** Quiet time that ends a burst of file events. Default 30 ms. */
  debounceMs?: number;
  /** How long a file that fails to parse must stay unchanged before the failure counts. Default max(100, 3 × debounceMs). */
  stabilityMs?: number;
  /** Names the sync in annotations and the inventory. Default: derived from the folder name. */
  syncName?: string;
  /** Namespace for namespaced objects that name none. Default `default`. */
  namespace?: string;
  /** Watch the folder with chokidar. Default true; false syncs only on start() and syncNow(). */
  watch?: boolean;
  /** Leave spec.replicas alone for workloads an HPA from the folder scales. Default true. */
  hpaOwnsReplicas?: boolean;
  /** Record SyncFailed Warning Events. Default true (never in dry-run). */
  events?: boolean;
  /** Applies in flight at once within one dependency level. Default 16. */
  concurrency?: number;
  kustomize?: KustomizeBuild;
  /**
   * How long custom resources wait for a CustomResourceDefinition from the folder
   * to become Established (and served) before they fail. Default 30 s. Timed on `ioClock`.
   */
  establishTimeoutMs?: number;
  /**
   * How long a sync wave may take to become healthy, and a hook to complete,
   * before the sync fails (waves.ts, hooks.ts). Default 5 min. Timed on `clock`.
   */
  waveTimeoutMs?: number;
  /** Watcher and watch errors. */
  onError?: (err: Error) => void;
  /**
   * Where suspension is kept across restarts (suspend.ts; the CLI passes
   * `sync-control.json` beside the state file). Without it, suspend lasts for this run.
   */
  suspendFile?: string;
  /** Start suspended (when no suspendFile says otherwise). */
  suspended?: boolean;
}

/** Where the folder defines one object (FolderSync.sourceOf). */
export interface ManagedSource {
  /** The synced folder (absolute). */
  folder: string;
  /** The source's name: the file, or a kustomization file for an object kustomize builds. */
  file: string;
  doc: number;
  line: number;
  /** Set when kustomize builds the object (doc and line then refer to the build output). */
  kustomizeDir?: string;
  /** The object as the file (or the build) defines it. */
  manifest: KubeObject;
  /** An HPA in the folder scales it: the sync leaves spec.replicas to the HPA. */
  hpaOwnsReplicas: boolean;
}

interface Source {
  ref: SourceRef;
  text?: string;
  load: LoadResult;
  /** The objects of the last version that loaded without errors: kept applied while the file is broken. */
  lastGood?: LoadedObject[];
  /** Text of a failed parse waiting to see whether the file is still being written. */
  pendingFailText?: string;
  /** Objects whose kind neither the cluster serves nor a CRD in the folder defines (re-resolved every rebuild). */
  kindErrors: ManifestError[];
  desired: Desired[];
}

/** Whether custom resources of a folder CRD may be applied in this pass. */
type CrdGate = { state: 'ready' } | { state: 'planned' } | { state: 'failed'; message: string };

interface Applied {
  hash: string;
  uid: string;
}

const LIVE_NOTIFY_MS = 50;
/** A CRD just applied whose names are refused this long is taken at its word (the naming check runs in milliseconds). */
const NAMES_GRACE_MS = 1000;
const GIT_LOCK_MAX_WAIT_MS = 10_000;

const emptyCounts = (): SyncCounts => ({ applied: 0, unchanged: 0, pruned: 0, failed: 0 });

export class FolderSync {
  readonly syncName: string;
  private readonly client: ClusterClient;
  private readonly folder: string;
  private readonly clock: Clock;
  private readonly ioClock: Clock;
  private readonly prune: boolean;
  private readonly dryRun: boolean;
  private readonly selfHeal: boolean;
  private readonly healDelayMs: number;
  private readonly debounceMs: number;
  private readonly stabilityMs: number;
  private readonly namespace: string;
  private readonly watchFolder: boolean;
  private readonly hpaOwnsReplicas: boolean;
  private readonly recordEvents: boolean;
  private readonly concurrency: number;
  private readonly kustomize: KustomizeBuild;
  private readonly establishTimeoutMs: number;
  private readonly inventoryStore: InventoryStore;
  /** The kinds of the last rebuild: the cluster's resources and the folder's CRDs. */
  private catalog = new KindCatalog([]);
  private catalogSignature = '';
  private resourcesSub?: Subscription;
  /** Ends every establish wait in flight (stop() must not sit out a timeout). */
  private readonly waiters = new Set<() => void>();
  private pendingResolve = false;
  /** Waves and hooks (waves.ts, hooks.ts): the folder's hooks by key (never in `desired`), the last operation. */
  private hooks = new Map<string, Desired>();
  private readonly hookRunner: HookRunner;
  private readonly waveTimeoutMs: number;
  private operationError?: ManifestError;
  private lastOperationSignature = '';

  private watcher?: FolderWatcher;
  private readonly sources = new Map<string, Source>();
  private desired = new Map<string, Desired>();
  private duplicates = new Map<string, ManifestError[]>();
  /** Objects two definitions conflict over: neither applied, what is live kept (never pruned). */
  private conflicted = new Set<string>();
  private hpaKeys = new Set<string>();
  private readonly applied = new Map<string, Applied>();
  /** What drift is measured against: the manifest's fields as the API stored them (see drift.ts). */
  private readonly baseline = new Map<string, KubeObject>();
  private readonly applyErrors = new Map<string, ManifestError[]>();
  private inventory = new Map<string, InventoryEntry>();
  private readonly live = new Map<string, KubeObject>();
  private readonly drift = new Map<string, DriftedField[]>();
  private readonly healTimers = new Map<string, Timer>();
  private readonly retryTimers = new Map<string, Timer>();
  private readonly lastAction = new Map<string, SyncAction>();
  private readonly watches = new Map<string, Subscription>();
  private readonly listeners = new Set<() => void>();
  private lastPruned: ObjectSyncStatus[] = [];
  private retained: ObjectSyncStatus[] = [];
  private plan?: SyncPlan;
  private counts = emptyCounts();
  private lastSyncTime?: number;
  private lastSyncMs?: number;
  private revision?: string;
  private syncs = 0;
  private started = false;
  private stopped = false;
  private emitted = new Set<string>();
  private notifyTimer?: Timer;
  private eventSeq = 0;

  private gitDir?: string;

  // Sync control: suspension (suspend.ts) and ignore rules (ignore-differences.ts).
  private suspendedSince?: number;
  private readonly suspendStore?: SuspendStore;
  private ignoreRules: IgnoreRule[] = [];
  private configErrors: ManifestError[] = [];
  private readonly reportedIgnoreErrors = new Set<string>();

  private waiting?: string;
  private pendingPaths = new Set<string>();
  private pendingFull = false;
  private pendingForce = false;
  private running?: Promise<void>;

  constructor(config: FolderSyncConfig) {
    if (!config.client) throw new Error('FolderSync: client is required');
    if (!config.folder) throw new Error('FolderSync: folder is required');
    this.client = config.client;
    this.folder = resolve(config.folder);
    this.clock = config.clock ?? realClock;
    this.ioClock = config.ioClock ?? realClock;
    this.prune = config.prune ?? true;
    this.dryRun = config.dryRun ?? false;
    this.selfHeal = config.selfHeal ?? true;
    this.healDelayMs = config.healDelayMs ?? 5000;
    this.debounceMs = config.debounceMs ?? 30;
    this.stabilityMs = config.stabilityMs ?? Math.max(100, this.debounceMs * 3);
    this.syncName = config.syncName ?? syncNameFor(this.folder);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.syncName) || this.syncName.length > 40) {
      throw new Error(`FolderSync: syncName "${this.syncName}" must be a DNS label of at most 40 characters`);
    }
    this.namespace = config.namespace ?? 'default';
    this.watchFolder = config.watch ?? true;
    this.hpaOwnsReplicas = config.hpaOwnsReplicas ?? true;
    this.recordEvents = (config.events ?? true) && !this.dryRun;
    this.concurrency = Math.max(1, config.concurrency ?? 16);
    this.kustomize = config.kustomize ?? kubectlKustomize;
    this.establishTimeoutMs = Math.max(0, config.establishTimeoutMs ?? 30_000);
    this.waveTimeoutMs = Math.max(0, config.waveTimeoutMs ?? 300_000);
    this.hookRunner = new HookRunner({
      client: this.client,
      clock: this.clock,
      syncName: this.syncName,
      timeoutMs: this.waveTimeoutMs,
      revision: () => this.revision,
      wait: { onPending: (_t, message) => this.setWaiting(message), register: (end) => this.registerWaiter(end) },
    });
    this.inventoryStore = new InventoryStore(this.client, this.syncName, this.folder);
    this.onError = config.onError ?? (() => {});
    if (config.suspendFile) this.suspendStore = new SuspendStore(config.suspendFile, this.syncName);
    if (config.suspended) this.suspendedSince = this.clock.now();
  }

  private readonly onError: (err: Error) => void;

  // ---- lifecycle -----------------------------------------------------------

  /** Loads the inventory, starts watching, and resolves once the first full sync is done. */
  async start(): Promise<void> {
    if (this.started) throw new Error('FolderSync: already started');
    this.started = true;
    const st = await stat(this.folder).catch(() => undefined);
    if (!st?.isDirectory()) throw new Error(`FolderSync: "${this.folder}" is not a folder`);
    this.inventory = await this.inventoryStore.load();
    await this.loadSuspension();
    this.gitDir = await findGitDir(this.folder);
    // A CRD established, changed or deleted (by this folder or anyone) changes which manifests are valid.
    this.resourcesSub = this.client.onResourcesChanged(() => {
      try {
        this.onResourcesChanged();
      } catch (e) {
        // Called from inside the client (the engine's kind registry): never throw back into it.
        this.onError(new Error(`folder sync of ${this.folder}: following the cluster's resources failed: ${(e as Error).message}`, { cause: e }));
      }
    });
    if (this.watchFolder) {
      this.watcher = new FolderWatcher({
        folder: this.folder,
        debounceMs: this.debounceMs,
        clock: this.ioClock,
        onBatch: (paths) => {
          for (const p of paths) this.pendingPaths.add(p);
          void this.schedule();
        },
        onError: (e) => this.onError(e),
      });
      await this.watcher.start();
    }
    this.pendingFull = true;
    await this.schedule();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.watcher?.stop();
    this.resourcesSub?.stop();
    for (const end of [...this.waiters]) end();
    // (A git wait, if any, ends by itself within 50 ms and sees `stopped`.)
    for (const t of [...this.healTimers.values(), ...this.retryTimers.values()]) t.cancel();
    this.healTimers.clear();
    this.retryTimers.clear();
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    await this.running?.catch(() => {});
    this.notify();
  }

  /** A full sync: re-reads every file and re-applies every object (drift included). */
  syncNow(): Promise<void> {
    this.pendingFull = true;
    this.pendingForce = true;
    return this.schedule();
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Resolves when no sync is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
  }

  // ---- sync control: suspend/resume, reconcile now, diff (suspend.ts, diff.ts, ignore-differences.ts)

  /** Suspended: folder changes are read (status and diff show them) but not applied; drift is reported, never healed; nothing is pruned. */
  get suspended(): boolean {
    return this.suspendedSince !== undefined;
  }

  /** Suspends the sync, kept across restarts in `suspendFile`. */
  async suspend(): Promise<void> {
    if (this.suspendedSince === undefined) this.suspendedSince = this.clock.now();
    for (const t of this.healTimers.values()) t.cancel();
    this.healTimers.clear();
    this.notify();
    await this.suspendStore?.save({ suspended: true, since: new Date(this.suspendedSince).toISOString(), folder: this.folder });
  }

  /** Resumes: one full pass applies what changed meanwhile, prunes, and heals drift. */
  async resume(): Promise<void> {
    const was = this.suspendedSince !== undefined;
    this.suspendedSince = undefined;
    const pass = was ? ((this.pendingFull = true), this.schedule()) : Promise.resolve();
    this.notify();
    await this.suspendStore?.save(undefined);
    await pass;
  }

  /** Reconcile now: a full sync re-applying every object. Refused while suspended, as `flux reconcile` refuses a suspended Kustomization. */
  async reconcile(): Promise<void> {
    if (this.suspendedSince !== undefined) throw new Error(`the folder sync of ${this.folder} is suspended: resume it first`);
    await this.syncNow();
  }

  /**
   * `kubectl diff` of the folder's version of one object against the live one
   * (diff.ts): the merged side is a server-side dry-run apply. Empty when they agree.
   */
  async diff(kind: string, namespace: string, name: string): Promise<string> {
    const d = this.desired.get(objectKey(kind, namespace, name));
    if (!d) throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name} is not defined in the folder ${this.folder}`);
    const live = await this.client.get(kind, namespace, name).catch((e: unknown) => {
      if (isStatusError(e, 'NotFound')) return undefined;
      throw e;
    });
    const merged = (await this.client.apply(d.obj, { fieldManager: FIELD_MANAGER, dryRun: true })).object;
    return kubectlDiffText({ live, merged, ignore: this.ignoredFor(d.obj), now: this.clock.now() }).join('\n');
  }

  private async loadSuspension(): Promise<void> {
    if (!this.suspendStore) return;
    try {
      const e = await this.suspendStore.load();
      if (e) this.suspendedSince = (e.since && Date.parse(e.since)) || this.clock.now();
    } catch (err) {
      this.onError(err as Error);
    }
  }

  private async loadIgnoreRules(): Promise<void> {
    const cfg = await loadSyncConfig(this.folder);
    this.ignoreRules = cfg.ignoreDifferences;
    this.configErrors = cfg.errors.map((message) => ({ file: SYNC_CONFIG_FILE, message }));
  }

  /** The fields of this object that something else changes (annotation and .kubeterm.yaml). */
  private ignoredFor(obj: KubeObject): FieldPath[] {
    return ignoredPaths(obj, this.ignoreRules, (message) => {
      if (this.reportedIgnoreErrors.has(message)) return;
      this.reportedIgnoreErrors.add(message);
      this.onError(new Error(message));
    });
  }

  /**
   * A pass while suspended: the folder was read, nothing is applied or pruned.
   * Objects this process has not applied yet (kubeterm restarted while
   * suspended) whose live object matches the folder count as applied, so only
   * what really changed shows as not applied.
   */
  private async suspendedPass(): Promise<void> {
    const unknown = [...this.desired.values()].filter((d) => !this.applied.has(d.key));
    await mapLimit(unknown, this.concurrency, async (d) => {
      const live = await this.client.get(d.kind, d.namespace, d.name).catch(() => undefined);
      if (!live) return;
      this.live.set(d.key, live);
      const ignore = [...(this.hpaKeys.has(d.key) ? ['spec.replicas'] : []), ...driftPaths(d.obj, this.ignoredFor(d.obj))];
      if (findDrift(d.obj, live, { ignore, limit: 1 }).length) return;
      this.applied.set(d.key, { hash: d.hash, uid: live.metadata.uid ?? '' });
      this.baseline.set(d.key, baselineOf(d.obj, live));
    });
    this.ensureWatches();
    for (const k of this.desired.keys()) this.checkDrift(k);
    this.emitEvents();
    this.notify();
  }

  // ---- write-through (src/gitops/write-through) -------------------------------

  /** Where the folder defines an object, for write-through; undefined when the folder does not define it. */
  sourceOf(kind: string, namespace: string, name: string): ManagedSource | undefined {
    const d = this.desired.get(objectKey(kind, namespace, name));
    if (!d) return undefined;
    const ref = this.sources.get(d.file)?.ref;
    return {
      folder: this.folder,
      file: d.file,
      doc: d.loaded.doc,
      line: d.loaded.line,
      ...(ref?.kustomizeDir !== undefined ? { kustomizeDir: ref.kustomizeDir } : {}),
      manifest: d.loaded.obj,
      hpaOwnsReplicas: this.hpaKeys.has(d.key),
    };
  }

  /** A write-through just wrote `file` (relative): sync it now, not after the watcher's debounce. */
  applyOwnWrite(file: string): Promise<void> {
    this.pendingPaths.add(file);
    return this.schedule();
  }

  private schedule(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped && (this.pendingFull || this.pendingPaths.size || this.pendingResolve)) {
      if (this.syncs > 0) await this.waitForGit();
      const full = this.pendingFull;
      const force = this.pendingForce;
      const paths = this.pendingPaths;
      this.pendingResolve = false;
      this.pendingFull = false;
      this.pendingForce = false;
      this.pendingPaths = new Set();
      try {
        await this.syncOnce(full, paths, force);
      } catch (e) {
        this.onError(new Error(`folder sync of ${this.folder} failed: ${(e as Error).message}`, { cause: e }));
      }
    }
  }

  /**
   * While git holds index.lock, changes wait (re-checked every 50 ms) so a pull
   * is synced as one commit. A lock held longer than GIT_LOCK_MAX_WAIT_MS is
   * stale (a crashed git) and no longer holds the sync back.
   */
  private async waitForGit(): Promise<void> {
    const since = this.ioClock.now();
    while (!this.stopped && (await gitBusy(this.gitDir)) && this.ioClock.now() - since < GIT_LOCK_MAX_WAIT_MS) {
      if (!this.waiting) {
        this.waiting = 'git is updating the checkout (.git/index.lock)';
        this.notify();
      }
      await new Promise<void>((resolve) => {
        this.ioClock.setTimeout(resolve, 50);
      });
    }
    this.waiting = undefined;
  }

  // ---- one pass --------------------------------------------------------------

  private async syncOnce(full: boolean, paths: Set<string>, force: boolean): Promise<void> {
    const t0 = performance.now();
    const refs = full ? await this.allSources() : await this.changedSources(paths);
    if (refs === 'full') return this.syncOnce(true, new Set(), force);
    const changed = await this.readSources(refs, force);
    const catalog = this.buildCatalog();
    const signature = catalog.signature(this.kindUses());
    if (changed || full || signature !== this.catalogSignature) this.rebuildDesired(catalog, signature);
    if (full) await this.loadIgnoreRules();
    // Suspended: the folder is read (status and diff show it) but nothing is applied or pruned.
    if (this.suspendedSince !== undefined && !this.dryRun) return this.suspendedPass();

    const counts = emptyCounts();
    const plan: SyncPlan | undefined = this.dryRun ? { create: [], change: [], prune: [] } : undefined;
    const { touched, failed: operationFailed } = await this.applyInWaves(counts, force, plan);
    // A failed sync operation (hook, wave health) prunes nothing, as Argo CD's.
    if (!operationFailed) await this.pruneAll(counts, plan);
    if (!this.dryRun) {
      try {
        await this.inventoryStore.save(this.inventory);
      } catch (e) {
        this.onError(new Error(`cannot save the folder sync inventory ${this.inventoryStore.name}: ${(e as Error).message}`, { cause: e }));
      }
    }
    this.revision = await readGitRevision(this.folder);
    this.ensureWatches();
    // Untouched objects keep the drift state their watch events gave them.
    for (const k of full ? this.desired.keys() : touched) this.checkDrift(k);

    counts.failed += this.loadFailures();
    this.counts = counts;
    this.plan = plan;
    this.syncs++;
    this.lastSyncTime = this.clock.now();
    this.lastSyncMs = performance.now() - t0;
    this.emitEvents();
    this.notify();
  }

  private async allSources(): Promise<SourceRef[]> {
    const refs = await scanSources(this.folder);
    const names = new Set(refs.map((r) => r.name));
    for (const name of [...this.sources.keys()]) {
      if (!names.has(name)) refs.push(this.sources.get(name)!.ref); // re-read: will be found gone
    }
    return refs;
  }

  /** Maps changed paths to the sources they affect; 'full' when the folder's shape changed (a folder, a kustomization). */
  private async changedSources(paths: Set<string>): Promise<SourceRef[] | 'full'> {
    const out = new Map<string, SourceRef>();
    const kustomizeSources = [...this.sources.values()].filter((s) => s.ref.kustomizeDir !== undefined);
    for (const p of paths) {
      if (p === SYNC_CONFIG_FILE) return 'full'; // ignore rules changed: every object is re-checked
      if (isIgnoredPath(p)) continue;
      if (isKustomizationFile(p)) return 'full';
      // A base or component folder belongs to every kustomization that includes it.
      const ks = kustomizeSources.filter((s) => kustomizeCovers(s.ref, p));
      if (ks.length) {
        for (const k of ks) out.set(k.ref.name, k.ref);
        continue;
      }
      if (this.sources.has(p) || isSyncedFile(p)) {
        out.set(p, this.sources.get(p)?.ref ?? { name: p });
        continue;
      }
      // A folder appeared or went away (or a renamed folder): rescan.
      const underneath = [...this.sources.keys()].some((n) => n.startsWith(`${p}/`));
      const isDir = await stat(resolve(this.folder, p)).then((s) => s.isDirectory(), () => false);
      if (underneath || isDir) return 'full';
    }
    return [...out.values()];
  }

  /** Reads sources; returns whether any accepted content changed. */
  private async readSources(refs: SourceRef[], force: boolean): Promise<boolean> {
    let changed = false;
    const reads = await mapLimit(refs, 32, (ref) => readSource(this.folder, ref, this.kustomize));
    refs.forEach((ref, i) => {
      const r = reads[i];
      const src = this.sources.get(ref.name);
      if (r.text === undefined) {
        if (src) {
          this.sources.delete(ref.name);
          changed = true;
        }
        return;
      }
      if (src && src.text === r.text && !force && src.pendingFailText === undefined) return;
      const load = r.result ?? loadManifestFile(ref.name, r.text);
      // A failed parse (or a file emptied) may be an editor half-way through a write: wait
      // until the file stops changing before believing it.
      const suspicious = load.errors.some((e) => e.object === undefined) || (!r.text.trim() && (src?.load.objects.length ?? 0) > 0);
      if (suspicious && r.result === undefined && src?.pendingFailText !== r.text && src?.text !== r.text) {
        const holder = src ?? this.newSource(ref);
        holder.pendingFailText = r.text;
        this.scheduleRetry(ref.name);
        return;
      }
      const s = src ?? this.newSource(ref);
      s.ref = ref;
      s.text = r.text;
      s.pendingFailText = undefined;
      s.load = load;
      if (load.errors.length === 0) s.lastGood = load.objects;
      changed = true;
    });
    return changed;
  }

  private newSource(ref: SourceRef): Source {
    const s: Source = { ref, load: { objects: [], errors: [] }, kindErrors: [], desired: [] };
    this.sources.set(ref.name, s);
    return s;
  }

  private scheduleRetry(name: string): void {
    this.retryTimers.get(name)?.cancel();
    this.retryTimers.set(
      name,
      this.ioClock.setTimeout(() => {
        this.retryTimers.delete(name);
        this.pendingPaths.add(name);
        void this.schedule();
      }, this.stabilityMs),
    );
  }

  /** The objects a file stands for: what it yields now; while it fails to parse, also the last good version's. */
  private sourceObjects(s: Source): { current: LoadedObject[]; kept: LoadedObject[] } {
    return { current: s.load.objects, kept: s.load.errors.length && s.lastGood ? s.lastGood : [] };
  }

  /** The kinds a rebuild resolves against: the cluster's resources now, plus the CRDs in the folder (first file by name wins). */
  private buildCatalog(): KindCatalog {
    const crds: FolderCrd[] = [];
    const seen = new Set<string>();
    const served = this.client.resources();
    const crdKind = served.find((k) => k.kind === CRD_KIND);
    for (const s of [...this.sources.values()].sort((a, b) => a.ref.name.localeCompare(b.ref.name))) {
      const { current, kept } = this.sourceObjects(s);
      for (const l of [...current, ...kept]) {
        // A CRD in a version the cluster does not serve is an error of its own, and defines nothing.
        if (!isCrdObject(l.obj) || !crdKind || !servesApiVersion(crdKind, l.obj.apiVersion)) continue;
        const name = l.obj.metadata?.name ?? '';
        if (seen.has(name)) continue;
        seen.add(name);
        const c = folderCrdOf(l.obj, objectKey(CRD_KIND, '', name), s.ref.name);
        if (c) crds.push(c);
      }
    }
    return new KindCatalog(served, crds);
  }

  /** The file's objects whose kinds resolve, and an error for each that does not. */
  private sourceDesired(s: Source, catalog: KindCatalog): void {
    const make = (r: ReturnType<typeof resolveKinds>['resolved'][number]) => toDesired(r.loaded, s.ref.name, this.syncName, this.namespace, r.info, r.crd);
    const { current, kept } = this.sourceObjects(s);
    const now = resolveKinds(current, s.ref.name, catalog);
    s.kindErrors = now.errors;
    const desired = now.resolved.map(make);
    if (kept.length) {
      const have = new Set(desired.map((d) => d.key));
      desired.push(...resolveKinds(kept, s.ref.name, catalog).resolved.map(make).filter((d) => !have.has(d.key)));
    }
    s.desired = desired;
  }

  /** Every (kind, apiVersion) the folder's manifests use. */
  private *kindUses(): Iterable<{ kind: string; apiVersion: string }> {
    for (const s of this.sources.values()) {
      const { current, kept } = this.sourceObjects(s);
      for (const l of current) yield l.obj;
      for (const l of kept) yield l.obj;
    }
  }

  private rebuildDesired(catalog: KindCatalog, signature: string): void {
    this.catalog = catalog;
    this.catalogSignature = signature;
    for (const s of this.sources.values()) this.sourceDesired(s, catalog);
    const merged = mergeDesired([...this.sources.values()].map((s) => ({ file: s.ref.name, objects: s.desired })));
    this.desired = merged.desired;
    // Hooks are run by hooks.ts, never applied, pruned or healed as normal objects.
    this.hooks = new Map([...this.desired].filter(([, d]) => d.hook));
    for (const k of this.hooks.keys()) this.desired.delete(k);
    this.duplicates = merged.duplicates;
    this.conflicted = new Set(merged.conflicts.keys());
    this.hpaKeys = this.hpaOwnsReplicas ? hpaTargets(this.desired.values()) : new Set();
    for (const k of [...this.applyErrors.keys()]) if (!this.desired.has(k)) this.applyErrors.delete(k);
    // An object that left the desired set (its kind went away with its CRD) is applied afresh when it returns.
    for (const k of [...this.applied.keys()]) if (!this.desired.has(k)) this.applied.delete(k);
    for (const k of [...this.drift.keys()]) if (!this.desired.has(k)) this.clearDrift(k);
  }

  // ---- apply -----------------------------------------------------------------

  /**
   * Applies what changed, level by level; returns the keys it tried. Custom
   * resources of a CRD in the folder go on a second track: once the levels
   * before theirs are applied (CRDs, Namespaces, config), they wait for their
   * CRDs to be Established, then apply level by level. Everything else goes on
   * meanwhile, so a slow or broken CRD holds back only its own resources.
   */
  private async applyAll(counts: SyncCounts, force: boolean, plan?: SyncPlan, only?: ReadonlySet<string>): Promise<Set<string>> {
    const touched = new Set<string>();
    const levels = new Map<number, Desired[]>();
    const dependent = new Map<number, Desired[]>();
    const staleCrds: Desired[] = [];
    for (const d of this.desired.values()) {
      if (only && !only.has(d.key)) continue; // another sync wave's
      const a = this.applied.get(d.key);
      const stale = force || plan || !a || a.hash !== d.hash || this.applyErrors.has(d.key);
      if (!stale) {
        counts.unchanged++;
        continue;
      }
      const into = d.crd ? dependent : levels;
      const list = into.get(d.order) ?? [];
      touched.add(d.key);
      list.push(d);
      into.set(d.order, list);
      if (d.kind === CRD_KIND) staleCrds.push(d);
    }
    const plannedNamespaces = new Set<string>();
    const crdActions = new Map<string, SyncAction>();
    const tally = (action: SyncAction) => {
      if (action === 'created' || action === 'configured') counts.applied++;
      else if (action === 'unchanged') counts.unchanged++;
      else counts.failed++;
    };
    const applyLevels = async (byOrder: Map<number, Desired[]>, before?: (order: number) => void, gate?: Map<string, CrdGate>) => {
      for (const order of [...byOrder.keys()].sort((a, b) => a - b)) {
        before?.(order);
        const batch = byOrder.get(order)!.sort((a, b) => a.key.localeCompare(b.key));
        await mapLimit(batch, this.concurrency, async (d) => {
          const g = d.crd ? gate?.get(d.crd.key) : undefined;
          const action = g && g.state !== 'ready' ? this.heldBack(d, g, plan) : await this.applyOne(d, plan, plannedNamespaces);
          if (d.kind === CRD_KIND) crdActions.set(d.key, action);
          tally(action);
        });
      }
    };

    // The second track starts when the first reaches the custom resources' level.
    const firstDependent = Math.min(...dependent.keys(), Infinity);
    let release!: () => void;
    const prerequisites = new Promise<void>((r) => {
      release = r;
    });
    const main = applyLevels(levels, (order) => {
      if (order >= firstDependent) release();
    }).finally(() => release());
    const second = (async () => {
      await prerequisites;
      const needed = new Set<string>(staleCrds.map((d) => d.key));
      for (const list of dependent.values()) for (const d of list) needed.add(d.crd!.key);
      if (!needed.size) return;
      const gate = await this.crdGates([...needed], crdActions, plan);
      await applyLevels(dependent, undefined, gate);
    })();
    await Promise.all([main, second]);
    return touched;
  }

  /**
   * A pass with something to apply, and hooks or more than one sync wave, runs
   * as an Argo CD sync operation (hooks.ts): PreSync hooks, the waves (each
   * waiting for the health of the one before), PostSync hooks; SyncFail hooks
   * when it fails. Any other pass, and a dry run, applies as applyAll does.
   */
  private async applyInWaves(counts: SyncCounts, force: boolean, plan?: SyncPlan): Promise<{ touched: Set<string>; failed: boolean }> {
    const normal = [...this.desired.values()];
    const hooks = [...this.hooks.values()].filter((h) => h.hook!.phases.length);
    const waves = new Set(normal.map((d) => d.wave));
    const signature = JSON.stringify([...normal, ...hooks].map((d) => d.hash).sort());
    const stale = normal.some((d) => this.applied.get(d.key)?.hash !== d.hash || this.applyErrors.has(d.key));
    if (plan || (!hooks.length && waves.size < 2) || (!force && !stale && signature === this.lastOperationSignature)) {
      return { touched: await this.applyAll(counts, force, plan), failed: false };
    }
    this.lastOperationSignature = signature;
    this.operationError = undefined;
    this.hookRunner.begin();
    const touched = new Set<string>();
    const result = await runOperation(normal, hooks, {
      hooks: this.hookRunner,
      apply: async (items) => {
        for (const k of await this.applyAll(counts, force, plan, new Set(items.map((d) => d.key)))) touched.add(k);
      },
      applyFailed: (key) => this.applyErrors.has(key),
      waitHealthy: async (items, wave) => {
        const r = await waitAll(targetsOf(items), {
          client: this.client,
          clock: this.clock,
          timeoutMs: this.waveTimeoutMs,
          judge: healthVerdict,
          onPending: (t, m) => this.setWaiting(`sync wave ${wave}: waiting for ${describeObject(t)} to be healthy (${m})`),
          register: (end) => this.registerWaiter(end),
        });
        return r.ok ? undefined : r;
      },
    });
    if (result.phase === 'Failed') {
      counts.failed++;
      const syncFail = await runSyncFail(hooks, this.hookRunner);
      this.operationError = {
        file: result.file,
        ...(result.doc !== undefined ? { doc: result.doc } : {}),
        ...(result.line !== undefined ? { line: result.line } : {}),
        object: result.object,
        message: `sync failed: ${result.message}${syncFail ? `; ${syncFail}` : ''}`,
      };
    }
    this.setWaiting(undefined);
    return { touched, failed: result.phase === 'Failed' };
  }

  private setWaiting(message: string | undefined): void {
    if (this.waiting === message) return;
    this.waiting = message;
    this.notifySoon();
  }

  /** A wait that stop() must end at once. */
  private registerWaiter(end: () => void): () => void {
    this.waiters.add(end);
    return () => this.waiters.delete(end);
  }

  /** A custom resource whose CRD is not ready: planned (dry-run) or failed with the CRD's reason. */
  private heldBack(d: Desired, g: CrdGate, plan: SyncPlan | undefined): SyncAction {
    if (g.state === 'planned' && plan) {
      plan.create.push({ kind: d.kind, namespace: d.namespace, name: d.name, file: d.file });
      this.lastAction.set(d.key, 'created');
      return 'created';
    }
    const message = g.state === 'failed' ? g.message : `CustomResourceDefinition "${d.crd!.name}" is not Established`;
    this.applyErrors.set(d.key, [{ file: d.file, doc: d.loaded.doc, line: d.loaded.line, object: `${d.kind}/${d.name}`, message: `${describeObject(d)} not applied: ${message}` }]);
    this.lastAction.set(d.key, 'failed');
    return 'failed';
  }

  /**
   * For each CRD of the folder that was applied in this pass or that custom
   * resources wait for: ready (Established and served), planned (dry-run) or
   * failed with the reason. A CRD that never establishes fails after
   * establishTimeoutMs with its NamesAccepted/Established conditions; the CRD
   * itself then shows the failure too.
   */
  private async crdGates(keys: string[], actions: Map<string, SyncAction>, plan: SyncPlan | undefined): Promise<Map<string, CrdGate>> {
    const out = new Map<string, CrdGate>();
    const waits: { key: string; d: Desired; info: FolderCrd; appliedNow: boolean }[] = [];
    for (const key of keys) {
      const d = this.desired.get(key);
      const info = d ? folderCrdOf(d.obj, key, d.file) : undefined;
      if (!d || !info) {
        out.set(key, { state: 'failed', message: `its CustomResourceDefinition "${key.split('/').pop()}" is not in the folder` });
        continue;
      }
      const errs = this.applyErrors.get(key);
      if (errs?.length && actions.get(key) === 'failed') {
        out.set(key, { state: 'failed', message: `its CustomResourceDefinition "${info.name}" (${d.file}) failed to apply: ${errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}` });
        continue;
      }
      const action = actions.get(key);
      const appliedNow = action === 'created' || action === 'configured';
      if (!appliedNow && this.servesCrd(info)) {
        out.set(key, { state: 'ready' });
        continue;
      }
      if (plan) {
        out.set(key, this.servesCrd(info) ? { state: 'ready' } : { state: 'planned' });
        continue;
      }
      waits.push({ key, d, info, appliedNow });
    }
    await Promise.all(
      waits.map(async (w) => {
        const message = await this.waitEstablished(w.info, w.appliedNow);
        if (message === undefined) {
          out.set(w.key, { state: 'ready' });
          return;
        }
        out.set(w.key, { state: 'failed', message: `its ${message}` });
        // The CRD applied, but is of no use: it shows as Failed with the reason (and is re-checked next pass).
        this.applyErrors.set(w.key, [{ file: w.d.file, doc: w.d.loaded.doc, line: w.d.loaded.line, object: `${w.d.kind}/${w.d.name}`, message }]);
        this.lastAction.set(w.key, 'failed');
      }),
    );
    return out;
  }

  /** True when the cluster serves the CRD's kind in its group, in every version the CRD serves. */
  private servesCrd(c: FolderCrd): boolean {
    const served = this.client.resources().find((k) => k.kind === c.info.kind && k.group === c.info.group);
    if (!served) return false;
    const versions = servedVersions(served);
    return servedVersions(c.info).every((v) => versions.includes(v));
  }

  /**
   * Watches a CRD until it is Established and its kind is served (undefined),
   * or returns why not: its names were refused (after NAMES_GRACE_MS when it was
   * just applied, so a stale condition is not believed), or the timeout.
   */
  private waitEstablished(c: FolderCrd, appliedNow: boolean): Promise<string | undefined> {
    const what = `CustomResourceDefinition "${c.name}"`;
    return new Promise((resolveWait) => {
      let live: KubeObject | undefined;
      let seen = false;
      let graceOver = !appliedNow;
      let done = false;
      const timers: Timer[] = [];
      const subs: Subscription[] = [];
      const finish = (message: string | undefined) => {
        if (done) return;
        done = true;
        this.waiters.delete(check);
        for (const t of timers) t.cancel();
        for (const x of subs) x.stop();
        resolveWait(message);
      };
      const check = () => {
        if (done) return;
        if (this.stopped) return finish(`${what}: the folder sync stopped while waiting for it to be Established`);
        const names = crdCondition(live, 'NamesAccepted');
        const est = crdCondition(live, 'Established');
        if (est?.status === 'True' && this.servesCrd(c)) return finish(undefined);
        if (names?.status === 'False' && graceOver) {
          return finish(`${what} is not Established: NamesAccepted is False${names.reason ? ` (${names.reason})` : ''}${names.message ? `: ${names.message}` : ''}`);
        }
      };
      const sub = this.client.watch(
        CRD_KIND,
        {},
        (ev) => {
          if (ev.type === 'BOOKMARK' || ev.object.metadata.name !== c.name) return;
          live = ev.type === 'DELETED' ? undefined : ev.object;
          seen = true;
          check();
        },
        (err) => this.onError(new Error(`watching ${what} until it is Established: ${err.message}`, { cause: err })),
      );
      subs.push(sub, this.client.onResourcesChanged(check));
      if (done) for (const x of subs) x.stop(); // finished while subscribing
      else this.waiters.add(check);
      if (!graceOver) {
        timers.push(
          this.ioClock.setTimeout(() => {
            graceOver = true;
            check();
          }, Math.min(NAMES_GRACE_MS, this.establishTimeoutMs)),
        );
      }
      timers.push(
        this.ioClock.setTimeout(() => {
          const secs = `${Math.round(this.establishTimeoutMs / 100) / 10}s`;
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
        }, this.establishTimeoutMs),
      );
      check();
    });
  }

  private async applyOne(d: Desired, plan: SyncPlan | undefined, plannedNamespaces: Set<string>): Promise<SyncAction> {
    // Flux's kustomize.toolkit.fluxcd.io/reconcile: disabled on the live object: never applied again.
    if (!plan) {
      const live = this.live.get(d.key) ?? (await this.client.get(d.kind, d.namespace, d.name).catch(() => undefined));
      if (live && reconcileDisabled(d.obj.metadata.annotations, live.metadata.annotations)) {
        this.applyErrors.delete(d.key);
        this.applied.set(d.key, { hash: d.hash, uid: live.metadata.uid ?? '' });
        this.lastAction.set(d.key, 'skipped');
        return 'unchanged';
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.client.apply(d.obj, { fieldManager: FIELD_MANAGER, dryRun: this.dryRun });
        this.applyErrors.delete(d.key);
        this.lastAction.set(d.key, res.action);
        if (plan) {
          const change: PlannedChange = { kind: d.kind, namespace: d.namespace, name: d.name, file: d.file };
          if (res.action === 'created') plan.create.push(change);
          else if (res.action === 'configured') plan.change.push(change);
          if (res.action === 'created' && d.kind === 'Namespace') plannedNamespaces.add(d.name);
          return res.action;
        }
        const uid = res.object.metadata.uid ?? '';
        this.applied.set(d.key, { hash: d.hash, uid });
        this.baseline.set(d.key, baselineOf(d.obj, res.object));
        this.live.set(d.key, res.object);
        this.inventory.set(d.key, { kind: d.kind, namespace: d.namespace, name: d.name, uid, file: d.file });
        return res.action;
      } catch (e) {
        if (attempt < 3 && isStatusError(e, 'Conflict')) continue;
        // In a dry run, objects in a namespace the same sync would create cannot be checked against it.
        if (plan && isStatusError(e, 'NotFound') && plannedNamespaces.has(d.namespace)) {
          plan.create.push({ kind: d.kind, namespace: d.namespace, name: d.name, file: d.file });
          this.lastAction.set(d.key, 'created');
          return 'created';
        }
        this.applyErrors.set(d.key, applyErrorToManifestErrors(e, d));
        this.lastAction.set(d.key, 'failed');
        return 'failed';
      }
    }
  }

  // ---- prune -----------------------------------------------------------------

  /** Files whose objects must not be pruned: broken, or possibly half-written. */
  private protectedFiles(): Set<string> {
    const out = new Set<string>();
    for (const s of this.sources.values()) if (s.load.errors.length || s.kindErrors.length || s.pendingFailText !== undefined) out.add(s.ref.name);
    return out;
  }

  private async pruneAll(counts: SyncCounts, plan?: SyncPlan): Promise<void> {
    const protectedFiles = this.protectedFiles();
    const candidates = [...this.inventory.values()]
      .filter((e) => !this.desired.has(entryKey(e)) && !protectedFiles.has(e.file) && !this.conflicted.has(entryKey(e)))
      // Reverse apply order: custom resources (50) before their CRD (-1), workloads before Namespaces.
      .sort((a, b) => this.catalog.orderOf(b.kind) - this.catalog.orderOf(a.kind) || entryKey(a).localeCompare(entryKey(b)));
    const served = candidates.length ? this.client.resources() : [];
    const pruned: ObjectSyncStatus[] = [];
    const retained: ObjectSyncStatus[] = [];
    const row = (e: InventoryEntry, state: ObjectSyncStatus['state'], message?: string, action?: SyncAction): ObjectSyncStatus => ({
      kind: e.kind,
      namespace: e.namespace,
      name: e.name,
      file: e.file,
      state,
      health: healthOf(this.live.get(entryKey(e))),
      ...(action ? { lastAction: action } : {}),
      ...(message ? { message } : {}),
    });
    for (const e of candidates) {
      const key = entryKey(e);
      if (!this.prune) {
        retained.push(row(e, 'OutOfSync', 'no longer in the folder; not pruned because pruning is off'));
        continue;
      }
      let decision;
      try {
        decision = await decidePrune(this.client, e, this.syncName, served);
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
        await this.client.delete(e.kind, e.namespace, e.name, { propagationPolicy: 'Background' });
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
    this.applied.delete(key);
    this.baseline.delete(key);
    this.live.delete(key);
    this.lastAction.delete(key);
    this.clearDrift(key);
  }

  // ---- drift and health ------------------------------------------------------

  private ensureWatches(): void {
    if (this.stopped) return;
    const served = new Set(this.client.resources().map((k) => k.kind));
    const kinds = new Set([...this.desired.values()].map((d) => d.kind));
    for (const kind of kinds) {
      // A custom kind not served yet is watched once its CRD is established (onResourcesChanged).
      if (this.watches.has(kind) || !served.has(kind)) continue;
      const sub = this.client.watch(
        kind,
        { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` },
        (ev) => this.onLiveEvent(ev),
        (err) => this.onError(new Error(`watching ${kind} for drift: ${err.message}`, { cause: err })),
      );
      this.watches.set(kind, sub);
    }
  }

  /** The cluster's kinds changed: stop watching kinds gone, and re-resolve every file in a pass. */
  private onResourcesChanged(): void {
    if (this.stopped) return;
    const served = new Set(this.client.resources().map((k) => k.kind));
    for (const [kind, sub] of [...this.watches]) {
      if (served.has(kind)) continue;
      sub.stop();
      this.watches.delete(kind);
    }
    // Only when some manifest now resolves differently (a kind appeared, went away or changed scope).
    if (this.buildCatalog().signature(this.kindUses()) === this.catalogSignature) return;
    this.pendingResolve = true;
    void this.schedule();
  }

  private onLiveEvent(ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    const o = ev.object;
    const key = objectKey(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '');
    if (!this.desired.has(key) && !this.inventory.has(key)) return;
    if (ev.type === 'DELETED') this.live.delete(key);
    else this.live.set(key, o);
    this.checkDrift(key);
    this.notifySoon();
  }

  private checkDrift(key: string): void {
    const d = this.desired.get(key);
    const a = this.applied.get(key);
    // Only what this process applied can drift from it; a pending apply fixes the rest.
    if (!d || !a || a.hash !== d.hash || this.dryRun) return this.clearDrift(key);
    if (reconcileDisabled(d.obj.metadata.annotations, this.live.get(key)?.metadata.annotations)) return this.clearDrift(key);
    const live = this.live.get(key);
    const found =
      !live || live.metadata.deletionTimestamp
        ? [{ path: '(object)', want: 'present', got: live ? 'being deleted' : 'deleted' }]
        : findDrift(this.baseline.get(key) ?? d.obj, live, { ignore: [...(this.hpaKeys.has(key) ? ['spec.replicas'] : []), ...driftPaths(d.obj, this.ignoredFor(d.obj))] });
    if (!found.length) return this.clearDrift(key);
    this.drift.set(key, found);
    const optedOut = d.obj.metadata.annotations?.[SELF_HEAL_ANNOTATION] === 'false';
    if (this.selfHeal && !optedOut && this.suspendedSince === undefined && !this.healTimers.has(key) && !this.stopped) {
      this.healTimers.set(
        key,
        this.clock.setTimeout(() => void this.heal(key), this.healDelayMs),
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
    if (this.stopped || this.suspendedSince !== undefined) return;
    if (this.running) await this.idle(); // a sync pass may be re-applying it anyway
    this.checkDrift(key);
    this.healTimers.get(key)?.cancel(); // checkDrift may have re-armed; we act now
    this.healTimers.delete(key);
    const d = this.desired.get(key);
    if (!d || !this.drift.has(key)) return this.notify();
    // Ignored fields keep their live values: self-heal never resets them.
    const ignored = this.ignoredFor(d.obj);
    const live = this.live.get(key);
    await this.applyOne(ignored.length && live ? { ...d, obj: withFieldsFrom(d.obj, live, ignored) } : d, undefined, new Set());
    this.checkDrift(key);
    this.notify();
  }

  // ---- status ----------------------------------------------------------------

  status(): SyncStatus {
    const byFile = new Map<string, FileSyncStatus>();
    const fileEntry = (file: string): FileSyncStatus => {
      let f = byFile.get(file);
      if (!f) {
        f = { file, state: 'Synced', objects: [], errors: [], warnings: [] };
        byFile.set(file, f);
      }
      return f;
    };
    const planned = new Map<string, string>();
    for (const c of this.plan?.create ?? []) planned.set(objectKey(c.kind, c.namespace, c.name), 'would be created');
    for (const c of this.plan?.change ?? []) planned.set(objectKey(c.kind, c.namespace, c.name), 'would be changed');

    for (const s of [...this.sources.values()].sort((a, b) => a.ref.name.localeCompare(b.ref.name))) {
      const f = fileEntry(s.ref.name);
      f.errors.push(...s.load.errors, ...s.kindErrors, ...(this.duplicates.get(s.ref.name) ?? []));
      f.warnings.push(...(s.load.warnings ?? []));
    }
    for (const d of this.desired.values()) {
      const f = fileEntry(d.file);
      const errs = this.applyErrors.get(d.key);
      if (errs) f.errors.push(...errs);
      const drift = this.drift.get(d.key);
      let state: ObjectSyncStatus['state'] = 'Synced';
      let message: string | undefined;
      if (errs) {
        state = 'Failed';
        message = errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
      } else if (planned.has(d.key)) {
        state = 'OutOfSync';
        message = planned.get(d.key);
      } else if (drift) {
        state = 'OutOfSync';
        message = describeDrift(drift);
      } else if (!this.dryRun && this.applied.get(d.key)?.hash !== d.hash) {
        state = 'OutOfSync';
        message = this.suspendedSince !== undefined ? 'changed in the folder; not applied while the sync is suspended' : 'not applied yet';
      }
      f.objects.push({
        kind: d.kind,
        namespace: d.namespace,
        name: d.name,
        file: d.file,
        state,
        health: healthOf(this.live.get(d.key)),
        ...(this.lastAction.has(d.key) ? { lastAction: this.lastAction.get(d.key) } : {}),
        ...(message ? { message } : {}),
      });
    }
    for (const o of [...this.lastPruned, ...this.retained]) fileEntry(o.file).objects.push(o);
    for (const r of this.hookRunner.runs) {
      const message = `${r.phase} hook${r.message ? `: ${r.message}` : ''}`;
      fileEntry(r.hook.file).objects.push({ kind: r.hook.kind, namespace: r.hook.namespace, name: r.name, file: r.hook.file, state: r.state === 'Failed' ? 'Failed' : 'Synced', health: hookHealth(r), lastAction: 'created', message });
    }
    if (this.operationError) fileEntry(this.operationError.file).errors.push(this.operationError);
    for (const e of this.configErrors) fileEntry(e.file).errors.push(e);

    const files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
    for (const f of files) {
      f.objects.sort((a, b) => objectKey(a.kind, a.namespace, a.name).localeCompare(objectKey(b.kind, b.namespace, b.name)));
      const present = this.sources.has(f.file);
      if (f.errors.length || f.objects.some((o) => o.state === 'Failed')) f.state = 'Failed';
      else if (f.objects.some((o) => o.state === 'OutOfSync')) f.state = 'OutOfSync';
      else if (!present && f.objects.length && f.objects.every((o) => o.state === 'Pruned')) f.state = 'Pruned';
      else f.state = 'Synced';
    }
    const errors = files.flatMap((f) => f.errors);
    const phase: SyncStatus['phase'] = this.stopped
      ? 'Stopped'
      : this.syncs === 0 && this.suspendedSince === undefined
        ? 'Starting'
        : files.some((f) => f.state === 'Failed')
          ? 'Failed'
          : files.some((f) => f.state === 'OutOfSync')
            ? 'OutOfSync'
            : 'Synced';
    return {
      syncName: this.syncName,
      folder: this.folder,
      phase,
      syncing: !!this.running,
      ...(this.waiting ? { waiting: this.waiting } : {}),
      ...(this.lastSyncTime !== undefined ? { lastSyncTime: new Date(this.lastSyncTime).toISOString() } : {}),
      ...(this.lastSyncMs !== undefined ? { lastSyncMs: Math.round(this.lastSyncMs * 10) / 10 } : {}),
      ...(this.revision ? { revision: this.revision } : {}),
      counts: { ...this.counts },
      syncs: this.syncs,
      files,
      errors,
      warnings: files.flatMap((f) => f.warnings),
      prune: this.prune,
      dryRun: this.dryRun,
      selfHeal: this.selfHeal,
      ...(this.suspendedSince !== undefined ? { suspended: { since: new Date(this.suspendedSince).toISOString() } } : {}),
      ...(this.plan ? { plan: this.plan } : {}),
      ...(this.operationError ? { operation: { phase: 'Failed' as const, message: this.operationError.message } } : {}),
    };
  }

  /** Load errors grouped per document: each failed document counts once. */
  private loadFailures(): number {
    let n = 0;
    for (const s of this.sources.values()) {
      n += new Set([...s.load.errors, ...s.kindErrors].map((e) => `${e.doc ?? 0}/${e.object ?? ''}`)).size;
      n += this.duplicates.get(s.ref.name)?.length ?? 0;
    }
    return n;
  }

  /** Watch events come in floods (controllers writing status): tell listeners at most every LIVE_NOTIFY_MS. */
  private notifySoon(): void {
    if (this.notifyTimer || this.stopped) return;
    this.notifyTimer = this.ioClock.setTimeout(() => {
      this.notifyTimer = undefined;
      this.notify();
    }, LIVE_NOTIFY_MS);
  }

  private notify(): void {
    this.notifyTimer?.cancel();
    this.notifyTimer = undefined;
    for (const cb of [...this.listeners]) {
      try {
        cb();
      } catch {
        // a listener's failure must not stop the sync
      }
    }
  }

  /** One SyncFailed Warning Event per new error; an error that persists is not repeated. */
  private emitEvents(): void {
    const current = new Map<string, ManifestError>();
    for (const s of this.sources.values()) for (const e of [...s.load.errors, ...s.kindErrors, ...(this.duplicates.get(s.ref.name) ?? [])]) current.set(formatManifestError(e), e);
    for (const errs of this.applyErrors.values()) for (const e of errs) current.set(formatManifestError(e), e);
    if (this.operationError) current.set(formatManifestError(this.operationError), this.operationError);
    if (this.recordEvents) {
      for (const [text, err] of current) {
        if (this.emitted.has(text)) continue;
        const involved = this.involvedFor(err);
        void this.client.create(syncFailedEvent(err, involved, this.clock.now(), this.eventSeq++)).catch(() => {});
      }
    }
    this.emitted = new Set(current.keys());
  }

  private involvedFor(err: ManifestError): KubeObject {
    if (err.object) {
      for (const d of this.desired.values()) {
        if (d.file === err.file && `${d.kind}/${d.name}` === err.object) {
          const live = this.live.get(d.key);
          if (live) return live;
          if (d.namespace) return { apiVersion: d.obj.apiVersion, kind: d.kind, metadata: { name: d.name, namespace: d.namespace } };
        }
      }
    }
    return this.inventoryStore.ref();
  }
}

/** A CRD's condition, read from the object (the engine's controllers are not ours to import). */
function crdCondition(crd: KubeObject | undefined, type: string): Condition | undefined {
  const c = (crd?.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Condition[]).find((x) => x?.type === type) : undefined;
}

/** Runs fn over items with at most `limit` in flight, keeping order of results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
