// The text views: describe (warnings in red), YAML (a Secret's says whether
// it is decoded), `?` help, and the diff of a synced object, live → folder.
import { diffLineColor } from '../hooks/use-sync-diff.js';
import type { View, ViewUi } from '../types.js';
import { TextView } from '../widgets/text-view.js';

export interface TextPaneProps {
  view: View;
  ui: ViewUi;
  lines: string[];
  height: number;
  width: number;
}

function titleOf(view: View, ui: ViewUi): string {
  switch (view.type) {
    case 'describe':
      return `Describe(${view.namespace ? `${view.namespace}/` : ''}${view.name})`;
    case 'yaml':
      return `YAML(${view.namespace ? `${view.namespace}/` : ''}${view.name})${view.kind === 'Secret' ? (ui.reveal ? ' decoded' : ' <x> decode') : ''}`;
    case 'help':
      return 'Help';
    case 'sync-diff':
      return `Diff(${view.kind.toLowerCase()}/${view.namespace ? `${view.namespace}/` : ''}${view.name}) live → folder`;
    default:
      return 'Sync';
  }
}

const warningRed = (l: string) => (/^\s+Warning\s/.test(l) ? 'red' : undefined);

export function TextPane({ view, ui, lines, height, width }: TextPaneProps) {
  const offset = Math.min(ui.offset, Math.max(0, lines.length - height));
  const color = view.type === 'describe' ? warningRed : view.type === 'sync-diff' ? diffLineColor : undefined;
  return <TextView title={titleOf(view, ui)} lines={lines} offset={offset} height={height} width={width} color={color} />;
}
