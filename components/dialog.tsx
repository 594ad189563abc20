// Modal dialogs: a yes/no confirmation and a one-field input (scale replicas).
import { Box, Text } from 'ink';

export type DialogState =
  | { type: 'confirm'; title: string; lines: string[]; onYes: () => void }
  | { type: 'input'; title: string; label: string; text: string; onSubmit: (text: string) => void };

export function Dialog({ dialog, width }: { dialog: DialogState; width: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} width={Math.min(width, 80)}>
      <Text bold color="yellow">
        {dialog.title}
      </Text>
      {dialog.type === 'confirm' ? (
        <>
          {dialog.lines.map((l, i) => (
            <Text key={i}>{l}</Text>
          ))}
          <Text dimColor>{'<y/enter> OK   <n/esc> Cancel'}</Text>
        </>
      ) : (
        <>
          <Text>
            {`${dialog.label} `}
            <Text color="cyan">{dialog.text}</Text>
            <Text inverse> </Text>
          </Text>
          <Text dimColor>{'<enter> OK   <esc> Cancel'}</Text>
        </>
      )}
    </Box>
  );
}
