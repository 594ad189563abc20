// The view stack (esc goes back down it) with each view's own state (cursor,
// scroll, filter, sort), and the namespace `:` views open in.
import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import { resolveKind } from '../logic/kinds.js';
import { freshUi, type StackEntry, type View, type ViewUi } from '../types.js';

export interface ViewStack {
  stack: StackEntry[];
  setStack: Dispatch<SetStateAction<StackEntry[]>>;
  /** Opens a view on top (and closes the prompt). */
  push(v: View): void;
  /** Swaps the top view, keeping its state but its position. */
  replaceView(v: View): void;
  setUi(patch: Partial<ViewUi>): void;
  namespace: string;
  setNamespace(ns: string): void;
}

function initialStack(initialView: string | undefined, kinds: readonly KindInfo[]): StackEntry[] {
  const kind = resolveKind(kinds, initialView ?? 'pods')?.kind ?? 'Pod';
  return [{ view: { type: 'table', kind, namespace: '' }, ui: freshUi() }];
}

export function useViewStack(initialView: string | undefined, kinds: readonly KindInfo[], closePrompt: () => void): ViewStack {
  const [stack, setStack] = useState<StackEntry[]>(() => initialStack(initialView, kinds));
  const [namespace, setNamespace] = useState('');
  const setUi = useCallback((patch: Partial<ViewUi>) => {
    setStack((s) => [...s.slice(0, -1), { ...s[s.length - 1], ui: { ...s[s.length - 1].ui, ...patch } }]);
  }, []);
  const push = useCallback(
    (v: View) => {
      setStack((s) => [...s, { view: v, ui: freshUi() }]);
      closePrompt();
    },
    [closePrompt],
  );
  const replaceView = useCallback((v: View) => {
    setStack((s) => [...s.slice(0, -1), { view: v, ui: { ...s[s.length - 1].ui, cursor: 0, offset: 0 } }]);
  }, []);
  return { stack, setStack, push, replaceView, setUi, namespace, setNamespace };
}
