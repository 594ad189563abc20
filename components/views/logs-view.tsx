// The logs pane: follows the tail by default (autoscroll), optional wrap and
// timestamps, a `/` filter, and a source prefix when several containers or
// pods stream together.
import { Box, Text } from 'ink';
import type { LogLine } from '../../src/client/types.js';
import { parseFilter } from '../logic/filter.js';

export interface LogOptions {
  autoscroll: boolean;
  wrap: boolean;
  timestamps: boolean;
}

export function logText(l: LogLine, multi: boolean, timestamps: boolean): string {
  return `${timestamps && l.time ? `${l.time} ` : ''}${multi ? `${l.pod} ${l.container} │ ` : ''}${l.text}`;
}

/** The screen lines of the log, wrapped or truncated to width, after the filter. */
export function logScreenLines(lines: readonly LogLine[], opts: LogOptions, multi: boolean, filter: string, width: number): string[] {
  const f = parseFilter(filter);
  const out: string[] = [];
  for (const l of lines) {
    const text = logText(l, multi, opts.timestamps);
    if (f.kind !== 'none' && !f.test(text, undefined)) continue;
    if (!opts.wrap || text.length <= width) out.push(text);
    else for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  }
  return out;
}

export interface LogsViewProps {
  title: string;
  lines: string[];
  offset: number;
  height: number;
  width: number;
  opts: LogOptions;
  status: string;
}

export function LogsView({ title, lines, offset, height, width, opts, status }: LogsViewProps) {
  const visible = lines.slice(offset, offset + height);
  const flag = (on: boolean, name: string) => <Text color={on ? 'green' : 'gray'}>{`${name}:${on ? 'On' : 'Off'} `}</Text>;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color="cyan">{`${title} `}</Text>
        {flag(opts.autoscroll, 'Autoscroll')}
        {flag(opts.timestamps, 'Timestamps')}
        {flag(opts.wrap, 'Wrap')}
        <Text dimColor>{status}</Text>
      </Text>
      {visible.length === 0 ? <Text dimColor> waiting for logs…</Text> : null}
      {visible.map((l, i) => (
        <Text key={offset + i} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}
