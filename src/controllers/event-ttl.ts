// Event TTL: Kubernetes keeps Events for one hour (kube-apiserver --event-ttl)
// and drops them afterwards, so an engine left running for days does not grow
// its state file without bound. Each Event is reconciled once when seen and
// again when its time is up (requeueAfterMs on the injected clock), so there is
// no periodic scan of every Event.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { splitNsName, type KubeObject } from '../api/meta.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';
import { selfKey } from './informer.js';

export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;

export interface EventTTLOptions {
  api: Api;
  clock: Clock;
  ttlMs?: number;
}

/** When the Event was last seen: lastTimestamp, else eventTime/firstTimestamp/creation. */
export function lastSeen(ev: KubeObject): number {
  const t = (ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp) as string | undefined;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}

export function newEventTTLController(opts: EventTTLOptions): Controller {
  const { api, clock } = opts;
  const ttl = opts.ttlMs ?? DEFAULT_EVENT_TTL_MS;
  return new Controller({
    name: 'event-ttl',
    api,
    clock,
    watches: [{ kind: 'Event', toKeys: selfKey }],
    async reconcile(key) {
      const { namespace, name } = splitNsName(key);
      const ev = api.get('Event', namespace, name);
      if (!ev) return;
      const due = lastSeen(ev) + ttl - clock.now();
      if (due > 0) return { requeueAfterMs: due };
      try {
        await api.delete('Event', namespace, name);
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    },
  });
}
