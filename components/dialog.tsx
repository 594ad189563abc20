// Modal dialogs: a yes/no confirmation and a one-field input (scale replicas).
// Either may carry a warning (e.g. the folder sync will revert the change).
import { Box, Text } from 'ink';

export type DialogState =
  | { type: 'confirm'; title: string; lines: string[]; warning?: string; onYes: () => void }
  | { type: 'input'; title: string; label: string; text: string; warning?: string; onSubmit: (text: string) => void };

const MAX_WIDTH = 80;

/** Screen lines the dialog takes (border, padding and wrapped text), so the body above can shrink to fit. */
export function dialogHeight(dialog: DialogState, width: number): number {
  const inner = Math.max(1, Math.min(width, MAX_WIDTH) - 4);
  // Greedy word wrap, as Ink wraps: a long word takes whole rows of its own.
  const rows = (text: string) => {
    let n = 1;
    let used = 0;
    for (const word of text.split(' ')) {
      const need = used ? used + 1 + word.length : word.length;
      if (need <= inner) used = need;
      else {
        n += used ? 1 : 0;
        n += Math.max(0, Math.ceil(word.length / inner) - 1);
        used = word.length % inner || inner;
      }
    }
    return n;
  };
  const body = dialog.type === 'confirm' ? dialog.lines.reduce((n, l) => n + rows(l), 0) : 1;
  return 2 + 1 + body + (dialog.warning ? rows(dialog.warning) : 0) + 1;
}

export function Dialog({ dialog, width }: { dialog: DialogState; width: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} width={Math.min(width, MAX_WIDTH)}>
      <Text bold color="yellow">
        {dialog.title}
      </Text>
      {dialog.type === 'confirm' ? (
        <>
          {dialog.lines.map((l, i) => (
            <Text key={i}>{l}</Text>
          ))}
          {dialog.warning ? <Text color="yellow">{dialog.warning}</Text> : null}
          <Text dimColor>{'<y/enter> OK   <n/esc> Cancel'}</Text>
        </>
      ) : (
        <>
          <Text>
            {`${dialog.label} `}
            <Text color="cyan">{dialog.text}</Text>
            <Text inverse> </Text>
          </Text>
          {dialog.warning ? <Text color="yellow">{dialog.warning}</Text> : null}
          <Text dimColor>{'<enter> OK   <esc> Cancel'}</Text>
        </>
      )}
    </Box>
  );
}
