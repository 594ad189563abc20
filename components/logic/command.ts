// The `:` command line: parsing `:pods kube-system`, `:deploy -A`, `:q`,
// `:pf` (the session's port-forwards, as k9s), and tab completion over resource names (plural, singular, short) and, for the
// second word, namespaces. The resource names are those of the kinds the
// cluster serves now (ClusterClient.resources(): built-ins and custom kinds),
// passed in by the caller.
import type { KindInfo } from '../../src/api/kinds.js';
import { kindIndex, resolveKind, UI_ALIASES } from './kinds.js';

export const EXTRA_COMMANDS = ['quit', 'q', 'help', 'sync', 'portforwards', 'portforward', 'pf'];

/** k9s' names for its port-forwards view. */
const PORT_FORWARD_WORDS = new Set(['pf', 'portforward', 'portforwards']);

export type Command =
  | { type: 'quit' }
  | { type: 'help' }
  | { type: 'sync' }
  | { type: 'portforwards'; namespace?: string }
  | { type: 'resource'; info: KindInfo; namespace?: string }
  | { type: 'error'; message: string };

const ALL_NAMESPACES = new Set(['all', '-A', '--all-namespaces', '*']);

export function parseCommand(text: string, kinds: readonly KindInfo[]): Command {
  const [word = '', arg] = text.trim().split(/\s+/);
  if (word === 'q' || word === 'quit' || word === 'q!' || word === 'qa') return { type: 'quit' };
  if (word === 'help' || word === '?') return { type: 'help' };
  if (word === 'sync') return { type: 'sync' };
  if (PORT_FORWARD_WORDS.has(word)) return arg === undefined ? { type: 'portforwards' } : { type: 'portforwards', namespace: ALL_NAMESPACES.has(arg) ? '' : arg };
  const info = resolveKind(kinds, word);
  if (!info) return { type: 'error', message: `no resource named "${word}"` };
  if (arg === undefined) return { type: 'resource', info };
  return { type: 'resource', info, namespace: ALL_NAMESPACES.has(arg) ? '' : arg };
}

/** Every word the first position completes to, plurals first (what k9s suggests), of the kinds a view can show. */
export function commandWords(served: readonly KindInfo[]): string[] {
  // The core group first, as kubectl prefers it: `po` completes to pods, not poddisruptionbudgets.
  const kinds = [...kindIndex(served).all].sort((a, b) => Number(a.group !== '') - Number(b.group !== ''));
  const words = new Set<string>();
  for (const k of kinds) words.add(k.plural);
  for (const k of kinds) {
    words.add(k.singular);
    for (const s of k.shortNames) words.add(s);
  }
  // k9s' aliases (`cr`, `rb` …) where they name a served kind.
  const idx = kindIndex(served);
  for (const [alias, target] of Object.entries(UI_ALIASES)) {
    const info = idx.resolve(target);
    if (info && idx.resolve(alias) === info) words.add(alias);
  }
  for (const c of EXTRA_COMMANDS) words.add(c);
  return [...words];
}

/** The completed command line for the text typed so far, or undefined when nothing fits. */
export function complete(text: string, words: readonly string[], namespaces: readonly string[]): string | undefined {
  if (!text) return undefined;
  const parts = text.split(' ');
  if (parts.length === 1) {
    const w = parts[0].toLowerCase();
    const hit = words.find((c) => c.startsWith(w) && c !== w);
    return hit;
  }
  if (parts.length === 2) {
    const hit = [...namespaces].sort().find((n) => n.startsWith(parts[1]) && n !== parts[1]);
    return hit ? `${parts[0]} ${hit}` : undefined;
  }
  return undefined;
}
