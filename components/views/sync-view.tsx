// The :sync view: the sync's summary, its files and objects, with a cursor on
// one object (d diffs it) and a SUSPENDED banner while the sync is suspended.
import { Box, Text } from 'ink';
import type { SyncViewModel } from '../logic/sync-view.js';

export interface SyncViewProps {
  model: SyncViewModel;
  cursor: number;
  offset: number;
  height: number;
  width: number;
}

function lineColor(line: string): string | undefined {
  if (line.startsWith('SUSPENDED')) return 'yellow';
  if (/\s(Failed|ERROR)\b/.test(line) || line.trimStart().startsWith('ERROR')) return 'red';
  if (/\sOutOfSync\b/.test(line)) return 'yellow';
  return undefined;
}

export function SyncView({ model, cursor, offset, height, width }: SyncViewProps) {
  const { lines, rows } = model;
  const selected = rows.length ? rows[Math.max(0, Math.min(cursor, rows.length - 1))].line : -1;
  const off = Math.max(0, Math.min(offset, Math.max(0, lines.length - height)));
  const visible = lines.slice(off, off + height);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color="cyan">
        {`Sync[${rows.length}]`}
        {lines.length > height ? <Text dimColor>{` [${off + 1}-${Math.min(lines.length, off + height)}/${lines.length}]`}</Text> : null}
      </Text>
      {visible.map((l, i) => (
        <Text key={off + i} wrap="truncate" inverse={off + i === selected} bold={l.startsWith('SUSPENDED')} color={lineColor(l)}>
          {(off + i === selected ? l.padEnd(width) : l) || ' '}
        </Text>
      ))}
    </Box>
  );
}
