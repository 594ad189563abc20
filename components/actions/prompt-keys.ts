// Keys while a dialog or the command/filter prompt is open: text editing,
// enter to submit, esc to cancel, tab to complete. Everything else goes
// through the key-binding table (hooks/use-keys.ts).
import type { DialogState } from '../widgets/dialog.js';
import type { ActionContext, Mode, Screen } from './context.js';
import { runCommand } from './general.js';

export type { Mode };

export const NORMAL: Mode = { type: 'normal' };

export function handleDialogKey(d: DialogState, input: string, name: string, setDialog: (d: DialogState | undefined) => void): void {
  if (d.type === 'confirm') {
    if (name === 'y' || name === 'enter') {
      setDialog(undefined);
      d.onYes();
    } else if (name === 'n' || name === 'esc' || name === 'q') setDialog(undefined);
    return;
  }
  if (d.type === 'form') {
    handleFormKey(d, input, name, setDialog);
    return;
  }
  if (name === 'esc') setDialog(undefined);
  else if (name === 'enter') {
    setDialog(undefined);
    d.onSubmit(d.text);
  } else if (name === 'backspace') setDialog({ ...d, text: d.text.slice(0, -1) });
  else if (input && !name.startsWith('ctrl-') && input.length >= 1 && isPrintable(input)) setDialog({ ...d, text: d.text + input });
}

type FormDialog = Extract<DialogState, { type: 'form' }>;

function handleFormKey(d: FormDialog, input: string, name: string, setDialog: (d: DialogState | undefined) => void): void {
  const n = d.fields.length;
  if (name === 'esc') return setDialog(undefined);
  if (name === 'enter') {
    setDialog(undefined);
    d.onSubmit(d.fields.map((f) => f.text));
    return;
  }
  if (name === 'tab' || name === 'down') return setDialog({ ...d, focus: (d.focus + 1) % n });
  if (name === 'shift-tab' || name === 'up') return setDialog({ ...d, focus: (d.focus + n - 1) % n });
  const cur = d.fields[d.focus].text;
  let next: string | undefined;
  if (name === 'backspace') next = cur.slice(0, -1);
  else if (input && !name.startsWith('ctrl-') && isPrintable(input)) next = cur + input;
  if (next === undefined) return;
  let texts = d.fields.map((f, i) => (i === d.focus ? next : f.text));
  if (d.derive) texts = d.derive(texts, d.focus);
  setDialog({ ...d, fields: d.fields.map((f, i) => ({ ...f, text: texts[i] })) });
}

export function handlePromptKey(m: Exclude<Mode, { type: 'normal' }>, input: string, name: string, c: ActionContext, s: Screen, suggestion: string | undefined): void {
  if (name === 'esc') {
    c.setMode(NORMAL);
    if (m.type === 'filter') c.setUi({ filter: '' });
    return;
  }
  if (name === 'ctrl-c') {
    c.quit();
    return;
  }
  if (name === 'enter') {
    c.setMode(NORMAL);
    if (m.type === 'filter') c.setUi({ filter: m.text.trim(), cursor: 0, offset: 0 });
    else runCommand(c, s, m.text);
    return;
  }
  if (name === 'tab') {
    if (m.type === 'command' && suggestion) c.setMode({ type: 'command', text: suggestion });
    return;
  }
  if (name === 'backspace') {
    if (!m.text) c.setMode(NORMAL);
    else c.setMode({ ...m, text: m.text.slice(0, -1) });
    return;
  }
  if (input && !name.startsWith('ctrl-') && isPrintable(input) && name !== 'up' && name !== 'down') c.setMode({ ...m, text: m.text + input });
}

/** Typed text, not a control character (those arrive as named keys). */
function isPrintable(input: string): boolean {
  for (const ch of input) if (ch.charCodeAt(0) < 0x20) return false;
  return true;
}
