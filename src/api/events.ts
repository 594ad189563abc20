// Records Events as Kubernetes' EventRecorder does: each names its involved
// object, a CamelCase reason, a human message and a type; a repeat of the same
// (object, reason, message, type, source) within the fold window updates the
// existing Event's count and lastTimestamp instead of creating a new one.
import type { Api } from './api.js';
import { isStatusError, notFound } from './errors.js';
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
  /**
   * Similar events (same object, type and reason) seen lately, for client-go's
   * EventAggregator. Most keys only ever see one message (a pod's Started), so
   * `messages` stays that string until a second distinct one comes: a Set per
   * pod and reason cost megabytes at 10,000 pods.
   */
  private readonly similar = new Map<string, { messages: string | Set<string>; last: number }>();

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
      rec = { messages: message, last: now };
      this.similar.delete(aggregateKey);
      this.similar.set(aggregateKey, rec);
      if (this.similar.size > RECORDER_CACHE_SIZE) this.similar.delete(this.similar.keys().next().value as string);
      return { message, combined: false };
    }
    rec.last = now;
    const msgs = rec.messages;
    if (typeof msgs === 'string') {
      if (msgs !== message) rec.messages = new Set([msgs, message]);
      return { message, combined: false };
    }
    if (msgs.has(message) || msgs.size < AGGREGATE_MAX_MESSAGES) {
      msgs.add(message);
      return { message, combined: false };
    }
    return { message: `(combined from similar events): ${message}`, combined: true };
  }

  /**
   * A repeat: the existing Event's count and lastTimestamp move on (and a
   * combined Event's message). Written to the store directly, as the scheduler
   * writes a binding: only those fields of an Event the API already admitted
   * change, so the Api's defaulting, validation and admission (none applies to
   * an Event update) would only cost three more copies of it — for a
   * ReplicaSet's SuccessfulCreate, once per pod.
   */
  private async bump(ns: string, name: string, nowIso: string, message: string | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const cur = this.api.get('Event', ns, name);
      if (!cur) throw notFound('Event', name);
      const next: KubeObject = { ...cur, count: ((cur.count as number) ?? 1) + 1, lastTimestamp: nowIso };
      if (message !== undefined) next.message = message;
      try {
        await this.api.store.update(next);
        return;
      } catch (e) {
        if (attempt < 5 && isStatusError(e, 'Conflict')) continue;
        throw e;
      }
    }
  }

  private async record(obj: KubeObject, type: EventType, reason: string, rawMessage: string): Promise<void> {
    const ns = obj.metadata.namespace || 'default';
    const now = this.api.nowMs();
    const nowIso = new Date(now).toISOString();
    // The caches are this recorder's own (one component and host), so keys leave those out; an object with a
    // uid is named by it alone (kind, namespace and name add nothing but bytes, thousands of times over).
    const who = obj.metadata.uid ? obj.metadata.uid : `${obj.kind}\u0000${ns}\u0000${obj.metadata.name}`;
    const aggregateKey = `${who}\u0000${type}\u0000${reason}`;
    const { message, combined } = this.aggregate(aggregateKey, rawMessage, now);
    // A combined Event is one per object, type and reason: its message follows the latest event folded into it.
    const foldKey = combined ? aggregateKey : `${aggregateKey}\u0001${message}`;
    const existing = this.folded.get(foldKey);
    if (existing && this.api.get('Event', ns, existing)) {
      try {
        await this.bump(ns, existing, nowIso, combined ? message : undefined);
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
