// Length: one port of client-go's jsonpath — lexer, parser and evaluator share one node type and one error wording, and are read side by side with the Go original.
// kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath): templates like
// `{.metadata.name}`, `{.items[*].status.conditions[?(@.type=="Ready")].status}`,
// `{range .items[*]}{.metadata.name}{"\n"}{end}`, with kubectl's parse errors,
// its evaluation quirks and its text output. Used by the server-side tables of
// custom resources (additionalPrinterColumns), CRD validation and the UI.
//
// Why not a library: the one JSONPath package in node_modules (jsonpath-plus,
// pulled in by @kubernetes/client-node, not a dependency of ours) speaks
// Goessner's `$.a.b` dialect with JavaScript filter expressions: no `{}`
// templates, no `range`/`end`, different filter and slice semantics, and none
// of kubectl's error messages. src/api must also stay dependency-free for the
// UI, so this is a small parser for exactly the kubectl dialect.
//
// Data model: JSON values as JavaScript holds them. Numbers are compared
// numerically in filters (Go's unstructured data keeps int64 and float64
// apart, which JavaScript cannot); integral numbers print as Go prints int64.

// ---------------------------------------------------------------- nodes --

interface ListNode {
  t: 'list';
  nodes: Node[];
}
interface SliceParam {
  known: boolean;
  value: number;
  derived: boolean;
}
type Node =
  | ListNode
  | { t: 'text'; text: string }
  | { t: 'field'; name: string }
  | { t: 'array'; params: [SliceParam, SliceParam, SliceParam] }
  | { t: 'filter'; left: ListNode; right: ListNode; op: string }
  | { t: 'number'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'union'; lists: ListNode[] }
  | { t: 'ident'; name: string };

const list = (): ListNode => ({ t: 'list', nodes: [] });

// --------------------------------------------------------------- parser --

const EOF = -1;

function isTerminator(c: number): boolean {
  switch (c) {
    case EOF:
    case 0x20: // space
    case 0x09: // tab
    case 0x0d: // \r
    case 0x0a: // \n
    case 0x2e: // .
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x24: // $
    case 0x40: // @
    case 0x7b: // {
    case 0x7d: // }
      return true;
  }
  return false;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39 ? true : c > 0x7f && DIGIT.test(String.fromCodePoint(c));
}

/** unicode.IsLetter || unicode.IsDigit || '_' */
function isAlphaNumeric(c: number): boolean {
  if (c === 0x5f) return true;
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  if (c <= 0x7f) return false;
  const s = String.fromCodePoint(c);
  return LETTER.test(s) || DIGIT.test(s);
}

/** Go's `%#U`: `U+002A '*'`, or `U+0007` for an unprintable rune. */
function goRuneU(c: number): string {
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const s = String.fromCodePoint(c);
  return PRINTABLE.test(s) ? `${hex} '${s}'` : hex;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi: optional sign, ASCII digits, within int64. */
function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : Number(n);
}

/** strconv.ParseFloat for the digits-and-dots text the number scanner collects. */
function goParseFloat(s: string): number | undefined {
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const SYNTAX = 'invalid syntax';

/** UnquoteExtend: strconv.Unquote that also takes single-quoted strings. */
function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new Error(SYNTAX);
  const quote = s[0];
  if (quote !== s[n - 1] || (quote !== '"' && quote !== "'")) throw new Error(SYNTAX);
  let rest = s.slice(1, -1);
  if (!rest.includes('\\') && !rest.includes(quote)) return rest;
  let out = '';
  while (rest.length > 0) {
    const c = rest[0];
    if (c === quote) throw new Error(SYNTAX);
    if (c !== '\\') {
      const cp = rest.codePointAt(0)!;
      const ch = String.fromCodePoint(cp);
      out += ch;
      rest = rest.slice(ch.length);
      continue;
    }
    if (rest.length <= 1) throw new Error(SYNTAX);
    const e = rest[1];
    rest = rest.slice(2);
    switch (e) {
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case "'":
      case '"':
        if (e !== quote) throw new Error(SYNTAX);
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = rest.slice(0, len);
        if (hex.length < len || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error(SYNTAX);
        const v = parseInt(hex, 16);
        rest = rest.slice(len);
        if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new Error(SYNTAX);
        out += e === 'x' ? String.fromCharCode(v) : String.fromCodePoint(v);
        break;
      }
      default: {
        if (e >= '0' && e <= '7') {
          const oct = rest.slice(0, 2);
          if (!/^[0-7]{2}$/.test(oct)) throw new Error(SYNTAX);
          const v = parseInt(e + oct, 8);
          if (v > 255) throw new Error(SYNTAX);
          rest = rest.slice(2);
          out += String.fromCharCode(v);
          break;
        }
        throw new Error(SYNTAX);
      }
    }
  }
  return out;
}

