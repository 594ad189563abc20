// The one key handler: a dialog or the `:`/`/` prompt takes keys first;
// otherwise the key-binding table names the action for the view's scopes and
// it runs with the App's stable context and the screen at that moment.
//
// Several keys can arrive in one stdin read (fast typing, a paste, a laggy
// link). They are split and queued, then handled in order: text keys at once,
// and after a key that may change the view, the rest wait for the next render
// so they act on what that key opened.
import { useInput, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActionContext } from '../actions/context.js';
import { handleDialogKey, handlePromptKey } from '../actions/prompt-keys.js';
import { bindingFor, keyName, type Binding } from '../keys.js';
import { complete } from '../logic/command.js';
import { splitKeys, type OneKey } from '../logic/split-keys.js';
import { scopesFor } from '../scopes.js';
import type { Handover } from './use-terminal-handover.js';
import type { InputMode } from './use-input-mode.js';

export function useKeys(ctx: ActionContext, bindings: readonly Binding[], input: InputMode, words: readonly string[], handover: Handover): void {
  const { modeRef, dialogRef, setDialog } = input;
  /**
   * Handles one key. True when the key only edited the prompt or dialog text
   * (tracked by the refs), so the next key can follow at once; false when it
   * may have changed the view, and the next key must wait for a render.
   */
  const handleKey = useCallback(
    (text: string, key: Key): boolean => {
      const name = keyName(text, key);
      const d = dialogRef.current;
      if (d) {
        handleDialogKey(d, text, name, setDialog);
        return (d.type === 'input' || d.type === 'form') && name !== 'enter' && name !== 'esc';
      }
      const s = ctx.screen();
      const m = modeRef.current;
      if (m.type !== 'normal') {
        const sugg = m.type === 'command' && name === 'tab' ? complete(m.text, words, ctx.cache.items('Namespace').map((n) => n.metadata.name ?? '')) : undefined;
        handlePromptKey(m, text, name, ctx, s, sugg);
        return name !== 'enter' && name !== 'esc' && name !== 'ctrl-c';
      }
      if (name === 'ctrl-c') {
        ctx.quit();
        return false;
      }
      const b = bindingFor(bindings, scopesFor(s.view, true), name);
      if (!b) return true;
      b.run(ctx, s);
      return b.action === 'command' || b.action === 'filter';
    },
    [ctx, bindings, words, modeRef, dialogRef, setDialog],
  );

  const queue = useRef<OneKey[]>([]);
  const awaitingRender = useRef(false);
  const [, kick] = useState(0);
  const drain = useCallback(() => {
    const q = queue.current;
    while (q.length) {
      const k = q.shift() as OneKey;
      if (!handleKey(k.input, k.key) && q.length) {
        awaitingRender.current = true;
        kick((n) => n + 1);
        return;
      }
    }
  }, [handleKey]);
  const onInput = useCallback(
    (text: string, key: Key) => {
      queue.current.push(...splitKeys(text, key));
      if (!awaitingRender.current) drain();
    },
    [drain],
  );
  const { suspended, released } = handover;
  useEffect(() => {
    // Keys queued behind `s`/`e` wait until the terminal is back.
    if (!awaitingRender.current || suspended) return;
    awaitingRender.current = false;
    drain();
  });
  useInput(onInput, { isActive: !suspended });
  // Declared after useInput: its effect (releasing stdin) has run when this one tells withTerminal to go on.
  useEffect(() => {
    if (suspended) released();
  }, [suspended, released]);
}
