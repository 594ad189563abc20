// A live strip of the newest events under the table; warnings in red.
import { Box, Text } from 'ink';
import type { KubeObject } from '../../src/api/meta.js';
import type { Event } from '../../src/api/types/index.js';
import { age, ageMs } from '../logic/age.js';
import { eventLastSeen, eventObject } from '../render/event.js';

export function newestEvents(events: readonly KubeObject[], namespace: string, count: number, now: number): Event[] {
  const mine = (namespace ? events.filter((e) => e.metadata.namespace === namespace) : [...events]) as Event[];
  return mine
    .map((e) => ({ e, t: ageMs(eventLastSeen(e), now) }))
    .sort((a, b) => a.t - b.t)
    .slice(0, count)
    .map((x) => x.e);
}

export function EventsPane({ events, now, width }: { events: Event[]; now: number; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color="cyan">
        Events
      </Text>
      {events.length === 0 ? <Text dimColor> no events</Text> : null}
      {events.map((e) => (
        <Text key={e.metadata.uid ?? `${e.metadata.namespace}/${e.metadata.name}`} wrap="truncate" color={e.type === 'Warning' ? 'red' : undefined}>
          {` ${age(eventLastSeen(e), now).padEnd(6)} ${(e.type ?? 'Normal').padEnd(8)} ${(e.reason ?? '').padEnd(18)} ${eventObject(e).padEnd(28)} ${e.message ?? ''}`}
        </Text>
      ))}
    </Box>
  );
}
