// The k9s command line (`:pods kube-system`) and filter line (`/web`), with
// the tab-completion suggestion shown dimmed after the cursor.
import { Text } from 'ink';

export function Prompt({ prefix, text, suggestion }: { prefix: ':' | '/'; text: string; suggestion?: string }) {
  const rest = suggestion && suggestion.startsWith(text) ? suggestion.slice(text.length) : '';
  return (
    <Text>
      <Text color="yellow" bold>{prefix}</Text>
      <Text>{text}</Text>
      <Text inverse> </Text>
      <Text dimColor>{rest}</Text>
    </Text>
  );
}
