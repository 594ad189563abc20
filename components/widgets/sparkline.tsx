// A one-line CPU/memory history.
import { Text } from 'ink';
import { sparkline } from '../logic/sparkline.js';

export function Sparkline({ values, width = 12, max, color = 'cyan' }: { values: readonly number[]; width?: number; max?: number; color?: string }) {
  return <Text color={color}>{sparkline(values, width, max)}</Text>;
}
