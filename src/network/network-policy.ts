// NetworkPolicies are stored and shown, but kubeterm's runtime does not
// enforce them — like a Kubernetes cluster whose network plugin cannot, only
// visibly: one Warning Event per policy says so.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchHandle } from '../api/store-types.js';

export const NOT_ENFORCED_REASON = 'NetworkPolicyNotEnforced';
export const NOT_ENFORCED_MESSAGE = "kubeterm's runtime does not enforce NetworkPolicy; traffic is not restricted";

export class NetworkPolicyNotice {
  private readonly recorder: EventRecorder;
  private watch?: WatchHandle;
  /** uids already told about (this run), so edits do not repeat the Event. */
  private readonly told = new Set<string>();
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { api: Api }) {
    this.recorder = new EventRecorder({ api: opts.api, component: 'kubeterm-network' });
  }

  start(): void {
    if (this.watch) return;
    this.watch = this.opts.api.watch('NetworkPolicy', { resourceVersion: '0' }, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.pending = this.pending.then(() => this.tell(ev.object));
      if (ev.type === 'DELETED') this.told.delete(ev.object.metadata.uid ?? '');
    });
  }

  stop(): Promise<void> {
    this.watch?.stop();
    this.watch = undefined;
    return this.pending;
  }

  /** Resolves once every seen policy has its Event. */
  whenIdle(): Promise<void> {
    return this.pending;
  }

  private async tell(np: KubeObject): Promise<void> {
    const uid = np.metadata.uid ?? '';
    if (this.told.has(uid) || np.metadata.deletionTimestamp) return;
    this.told.add(uid);
    // After a restart the Event may already be there: one per policy, not one per run.
    const exists = this.opts.api
      .list('Event', { namespace: np.metadata.namespace })
      .items.some((e) => e.reason === NOT_ENFORCED_REASON && (e.involvedObject as { uid?: string })?.uid === uid);
    if (!exists) await this.recorder.event(np, 'Warning', NOT_ENFORCED_REASON, NOT_ENFORCED_MESSAGE);
  }
}