const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$/;
// Go's `.` stops only at \n; JavaScript's also at \r, U+2028, U+2029.
const FILTER = /^([^!<>=]+)([!<>=]+)([^\n]+?)$/;

/**
 * The template parser of client-go's jsonpath/parser.go, in the same order of
 * checks, so the same inputs fail with the same messages.
 */
class Parser {
  private pos = 0;
  private start = 0;

  constructor(private readonly input: string) {}

  parse(): ListNode {
    const root = list();
    const input = this.input;
    while (true) {
      const open = input.indexOf('{', this.pos);
      if (open < 0) {
        if (this.start < input.length) root.nodes.push({ t: 'text', text: input.slice(this.start) });
        return root;
      }
      if (open > this.start) root.nodes.push({ t: 'text', text: input.slice(this.start, open) });
      this.pos = this.start = open + 1;
      const action = list();
      root.nodes.push(action);
      this.parseInsideAction(action);
    }
  }

  /** parseAction: the first list of `{text}`, for union members, dict keys and filter operands. */
  private static sub(text: string): ListNode {
    return new Parser(`{${text}}`).parse().nodes[0] as ListNode;
  }

  private code(at = this.pos): number {
    return at < this.input.length ? this.input.codePointAt(at)! : EOF;
  }

  private next(): number {
    const c = this.code();
    if (c !== EOF) this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private consume(): string {
    const s = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return s;
  }

  /** Scans one action up to and including its `}`. */
  private parseInsideAction(cur: ListNode): void {
    const input = this.input;
    while (true) {
      if (input.startsWith('}', this.pos)) {
        this.pos += 1;
        this.consume();
        return;
      }
      if (input.startsWith('[?(', this.pos)) {
        this.parseFilter(cur);
        continue;
      }
      if (input.startsWith('..', this.pos)) {
        this.parseRecursive(cur);
        continue;
      }
      const at = this.pos;
      const r = this.next();
      if (r === EOF || r === 0x0d || r === 0x0a) throw new Error('unclosed action');
      if (r === 0x20 || r === 0x40 || r === 0x24) {
        // ' ', '@' (the current object) and '$' (the root) are skipped
        this.consume();
      } else if (r === 0x5b) {
        this.parseArray(cur);
      } else if (r === 0x22 || r === 0x27) {
        this.parseQuote(cur, r);
      } else if (r === 0x2e) {
        this.parseField(cur);
      } else if (r === 0x2b || r === 0x2d || isDigit(r)) {
        this.pos = at;
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.pos = at;
        this.parseIdentifier(cur);
      } else {
        throw new Error(`unrecognized character in action: ${goRuneU(r)}`);
      }
    }
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.code())) this.next();
    const value = this.consume();
    if (value === 'true' || value === 'false') cur.nodes.push({ t: 'bool', value: value === 'true' });
    else cur.nodes.push({ t: 'ident', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes.at(-1)?.t === 'recursive') throw new Error('invalid multiple recursive descent');
    this.pos += 2;
    this.consume();
    cur.nodes.push({ t: 'recursive' });
    if (isAlphaNumeric(this.code())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const c = this.code();
    if (c === 0x2b || c === 0x2d) this.next();
    while (true) {
      const d = this.code();
      if (d !== 0x2e && (d === EOF || !isDigit(d))) break;
      this.next();
    }
    const value = this.consume();
    const i = goAtoi(value);
    const n = i ?? goParseFloat(value);
    if (n === undefined) throw new Error(`cannot parse number ${value}`);
    cur.nodes.push({ t: 'number', value: n });
  }

  private parseArray(cur: ListNode): void {
    while (true) {
      const c = this.next();
      if (c === EOF || c === 0x0a) throw new Error('unterminated array');
      if (c === 0x5d) break;
    }
    let text = this.consume().slice(1, -1);
    if (text === '*') text = ':';

    const members = text.split(',');
    if (members.length > 1) {
      cur.nodes.push({ t: 'union', lists: members.map((m) => Parser.sub(`[${m.replace(/^ +| +$/g, '')}]`)) });
      return;
    }
    const key = DICT_KEY.exec(text);
    if (key) {
      cur.nodes.push(...Parser.sub(`.${key[1]}`).nodes);
      return;
    }
    const m = SLICE.exec(text);
    if (!m) throw new Error(`invalid array index ${text}`);
    const params: SliceParam[] = [];
    for (let i = 0; i < 3; i++) {
      let v = m[i + 1] ?? '';
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') {
          params.push({ known: false, value: 0, derived: false });
        } else {
          const n = goAtoi(v);
          if (n === undefined) throw new Error(`array index ${v} is not a number`);
          params.push({ known: true, value: n, derived: false });
        }
      } else if (i === 1) {
        // `[n]` is the slice `[n:n+1]`; a derived end of 0 (from `[-1]`) means the length
        params.push({ known: true, value: params[0].value + 1, derived: true });
      } else {
        params.push({ known: false, value: 0, derived: false });
      }
    }
    cur.nodes.push({ t: 'array', params: params as [SliceParam, SliceParam, SliceParam] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = 0;
    while (true) {
      const r = this.next();
      if (r === EOF || r === 0x0a) throw new Error('unterminated filter');
      if (r === 0x22 || r === 0x27) {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === 0x29 && begin === end) {
        break;
      }
    }
    if (this.next() !== 0x5d) throw new Error('unclosed array expect ]');
    const text = this.consume().slice(0, -2);
    const m = FILTER.exec(text);
    if (!m) cur.nodes.push({ t: 'filter', left: Parser.sub(text), right: list(), op: 'exists' });
    else cur.nodes.push({ t: 'filter', left: Parser.sub(m[1]), right: Parser.sub(m[3]), op: m[2] });
  }

  private parseQuote(cur: ListNode, quote: number): void {
    while (true) {
      const r = this.next();
      if (r === EOF || r === 0x0a) throw new Error('unterminated quoted string');
      if (r === quote && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consume();
    let text: string;
    try {
      text = unquote(value);
    } catch (err) {
      throw new Error(`unquote string ${value} error ${(err as Error).message}`);
    }
    cur.nodes.push({ t: 'text', text });
  }

  private parseField(cur: ListNode): void {
    this.consume();
    while (true) {
      const r = this.next();
      if (r === 0x5c) {
        this.next(); // an escaped character never ends the field
      } else if (isTerminator(r)) {
        if (r !== EOF) this.pos -= 1;
        break;
      }
    }
    const value = this.consume();
    if (value === '*') cur.nodes.push({ t: 'wildcard' });
    else cur.nodes.push({ t: 'field', name: value.replaceAll('\\', '') });
  }
}

// ------------------------------------------------------------ evaluation --

/** An evaluation error; `partial` is what the failing step returned with it (filters use it when keys may be missing). */
class EvalError extends Error {
  constructor(
    message: string,
    readonly partial: unknown[],
  ) {
    super(message);
  }
}

type JsonMap = Record<string, unknown>;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's string order (UTF-8 bytes, i.e. code points), not UTF-16 code units. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Map keys in Go's sorted order (fmtsort / encoding/json), skipping undefined members. */
function sortedKeys(m: JsonMap): string[] {
  return Object.keys(m)
    .filter((k) => m[k] !== undefined)
    .sort(compareGoStrings);
}

/** Arrays and maps (values in key order) are what wildcards, `..` and filters iterate. */
function children(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return sortedKeys(v).map((k) => v[k]);
  return undefined;
}

/** The Go type unstructured data would have, for error messages. */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'string' : 'interface {}';
}

interface State {
  allowMissingKeys: boolean;
  beginRange: number;
  inRange: number;
  endRange: number;
  /** The `{end}` that closed the latest range body: evaluation resumes after it. */
  lastEnd: Node | undefined;
}

type Kind = 'bool' | 'number' | 'string' | undefined;

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
  }
  return undefined;
}

