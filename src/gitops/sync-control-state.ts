// Sync control state: whether the sync is suspended (and since when, kept across
// restarts by suspend.ts), and the ignore-differences rules of the folder's
// `.kubeterm.yaml` (ignore-differences.ts) with their configuration errors.
import type { KubeObject } from '../api/meta.js';
import { ignoredPaths, loadSyncConfig, SYNC_CONFIG_FILE, type FieldPath, type IgnoreRule } from './ignore-differences.js';
import type { ManifestError } from './loader.js';
import { SuspendStore } from './suspend.js';
import type { SyncContext } from './sync-config.js';

export class SyncControlState {
  /** Set while suspended: when it was suspended (ms since the epoch). */
  suspendedSince?: number;
  /** Errors in `.kubeterm.yaml`, shown on that file. */
  configErrors: ManifestError[] = [];
  private readonly store?: SuspendStore;
  private ignoreRules: IgnoreRule[] = [];
  private readonly reportedIgnoreErrors = new Set<string>();

  constructor(
    private readonly ctx: SyncContext,
    opts: { suspendFile?: string; suspended: boolean },
  ) {
    if (opts.suspendFile) this.store = new SuspendStore(opts.suspendFile, ctx.syncName);
    if (opts.suspended) this.suspendedSince = ctx.clock.now();
  }

  get suspended(): boolean {
    return this.suspendedSince !== undefined;
  }

  /** Suspension recorded by an earlier run wins over the `suspended` option. */
  async loadSuspension(): Promise<void> {
    if (!this.store) return;
    try {
      const e = await this.store.load();
      if (e) this.suspendedSince = (e.since && Date.parse(e.since)) || this.ctx.clock.now();
    } catch (err) {
      this.ctx.onError(err as Error);
    }
  }

  markSuspended(): void {
    if (this.suspendedSince === undefined) this.suspendedSince = this.ctx.clock.now();
  }

  /** Resumes; returns whether it was suspended. */
  markResumed(): boolean {
    const was = this.suspendedSince !== undefined;
    this.suspendedSince = undefined;
    return was;
  }

  /** Records the current suspension in the suspend file, when there is one. */
  async persist(): Promise<void> {
    if (this.suspendedSince === undefined) await this.store?.save(undefined);
    else await this.store?.save({ suspended: true, since: new Date(this.suspendedSince).toISOString(), folder: this.ctx.folder });
  }

  async loadIgnoreRules(): Promise<void> {
    const cfg = await loadSyncConfig(this.ctx.folder);
    this.ignoreRules = cfg.ignoreDifferences;
    this.configErrors = cfg.errors.map((message) => ({ file: SYNC_CONFIG_FILE, message }));
  }

  /** The fields of this object that something else changes (annotation and .kubeterm.yaml). */
  ignoredFor(obj: KubeObject): FieldPath[] {
    return ignoredPaths(obj, this.ignoreRules, (message) => {
      if (this.reportedIgnoreErrors.has(message)) return;
      this.reportedIgnoreErrors.add(message);
      this.ctx.onError(new Error(message));
    });
  }
}
