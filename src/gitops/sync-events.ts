// SyncFailed Warning Events: one per new error, on the object it concerns when
// that is known (else on the inventory ConfigMap); an error that persists from
// one pass to the next is not repeated.
import type { KubeObject } from '../api/meta.js';
import type { Desired } from './desired.js';
import { syncFailedEvent } from './errors.js';
import { formatManifestError, type ManifestError } from './loader.js';
import type { SyncContext } from './sync-config.js';

export interface SyncEventsConfig {
  recordEvents: boolean;
  desired(): ReadonlyMap<string, Desired>;
  liveOf(key: string): KubeObject | undefined;
  /** The inventory ConfigMap: where errors no object owns are recorded. */
  inventoryRef(): KubeObject;
}

export class SyncEvents {
  private emitted = new Set<string>();
  private seq = 0;

  constructor(
    private readonly ctx: SyncContext,
    private readonly cfg: SyncEventsConfig,
  ) {}

  /** Records an Event for each of `errors` not already recorded; forgets errors that are gone. */
  emit(errors: Iterable<ManifestError>): void {
    const current = new Map<string, ManifestError>();
    for (const e of errors) current.set(formatManifestError(e), e);
    if (this.cfg.recordEvents) {
      for (const [text, err] of current) {
        if (this.emitted.has(text)) continue;
        const involved = this.involvedFor(err);
        // The failure itself is in the sync status; an Event that cannot be written (namespace gone, API down) must not fail the pass.
        void this.ctx.client.create(syncFailedEvent(err, involved, this.ctx.clock.now(), this.seq++)).catch(() => {});
      }
    }
    this.emitted = new Set(current.keys());
  }

  private involvedFor(err: ManifestError): KubeObject {
    if (err.object) {
      for (const d of this.cfg.desired().values()) {
        if (d.file === err.file && `${d.kind}/${d.name}` === err.object) {
          const live = this.cfg.liveOf(d.key);
          if (live) return live;
          if (d.namespace) return { apiVersion: d.obj.apiVersion, kind: d.kind, metadata: { name: d.name, namespace: d.namespace } };
        }
      }
    }
    return this.cfg.inventoryRef();
  }
}