/** text/template's lt; undefined when the operands cannot be ordered. */
function less(a: unknown, b: unknown): boolean | undefined {
  const ka = kindOf(a);
  if (ka === undefined || ka === 'bool' || ka !== kindOf(b)) return undefined;
  return ka === 'number' ? (a as number) < (b as number) : compareGoStrings(a as string, b as string) < 0;
}

/** text/template's eq; undefined for operands of different or unsupported kinds. */
function equal(a: unknown, b: unknown): boolean | undefined {
  const ka = kindOf(a);
  if (ka === undefined || ka !== kindOf(b)) return undefined;
  return a === b;
}

/**
 * The filter operators. An incompatible comparison is ignored (false), except
 * that `!=` — the negation of a failed `==` — then holds, as in client-go.
 */
function compare(op: string, l: unknown, r: unknown, partial: unknown[]): boolean {
  switch (op) {
    case '==':
      return equal(l, r) === true;
    case '!=':
      return equal(l, r) !== true;
    case '<':
      return less(l, r) === true;
    case '>': {
      const lt = less(l, r);
      return lt === undefined ? false : !(lt || equal(l, r) === true);
    }
    case '<=': {
      const lt = less(l, r);
      return lt === undefined ? false : lt || equal(l, r) === true;
    }
    case '>=': {
      const lt = less(l, r);
      return lt === undefined ? false : !lt;
    }
  }
  throw new EvalError(`unrecognized filter operator ${op}`, partial);
}

