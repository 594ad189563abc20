// YAML copied from a web page indents with non-breaking spaces (U+00A0): HTML
// renders runs of spaces as `&nbsp; &nbsp;`, and a copy keeps them. YAML does
// not count U+00A0 as white space, so such a manifest fails with `Implicit keys
// need to be on a single line` (kubectl: `could not find expected ':'`), or,
// worse, parses with the NBSPs glued to a value (`name: "web\u00a0 \u00a0"`).
//
// `normalizeNbsp` reads them as the spaces they stand for, without touching a
// non-breaking space that is part of a value:
// - converted: indentation (also of block scalar lines and of the continuation
//   lines of a multi-line scalar), separation after `:`, `-`, `?`, `,`, `[`, `{`,
//   a tag or an anchor, white space at the end of a line or before a comment,
//   and any run of white space that mixes NBSPs with ordinary spaces or tabs;
// - kept: everything inside a quoted scalar (`"a\u00a0b"`, `'a\u00a0b'`), an NBSP
//   (or a run of them) between two characters of a plain or block scalar
//   (`a\u00a0b`), and comments.
// Each NBSP is replaced by one space, so offsets and line numbers are unchanged.
// Pure: no I/O.

const NBSP = '\u00a0';

export interface NbspNormalized {
  text: string;
  /** 1-based lines where at least one NBSP was read as a space, ascending. */
  lines: number[];
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === NBSP;
const isBreakOrEnd = (c: string | undefined): boolean => c === undefined || c === '\n' || c === '\r';

/** Reads non-breaking spaces used as YAML white space as spaces; see the header. */
export function normalizeNbsp(text: string): NbspNormalized {
  if (!text.includes(NBSP)) return { text, lines: [] };
  const out: string[] = [];
  const lines: number[] = [];
  // State carried from line to line.
  let quote: '"' | "'" | undefined; // inside a quoted scalar that continues on the next line
  let blockParent: number | undefined; // inside a block scalar whose parent sits at this column
  let pendingBlock: number | undefined; // a `|`/`>` header was seen on this line
  let flow = 0; // depth of [ ] / { }

  const rawLines = text.split(/(?<=\n)/); // keeps each line's ending
  rawLines.forEach((raw, idx) => {
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    const line = raw.slice(0, raw.length - eol.length);
    const chars = [...line];
    let changed = false;
    const set = (i: number): void => {
      if (chars[i] === NBSP) {
        chars[i] = ' ';
        changed = true;
      }
    };
    // The indentation: every line's leading white space (a quoted scalar's continuation included).
    let lead = 0;
    while (lead < chars.length && isWs(chars[lead])) lead++;
    const blank = lead === chars.length;

    if (/^(---|\.\.\.)(\s|$)/.test(line) && quote === undefined) {
      // A document marker ends whatever the previous document had open.
      blockParent = undefined;
      flow = 0;
    }

    if (blockParent !== undefined) {
      if (blank || lead > blockParent) {
        // Block scalar content: indentation and spacing runs are spaces; a lone NBSP between characters is text.
        for (let i = 0; i < lead; i++) set(i);
        convertRuns(chars, lead, set);
        finish();
        return;
      }
      blockParent = undefined;
    }

    for (let i = 0; i < lead; i++) set(i);
    let i = lead;
    if (quote !== undefined) {
      i = skipQuoted(chars, i, quote);
      if (i > chars.length) {
        finish(); // still inside the quoted scalar
        return;
      }
      quote = undefined;
    }
    scanLine(i, quote === undefined && i === lead);
    finish();

    function finish(): void {
      if (pendingBlock !== undefined) {
        blockParent = pendingBlock;
        pendingBlock = undefined;
      }
      if (changed) lines.push(idx + 1);
      out.push(chars.join(''), eol);
    }

    /** Scans structure from `start`: separation white space, quoted and plain scalars, comments. */
    function scanLine(start: number, atLineStart: boolean): void {
      let expectValue = atLineStart || start === 0;
      let i = start;
      // The column a block scalar on this line is nested in: the line's first node (after `- ` indicators).
      let nodeColumn = -1;
      while (i < chars.length) {
        const c = chars[i];
        if (isWs(c)) {
          const end = runEnd(chars, i);
          const next = chars[end];
          const mixed = chars.slice(i, end).some((x) => x !== NBSP);
          if (expectValue || mixed || isBreakOrEnd(next) || next === '#') for (let k = i; k < end; k++) set(k);
          i = end;
          continue;
        }
        const prevWs = i === 0 || isWs(chars[i - 1]);
        if (c === '#' && prevWs) return; // a comment: left as written
        if (expectValue) {
          if (c === '"' || c === "'") {
            const end = skipQuoted(chars, i + 1, c);
            if (end > chars.length) {
              quote = c;
              return;
            }
            i = end;
            expectValue = false;
            continue;
          }
          if ((c === '-' || c === '?' || c === ':') && (isWs(chars[i + 1]) || isBreakOrEnd(chars[i + 1]))) {
            i++;
            continue;
          }
          if (c === '[' || c === '{') {
            flow++;
            i++;
            continue;
          }
          if ((c === ']' || c === '}') && flow > 0) {
            flow--;
            i++;
            expectValue = false;
            continue;
          }
          if (c === ',' && flow > 0) {
            i++;
            continue;
          }
          if (c === '!' || c === '&' || c === '*') {
            while (i < chars.length && !isWs(chars[i]) && !(flow > 0 && ',[]{}'.includes(chars[i]))) i++;
            if (c === '*') expectValue = false;
            continue;
          }
          if ((c === '|' || c === '>') && flow === 0) {
            let k = i + 1;
            while (k < chars.length && /[-+0-9]/.test(chars[k])) k++;
            if (k === chars.length || isWs(chars[k])) {
              pendingBlock = nodeColumn >= 0 ? nodeColumn : leadColumn();
              i = k;
              expectValue = false;
              continue;
            }
          }
          if (nodeColumn < 0) nodeColumn = i;
          expectValue = false;
        }
        // Inside a plain scalar (or after a quoted one): look for the indicators that end it.
        if (c === ':' && (isWs(chars[i + 1]) || isBreakOrEnd(chars[i + 1]) || (flow > 0 && ',[]{}'.includes(chars[i + 1] ?? '')))) {
          expectValue = true;
          i++;
          continue;
        }
        if (flow > 0 && c === ',') {
          expectValue = true;
          i++;
          continue;
        }
        if (flow > 0 && (c === ']' || c === '}')) {
          flow--;
          i++;
          continue;
        }
        if (flow > 0 && (c === '[' || c === '{')) {
          flow++;
          i++;
          continue;
        }
        i++;
      }
    }

    /** The column of the line's first node: its indentation plus any `- ` sequence indicators. */
    function leadColumn(): number {
      let k = lead;
      let dash = lead;
      while (chars[k] === '-' && isWs(chars[k + 1])) {
        dash = k;
        k = runEnd(chars, k + 1);
      }
      return dash;
    }
  });
  return { text: out.join(''), lines };
}

/** Index after a run of white space starting at i. */
function runEnd(chars: string[], i: number): number {
  while (i < chars.length && isWs(chars[i])) i++;
  return i;
}

/** From inside a quoted scalar at `i`, the index after its closing quote; chars.length + 1 when it continues on the next line. */
function skipQuoted(chars: string[], i: number, q: '"' | "'"): number {
  while (i < chars.length) {
    const c = chars[i];
    if (q === '"' && c === '\\') {
      i += 2;
      continue;
    }
    if (c === q) {
      if (q === "'" && chars[i + 1] === "'") {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return chars.length + 1;
}

/** Scalar text from `from`: runs that mix NBSPs with spaces or tabs, or end the line, are spacing; a lone NBSP between characters is text. */
function convertRuns(chars: string[], from: number, set: (i: number) => void): void {
  let i = from;
  while (i < chars.length) {
    if (!isWs(chars[i])) {
      i++;
      continue;
    }
    const end = runEnd(chars, i);
    if (end === chars.length || chars.slice(i, end).some((x) => x !== NBSP)) for (let k = i; k < end; k++) set(k);
    i = end;
  }
}

/** `4-12, 14` */
export function formatLineRanges(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
