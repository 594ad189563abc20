// Modal dialogs: a yes/no confirmation, a one-field input (scale replicas)
// and a small form (port-forward: container port, local port, address; tab
// moves between fields). Any may carry a warning (e.g. the folder sync will
// revert the change).
import { Box, Text } from 'ink';

export type DialogState =
  | { type: 'confirm'; title: string; lines: string[]; warning?: string; onYes: () => void }
  | { type: 'input'; title: string; label: string; text: string; warning?: string; onSubmit: (text: string) => void }
  | {
      type: 'form';
      title: string;
      /** Lines above the fields (e.g. the ports a pod exposes). */
      lines: string[];
      fields: { label: string; text: string }[];
      /** The field being edited. */
      focus: number;
      warning?: string;
      /** Lets one field follow another as it is edited (k9s: the local port follows the container port). */
      derive?: (texts: string[], changed: number) => string[];
      onSubmit: (texts: string[]) => void;
    };

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
  const body =
    dialog.type === 'confirm' ? dialog.lines.reduce((n, l) => n + rows(l), 0) : dialog.type === 'form' ? dialog.lines.reduce((n, l) => n + rows(l), 0) + dialog.fields.length : 1;
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
      ) : dialog.type === 'form' ? (
        <>
          {dialog.lines.map((l, i) => (
            <Text key={`l${i}`}>{l}</Text>
          ))}
          {dialog.fields.map((f, i) => (
            <Text key={`f${i}`}>
              {`${f.label.padEnd(Math.max(...dialog.fields.map((g) => g.label.length)))} `}
              <Text color="cyan">{f.text}</Text>
              {i === dialog.focus ? <Text inverse> </Text> : null}
            </Text>
          ))}
          {dialog.warning ? <Text color="yellow">{dialog.warning}</Text> : null}
          <Text dimColor>{'<tab> Next field   <enter> OK   <esc> Cancel'}</Text>
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