function evalList(s: State, input: unknown[], node: ListNode): unknown[] {
  let cur = input;
  for (const n of node.nodes) cur = walk(s, cur, n);
  return cur;
}

function walk(s: State, input: unknown[], node: Node): unknown[] {
  switch (node.t) {
    case 'list':
      return evalList(s, input, node);
    case 'text':
      return [node.text];
    case 'field':
      return evalField(s, input, node.name);
    case 'array':
      return evalArray(input, node.params);
    case 'filter':
      return evalFilter(s, input, node);
    case 'number':
    case 'bool':
      return input.map(() => node.value);
    case 'wildcard': {
      const out: unknown[] = [];
      for (const v of input) {
        const c = children(v);
        if (c) out.push(...c);
      }
      return out;
    }
    case 'recursive':
      return evalRecursive(input);
    case 'union': {
      const out: unknown[] = [];
      for (const l of node.lists) {
        try {
          out.push(...evalList(s, input, l));
        } catch (err) {
          throw new EvalError((err as Error).message, input);
        }
      }
      return out;
    }
    case 'ident':
      return evalIdentifier(s, input, node.name);
  }
}

function evalField(s: State, input: unknown[], name: string): unknown[] {
  if (input.length === 0) return [];
  const out: unknown[] = [];
  for (const v of input) {
    if (isMap(v) && Object.prototype.hasOwnProperty.call(v, name) && v[name] !== undefined) out.push(v[name]);
  }
  if (out.length === 0 && !s.allowMissingKeys) throw new EvalError(`${name} is not found`, []);
  return out;
}

