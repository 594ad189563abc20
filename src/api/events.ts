// Records Events as Kubernetes' EventRecorder does: each names its involved
// object, a CamelCase reason, a human message and a type; a repeat of the same
// (object, reason, message, type, source) within the fold window updates the
// existing Event's count and lastTimestamp instead of creating a new one.
import type { Api } from './api.js';
import { isStatusError } from './errors.js';
import type { KubeObject } from './meta.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  api: Api;
  /** The reporting component, e.g. `deployment-controller`, `default-scheduler`, `kubelet`. */
  component: string;
  host?: string;
}

/**
 * Event name suffixes are the time in µs plus this counter, shared by every
 * recorder: two components (say the scheduler and the cluster autoscaler)
 * naming an Event for one object in the same millisecond must not collide —
 * a collision would silently drop the second Event.
 */
let nameSeq = 0;

/** client-go's defaults (tools/record/events_cache.go): 10 distinct messages per 10 minutes, an LRU of 4096 entries. */
export const AGGREGATE_MAX_MESSAGES = 10;
export const AGGREGATE_WINDOW_MS = 600_000;
const RECORDER_CACHE_SIZE = 4096;

export class EventRecorder {
  private readonly api: Api;
  private readonly component: string;
  private readonly host?: string;
  /** fold key -> event name, so repeats find their Event without a scan. */
  private readonly folded = new Map<string, string>();
  /** Similar events (same object, type and reason) seen lately, for client-go's EventAggregator. */
  private readonly similar = new Map<string, { messages: Set<string>; last: number }>();

  constructor(opts: EventRecorderOptions) {
    this.api = opts.api;
    this.component = opts.component;
    this.host = opts.host;
  }

  /** Never throws: an event that cannot be written must not break the caller. */
  async event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    try {
      await this.record(obj, type, reason, message);
    } catch {
      // Events are best-effort, as in Kubernetes (the namespace may be going away).
    }
  }

  /**
   * client-go's EventAggregator: after AGGREGATE_MAX_MESSAGES different
   * messages for one object, type and reason within AGGREGATE_WINDOW_MS of each
   * other, further ones fold into a single Event "(combined from similar
   * events): <latest message>" whose count grows — so a ReplicaSet creating
   * thousands of pods records a dozen Events, not thousands.
   */
  private aggregate(aggregateKey: string, message: string, now: number): { message: string; combined: boolean } {
    let rec = this.similar.get(aggregateKey);
    if (!rec || now - rec.last > AGGREGATE_WINDOW_MS) {
      rec = { messages: new Set(), last: now };
      this.similar.delete(aggregateKey);
      this.similar.set(aggregateKey, rec);
      if (this.similar.size > RECORDER_CACHE_SIZE) this.similar.delete(this.similar.keys().next().value as string);
    }
    rec.last = now;
    if (rec.messages.has(message) || rec.messages.size < AGGREGATE_MAX_MESSAGES) {
      rec.messages.add(message);
      return { message, combined: false };
    }
    return { message: `(combined from similar events): ${message}`, combined: true };
  }

  private async record(obj: KubeObject, type: EventType, reason: string, rawMessage: string): Promise<void> {
    const ns = obj.metadata.namespace || 'default';
    const now = this.api.nowMs();
    const nowIso = new Date(now).toISOString();
    const aggregateKey = [this.component, this.host ?? '', obj.kind, ns, obj.metadata.name, obj.metadata.uid, type, reason].join('\u0000');
    const { message, combined } = this.aggregate(aggregateKey, rawMessage, now);
    // A combined Event is one per object, type and reason: its message follows the latest event folded into it.
    const foldKey = combined ? aggregateKey : [obj.kind, ns, obj.metadata.name, obj.metadata.uid, reason, message, type].join('\u0000');
    const existing = this.folded.get(foldKey);
    if (existing && this.api.get('Event', ns, existing)) {
      try {
        await this.api.modify('Event', ns, existing, (ev) => {
          ev.count = ((ev.count as number) ?? 1) + 1;
          ev.lastTimestamp = nowIso;
          if (combined) ev.message = message;
        });
        return;
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    }
    const name = `${obj.metadata.name}.${(this.api.nowMs() * 1000 + (nameSeq++ % 1000)).toString(16)}`;
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: nowIso,
      lastTimestamp: nowIso,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    this.folded.set(foldKey, name);
    if (this.folded.size > RECORDER_CACHE_SIZE) this.folded.delete(this.folded.keys().next().value as string);
    await this.api.create(ev);
  }
}
