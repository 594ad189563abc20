// Terminal input → single keys. Ink 6.8 splits stdin only at escape
// sequences, so fast typing, a paste or a laggy link hands the input handler
// several keys as one string (`:q\r`, `/web\rj`). Each key is rebuilt here, in
// order, so the same handlers see one key at a time: `\r`/`\n` enter,
// `\x7f`/`\b` backspace, `\t` tab, other control bytes ctrl-<letter>, escape
// sequences whole, printable characters one by one.
import type { Key } from 'ink';

export interface OneKey {
  input: string;
  key: Key;
}

const NONE: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The escape sequences a terminal sends for the keys bindings use (xterm and rxvt forms). */
const SEQUENCES: Record<string, Partial<Key>> = {
  '[A': { upArrow: true },
  '[B': { downArrow: true },
  '[C': { rightArrow: true },
  '[D': { leftArrow: true },
  OA: { upArrow: true },
  OB: { downArrow: true },
  OC: { rightArrow: true },
  OD: { leftArrow: true },
  '[1;2A': { upArrow: true, shift: true },
  '[1;2B': { downArrow: true, shift: true },
  '[1;2C': { rightArrow: true, shift: true },
  '[1;2D': { leftArrow: true, shift: true },
  '[5~': { pageUp: true },
  '[6~': { pageDown: true },
  '[H': { home: true },
  '[F': { end: true },
  OH: { home: true },
  OF: { end: true },
  '[1~': { home: true },
  '[4~': { end: true },
  '[7~': { home: true },
  '[8~': { end: true },
  '[3~': { delete: true },
  '[Z': { tab: true, shift: true },
};

const one = (input: string, k: Partial<Key> = {}): OneKey => ({ input, key: { ...NONE, ...k } });

/** Length of the escape sequence starting at `i` (CSI `ESC [ … final`, SS3 `ESC O x`, or ESC + one char). */
function escapeLength(s: string, i: number): number {
  const kind = s[i + 1];
  if (kind === undefined || kind === '\u001b') return 1;
  if (kind === '[') {
    let j = i + 2;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e && !(c === 0x5b && j === i + 2)) return j - i + 1;
      j++;
    }
    return s.length - i;
  }
  if (kind === 'O') return Math.min(3, s.length - i);
  return 2;
}

function escapeKey(seq: string): OneKey {
  if (seq === '\u001b') return one('', { escape: true, meta: true });
  const body = seq.slice(1);
  const known = SEQUENCES[body];
  if (known) return one('', known);
  // ESC + a character: alt/meta + that key, as Ink reports it.
  if (body.length === 1) return one(body, { meta: true });
  return one('', {});
}

function controlKey(ch: string): OneKey | undefined {
  switch (ch) {
    case '\r':
    case '\n':
      return one('', { return: true });
    case '\u007f':
    case '\b':
      return one('', { backspace: true });
    case '\t':
      return one('', { tab: true });
  }
  const code = ch.charCodeAt(0);
  if (code >= 1 && code <= 26) return one(String.fromCharCode(code + 96), { ctrl: true });
  return undefined; // NUL and the rest: nothing a binding uses
}

/** Splits a string of raw terminal input into keys. */
export function splitRaw(raw: string): OneKey[] {
  const out: OneKey[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch === '\u001b') {
      const n = escapeLength(raw, i);
      out.push(escapeKey(raw.slice(i, i + n)));
      i += n;
      continue;
    }
    const code = raw.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    i += char.length;
    if (code < 0x20 || code === 0x7f) {
      const k = controlKey(char);
      if (k) out.push(k);
      continue;
    }
    out.push(one(char, /[A-Z]/.test(char) ? { shift: true } : {}));
  }
  return out;
}

/**
 * The keys in one Ink input event. A single key (or one Ink already named: an
 * arrow, enter, a ctrl chord) passes through untouched; only several keys
 * glued into one string are split.
 */
export function splitKeys(input: string, key: Key): OneKey[] {
  if ([...input].length <= 1) return [{ input, key }];
  const named = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.return || key.escape || key.tab || key.backspace || key.delete || key.ctrl;
  if (named) return [{ input, key }];
  return splitRaw(input);
}