function evalArray(input: unknown[], params: [SliceParam, SliceParam, SliceParam]): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) throw new EvalError(`${goType(v)} is not array or slice`, input);
    const len = v.length;
    let start = params[0].known ? params[0].value : 0;
    if (start < 0) start += len;
    let end = params[1].known ? params[1].value : len;
    if (end < 0 || (end === 0 && params[1].derived)) end += len;
    // Zero elements requested: client-go returns what it has so far, skipping any further inputs.
    if (end === start) return out;
    if (start >= len || start < 0) throw new EvalError(`array index out of bounds: index ${start}, length ${len}`, input);
    if (end > len || end < 0) throw new EvalError(`array index out of bounds: index ${end - 1}, length ${len}`, input);
    if (start > end) throw new EvalError(`starting index ${start} is greater than ending index ${end}`, input);
    let step = 1;
    if (params[2].known) {
      if (params[2].value <= 0) throw new EvalError('step must be > 0', input);
      step = params[2].value;
    }
    for (let i = start; i < end; i += step) out.push(v[i]);
  }
  return out;
}

function evalRecursive(input: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    const c = children(v);
    if (c && c.length > 0) {
      out.push(v);
      out.push(...evalRecursive(c));
    }
  }
  return out;
}

function evalFilter(s: State, input: unknown[], node: { left: ListNode; right: ListNode; op: string }): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    // A value that is neither array nor map is filtered as itself.
    const items = children(v) ?? [v];
    for (const item of items) {
      const temp = [item];
      let lefts: unknown[];
      try {
        lefts = evalList(s, temp, node.left);
      } catch (err) {
        if (!s.allowMissingKeys) throw new EvalError((err as Error).message, input);
        lefts = err instanceof EvalError ? err.partial : [];
      }
      let rights: unknown[];
      try {
        rights = evalList(s, temp, node.right);
      } catch (err) {
        throw new EvalError((err as Error).message, input);
      }
      if (lefts.length === 0) continue;
      if (lefts.length > 1) throw new EvalError('can only compare one element at a time', input);
      if (node.op === 'exists') {
        out.push(item);
        continue;
      }
      if (rights.length === 0) continue;
      if (rights.length > 1) throw new EvalError('can only compare one element at a time', input);
      if (compare(node.op, lefts[0], rights[0], out)) out.push(item);
    }
  }
  return out;
}

function evalIdentifier(s: State, input: unknown[], name: string): unknown[] {
  switch (name) {
    case 'range':
      s.beginRange++;
      return input;
    case 'end':
      if (s.inRange === 0) throw new EvalError('not in range, nothing to end', []);
      s.endRange++;
      return [];
  }
  throw new EvalError(`unrecognized identifier ${name}`, input);
}

/**
 * FindResults: one result list per top-level node from `from` on. A `range`
 * runs the nodes after it once per item (once on null when there are none, to
 * find its `end`), then resumes after the `end` that closed it, as client-go does.
 */
function findResults(s: State, data: unknown, nodes: readonly Node[], from: number): unknown[][] {
  const cur = [data];
  const full: unknown[][] = [];
  for (let i = from; i < nodes.length; i++) {
    const results = walk(s, cur, nodes[i]);
    if (s.endRange > 0 && s.endRange <= s.inRange) {
      s.endRange--;
      s.lastEnd = nodes[i];
      break;
    }
    if (s.beginRange > 0) {
      s.beginRange--;
      s.inRange++;
      if (results.length > 0) for (const item of results) full.push(...findResults(s, item, nodes, i + 1));
      else findResults(s, null, nodes, i + 1);
      s.inRange--;
      for (let k = i + 1; k < nodes.length; k++) {
        if (nodes[k] === s.lastEnd) {
          i = k;
          break;
        }
      }
      continue;
    }
    full.push(results);
  }
  return full;
}

// ---------------------------------------------------------------- output --

const HEX = '0123456789abcdef';

/** encoding/json's string encoding: HTML-safe, \b \f \n \r \t, other controls as \u00XX. */
function goJsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x08 ? '\\b' : c === 0x0c ? '\\f' : c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    if (esc !== undefined) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return `${out}${s.slice(from)}"`;
}

