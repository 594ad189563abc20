// events: LAST SEEN TYPE REASON OBJECT MESSAGE, as `kubectl get events` prints them.
import type { KubeObject } from '../../src/api/meta.js';
import type { Event } from '../../src/api/types/index.js';
import { age, ageMs } from '../logic/age.js';
import type { Renderer } from './types.js';

/** The newest time an event was seen: series, lastTimestamp, eventTime, then creation. */
export function eventLastSeen(obj: KubeObject): string | undefined {
  const e = obj as Event;
  return e.series?.lastObservedTime || e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata.creationTimestamp || undefined;
}

export function eventObject(e: Event): string {
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  return `${kind}/${e.involvedObject?.name ?? ''}`;
}

export const eventRenderer: Renderer = {
  kind: 'Event',
  columns: [
    { name: 'LAST SEEN', priority: 0, sortBy: (o, now) => ageMs(eventLastSeen(o), now) },
    { name: 'TYPE', priority: 1, status: true },
    { name: 'REASON', priority: 0 },
    { name: 'OBJECT', priority: 0 },
    { name: 'MESSAGE', priority: 0, flex: true },
  ],
  row(obj, now) {
    const e = obj as Event;
    return [age(eventLastSeen(obj), now), e.type ?? 'Normal', e.reason ?? '', eventObject(e), (e.message ?? '').replace(/\s*\n\s*/g, ' ')];
  },
  color: (obj) => ((obj as Event).type === 'Warning' ? 'error' : 'plain'),
  // Newest first, as the events pane and k9s show them.
  defaultSort: { column: 'LAST SEEN', asc: true },
};
