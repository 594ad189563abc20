// The one-line flash message under the table: action results and errors.
import { Text } from 'ink';

export interface FlashState {
  text: string;
  level: 'info' | 'warn' | 'error';
}

export function Flash({ flash }: { flash?: FlashState }) {
  if (!flash) return <Text> </Text>;
  const color = flash.level === 'error' ? 'red' : flash.level === 'warn' ? 'yellow' : 'green';
  return (
    <Text color={color} wrap="truncate">
      {flash.text}
    </Text>
  );
}
