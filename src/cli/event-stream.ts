// Headless mode's Event feed: every Event created (or repeated) from now on,
// one line each. Events already in the state file are not printed again.
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient, Subscription } from '../client/types.js';
import { eventLine } from './print.js';

export async function streamEvents(client: ClusterClient, print: (line: string) => void, onError: (e: Error) => void): Promise<Subscription> {
  const { resourceVersion } = await client.list('Event');
  return client.watch(
    'Event',
    { resourceVersion },
    (ev) => {
      if (ev.type === 'ADDED') print(eventLine(ev.object));
      else if (ev.type === 'MODIFIED' && countOf(ev.object) !== countOf(ev.oldObject)) print(eventLine(ev.object));
    },
    onError,
  );
}

const countOf = (o: KubeObject | undefined) => (typeof o?.count === 'number' ? o.count : 1);