/** encoding/json's Marshal of unstructured data: map keys sorted, HTML escaped. */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${goFormatValue(v)}`);
      // int64 prints its digits, float64 uses %f below 1e21 and %e (short exponent) above, as JavaScript does
      return String(v);
    case 'string':
      return goJsonString(v);
    case 'bigint':
      return v.toString();
  }
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(',')}]`;
  if (isMap(v)) return `{${sortedKeys(v).map((k) => `${goJsonString(k)}:${goJsonMarshal(v[k])}`).join(',')}}`;
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** fmt's %v of a float64: %g with the shortest digits, exponent form from 1e+06 (and below 1e-04). */
function goFormatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const [mantissa, e] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

/** fmt's %v of a scalar the way unstructured data holds it (integral numbers as int64). */
function goFormatValue(v: unknown): string {
  if (typeof v === 'number') {
    return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : goFormatFloat(v);
  }
  return String(v);
}

/**
 * How `kubectl -o jsonpath` prints one result (PrintResults): maps and lists
 * as compact JSON (keys sorted), strings as they are, numbers and booleans as
 * Go prints them, null as `<nil>`.
 */
export function jsonPathValueText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return goJsonMarshal(v);
  return goFormatValue(v);
}

// ------------------------------------------------------------------ API --

export interface JsonPathOptions {
  /** Missing fields give no result instead of an error (`<name> is not found`). kubectl's default: true. */
  allowMissingKeys?: boolean;
}

/** A parsed JSONPath template. Evaluation is re-entrant: each call has its own `range` state. */
export interface JsonPathTemplate {
  readonly template: string;
  /** client-go FindResults: one list per top-level template node (texts, actions, `range` bodies). Throws on evaluation errors. */
  findResults(data: unknown): unknown[][];
  /** What `kubectl -o jsonpath=<template>` prints for `data`. */
  execute(data: unknown): string;
}

/** Parses a full template (text with `{…}` actions) exactly as given, as `jsonpath.Parse` does. Throws Kubernetes' parse message. */
export function parseJsonPathTemplate(template: string, opts: JsonPathOptions = {}): JsonPathTemplate {
  const nodes = new Parser(template).parse().nodes;
  const allowMissingKeys = opts.allowMissingKeys ?? true;
  const find = (data: unknown): unknown[][] =>
    findResults({ allowMissingKeys, beginRange: 0, inRange: 0, endRange: 0, lastEnd: undefined }, data, nodes, 0);
  return {
    template,
    findResults: find,
    execute: (data) =>
      find(data)
        .map((results) => results.map(jsonPathValueText).join(' '))
        .join(''),
  };
}

const COMPILED = new Map<string, (data: unknown) => unknown[]>();
const COMPILED_MAX = 512;

/**
 * Parses a kubectl JSONPath (with or without `{}`), throwing Error with
 * Kubernetes' parse message on bad input. Parse once, evaluate many times.
 * An expression without `{` is wrapped as `{expr}`, as the API server does for
 * printer columns. Missing fields give no result; other evaluation errors
 * (an index out of bounds, `x is not array or slice`…) throw.
 */
export function compileJsonPath(expr: string): (data: unknown) => unknown[] {
  const hit = COMPILED.get(expr);
  if (hit) return hit;
  const t = parseJsonPathTemplate(expr.includes('{') ? expr : `{${expr}}`);
  const fn = (data: unknown): unknown[] => t.findResults(data).flat();
  if (COMPILED.size >= COMPILED_MAX) COMPILED.delete(COMPILED.keys().next().value!);
  COMPILED.set(expr, fn);
  return fn;
}

/**
 * True when `expr` is a valid printer-column/scale JSON path (for CRD
 * validation: `.spec.replicas` style). This is apiextensions'
 * validateSimpleJSONPath: non-empty and starting with `.`; the path itself is
 * parsed only when served (a printer column that does not parse ends the
 * table's columns there, as kube-apiserver's tableconvertor does).
 */
export function isValidJsonPath(expr: string): boolean {
  return expr.length > 0 && expr[0] === '.';
}
