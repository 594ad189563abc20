// A scrolling text pane for describe, YAML, help and the :sync view.
import { Box, Text } from 'ink';

export interface TextViewProps {
  title: string;
  lines: string[];
  offset: number;
  height: number;
  width: number;
  color?: (line: string) => string | undefined;
}

export function TextView({ title, lines, offset, height, width, color }: TextViewProps) {
  const visible = lines.slice(offset, offset + height);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color="cyan">
        {title}
        {lines.length > height ? <Text dimColor>{` [${offset + 1}-${Math.min(lines.length, offset + height)}/${lines.length}]`}</Text> : null}
      </Text>
      {visible.map((l, i) => (
        <Text key={offset + i} wrap="truncate" color={color?.(l)}>
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}
