// The :sync diff view's text: asks the folder sync (its port) for the
// kubectl-style diff of one object when the view opens. A server-side dry run
// per open, never per frame.
import { useEffect, useState } from 'react';
import type { SyncSource, View } from '../types.js';

export function useSyncDiff(sync: SyncSource | undefined, view: View): string[] | undefined {
  const [lines, setLines] = useState<string[] | undefined>();
  useEffect(() => {
    if (view.type !== 'sync-diff') return;
    const what = `${view.kind}/${view.namespace ? `${view.namespace}/` : ''}${view.name}`;
    if (!sync?.diff) {
      setLines(['No folder is being synced: there is nothing to diff.']);
      return;
    }
    let live = true;
    setLines([`computing the diff of ${what} (server dry-run)…`]);
    sync.diff(view.kind, view.namespace, view.name).then(
      (text) => live && setLines(text ? text.split('\n') : [`no differences: the live ${what} matches the folder`]),
      (err: unknown) => live && setLines([`diff of ${what} failed: ${err instanceof Error ? err.message : String(err)}`]),
    );
    return () => {
      live = false;
    };
  }, [sync, view]);
  return view.type === 'sync-diff' ? lines : undefined;
}

/** Colours of a unified diff, as `kubectl diff` piped to a coloured diff shows them. */
export function diffLineColor(line: string): string | undefined {
  if (line.startsWith('@@')) return 'cyan';
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ')) return undefined;
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  return undefined;
}
