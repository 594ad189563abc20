// The folder sync's configuration (FolderSyncConfig, as callers write it), its
// defaults (resolveConfig), and the context every part of the sync shares.
import { resolve } from 'node:path';
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient } from '../client/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { kubectlKustomize, type KustomizeBuild } from './kustomize.js';
import { syncNameFor } from './labels.js';

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

/** The configuration with every default filled in and checked. */
export type ResolvedConfig = Required<Omit<FolderSyncConfig, 'suspendFile' | 'events'>> & {
  suspendFile?: string;
  /** Record SyncFailed events: `events`, and never in a dry run. */
  recordEvents: boolean;
};

export function resolveConfig(config: FolderSyncConfig): ResolvedConfig {
  if (!config.client) throw new Error('FolderSync: client is required');
  if (!config.folder) throw new Error('FolderSync: folder is required');
  const folder = resolve(config.folder);
  const dryRun = config.dryRun ?? false;
  const debounceMs = config.debounceMs ?? 30;
  const syncName = config.syncName ?? syncNameFor(folder);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(syncName) || syncName.length > 40) {
    throw new Error(`FolderSync: syncName "${syncName}" must be a DNS label of at most 40 characters`);
  }
  return {
    client: config.client,
    folder,
    clock: config.clock ?? realClock,
    ioClock: config.ioClock ?? realClock,
    prune: config.prune ?? true,
    dryRun,
    selfHeal: config.selfHeal ?? true,
    healDelayMs: config.healDelayMs ?? 5000,
    debounceMs,
    stabilityMs: config.stabilityMs ?? Math.max(100, debounceMs * 3),
    syncName,
    namespace: config.namespace ?? 'default',
    watch: config.watch ?? true,
    hpaOwnsReplicas: config.hpaOwnsReplicas ?? true,
    recordEvents: (config.events ?? true) && !dryRun,
    concurrency: Math.max(1, config.concurrency ?? 16),
    kustomize: config.kustomize ?? kubectlKustomize,
    establishTimeoutMs: Math.max(0, config.establishTimeoutMs ?? 30_000),
    waveTimeoutMs: Math.max(0, config.waveTimeoutMs ?? 300_000),
    onError: config.onError ?? (() => {}),
    ...(config.suspendFile ? { suspendFile: config.suspendFile } : {}),
    suspended: config.suspended ?? false,
  };
}

/** What every part of one folder sync shares. */
export interface SyncContext {
  readonly client: ClusterClient;
  readonly folder: string;
  readonly syncName: string;
  readonly clock: Clock;
  readonly ioClock: Clock;
  readonly dryRun: boolean;
  readonly concurrency: number;
  onError(err: Error): void;
  /** stop() was called: nothing new starts. */
  stopped(): boolean;
}

/** Runs fn over items with at most `limit` in flight, keeping order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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
