// Patterns in CRD schemas are Go (RE2) regular expressions; this turns the RE2
// syntax that differs from ECMAScript into its JS equivalent (flags groups like
// `(?i)`, `\A`/`\z`, `(?P<name>`, `\pL`, POSIX classes). Compiled once per
// pattern text.

const cache = new Map<string, RegExp | Error>();

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]) if (f === 'i' || f === 'm' || f === 's') flags += f;
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$') // without the m flag `$` only matches at the very end, like RE2's \z
    .replace(/\(\?P</g, '(?<')
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (POSIX[name] && !neg ? POSIX[name] : m));
  return { source: src, flags };
}

/** The JS RegExp for a Go pattern, or the compile error. */
export function goRegExp(pattern: string): RegExp | Error {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translate(pattern);
  let out: RegExp | Error;
  try {
    out = new RegExp(source, flags + 'u');
  } catch {
    try {
      out = new RegExp(source, flags);
    } catch (e) {
      out = e instanceof Error ? e : new Error(String(e));
    }
  }
  cache.set(pattern, out);
  return out;
}
