// The prompt mode (normal, `:` command, `/` filter) and the open dialog. The
// key handler reads both through refs that the setters update at once, so
// several keys handled in one go (a paste) see each other's edits.
import { useCallback, useRef, useState, type MutableRefObject } from 'react';
import { NORMAL, type Mode } from '../actions/prompt-keys.js';
import type { DialogState } from '../widgets/dialog.js';

export interface InputMode {
  mode: Mode;
  dialog: DialogState | undefined;
  modeRef: MutableRefObject<Mode>;
  dialogRef: MutableRefObject<DialogState | undefined>;
  setMode(m: Mode): void;
  setDialog(d: DialogState | undefined): void;
}

export function useInputMode(): InputMode {
  const [mode, setModeState] = useState<Mode>(NORMAL);
  const [dialog, setDialogState] = useState<DialogState | undefined>();
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const dialogRef = useRef(dialog);
  dialogRef.current = dialog;
  const setMode = useCallback((m: Mode) => {
    modeRef.current = m;
    setModeState(m);
  }, []);
  const setDialog = useCallback((d: DialogState | undefined) => {
    dialogRef.current = d;
    setDialogState(d);
  }, []);
  return { mode, dialog, modeRef, dialogRef, setMode, setDialog };
}
