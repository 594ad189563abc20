// Length: the labels package's lexer, parser, matcher and string form share the Requirement type and its error wording.
// Label selectors with the grammar, matching rules, string form and error
// wording of k8s.io/apimachinery/pkg/labels and metav1.LabelSelectorAsSelector:
//   `app=web,tier!=db`, `env in (a,b)`, `env notin (a)`, `key`, `!key`, `==`, `x>1`, `x<1`.
// A parsed selector sorts its requirements by key (as Kubernetes does), so
// toString() is canonical: `env in (a,b),tier!=db`.
import type { LabelSelector } from './meta.js';

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type Labels = Record<string, string> | undefined | null;

export interface Selector {
  matches(labels: Labels): boolean;
  /** Kubernetes' String(): `a=b,c in (d,e),!f`; '' for everything and for nothing. */
  toString(): string;
  /** True when the selector does not restrict anything (matches every label set). */
  empty(): boolean;
  /** Requirements sorted by key; empty for everything/nothing. */
  readonly requirements: readonly Requirement[];
  /** True only for the selector that matches nothing (a nil metav1.LabelSelector). */
  readonly nothing: boolean;
}

// ---- validation (k8s.io/apimachinery/pkg/util/validation wording) ----

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_RE = new RegExp(`^${QNAME_FMT}$`);
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${fmt}')`;
}

const utf8Len = (s: string): number => Buffer.byteLength(s, 'utf8');

function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (utf8Len(v) > 253) errs.push('must be no more than 253 bytes');
  if (!DNS1123_SUBDOMAIN_RE.test(v)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** Errors for a label key (a qualified name), [] when valid. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  const errs: string[] = [];
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (utf8Len(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (!QNAME_RE.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** Errors for a label value, [] when valid ('' is valid). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (utf8Len(value) > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

// field.Error formatting: `<path>: Invalid value: "<v>": <detail>`; a nil path prints `<nil>`.
function invalid(path: string, value: unknown, detail: string): string {
  const v = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? `[]string{${value.map((x) => JSON.stringify(x)).join(', ')}}` : String(value);
  return `${path}: Invalid value: ${v}: ${detail}`;
}

// ---- requirements ----

const OP_STRING: Record<Operator, string> = {
  in: 'in',
  notin: 'notin',
  '=': '=',
  '==': '==',
  '!=': '!=',
  exists: 'exists',
  '!': '!',
  gt: 'gt',
  lt: 'lt',
};

/**
 * NewRequirement: validates key, operator arity and values; throws an Error whose
 * message is the aggregated field errors, as Kubernetes returns them.
 */
export function newRequirement(key: string, operator: Operator, values: string[], path = ''): Requirement {
  const errs: string[] = [];
  const p = (child: string) => (path ? `${path}.${child}` : child);
  const kerr = labelKeyErrors(key);
  if (kerr.length) errs.push(invalid(p('key'), key, kerr.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(p('values'), values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(p('values'), values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(p('values'), values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(p('values'), values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalid(`${p('values')}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`${p('operator')}: Unsupported value: "${String(operator)}"`);
  }
  values.forEach((v, i) => {
    const verr = labelValueErrors(v);
    if (verr.length) errs.push(invalid(`${p('values')}[${i}][${key}]`, v, verr.join('; ')));
  });
  if (errs.length === 1) throw new Error(errs[0]);
  if (errs.length > 1) throw new Error(`[${errs.join(', ')}]`);
  return { key, operator, values: [...values] };
}

export function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = !!labels && Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(val!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(val!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(val!) || r.values.length !== 1) return false;
      const lv = BigInt(val!);
      const rv = BigInt(r.values[0]);
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

export function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? '!' + r.key : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      s += OP_STRING[r.operator];
  }
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

const byKey = (a: Requirement, b: Requirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

class InternalSelector implements Selector {
  readonly nothing = false;
  readonly requirements: readonly Requirement[];
  constructor(reqs: Requirement[]) {
    this.requirements = [...reqs].sort(byKey);
  }
  matches(labels: Labels): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

class NothingSelector implements Selector {
  readonly nothing = true;
  readonly requirements: readonly Requirement[] = [];
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
}

export function everything(): Selector {
  return new InternalSelector([]);
}

export function nothing(): Selector {
  return new NothingSelector();
}

/** A selector matching exactly the given labels (labels.SelectorFromSet); null/empty → everything. */
export function selectorFromSet(set: Record<string, string> | undefined | null): Selector {
  return new InternalSelector(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

// ---- the string grammar (lexer + parser of labels.Parse) ----

type Tok =
  | 'error'
  | 'eos'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'id'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

interface Item {
  tok: Tok;
  lit: string;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos])) {
      // longest run of special symbols that is still a known token
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos];
        const t = STRING_TO_TOKEN[buf];
        if (t) {
          last = { tok: t, lit: buf };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) buf += s[pos++];
      const t = STRING_TO_TOKEN[buf];
      items.push(t ? { tok: t, lit: buf } : { tok: 'id', lit: buf });
    }
  }
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  // In a "values" context `in`/`notin` are plain identifiers (`x in (in)`).
  private look(values: boolean): Item {
    const it = this.items[this.pos];
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(values: boolean): Item {
    const it = this.look(values);
    this.pos++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.look(true);
      if (tok === 'id' || tok === '!') {
        let r: Requirement;
        try {
          r = this.requirement();
        } catch (e) {
          throw new Error(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const t = this.next(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.look(true);
          if (t2.tok !== 'id' && t2.tok !== '!') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
          continue;
        }
        throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === 'eos') return reqs;
      throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private requirement(): Requirement {
    let op: Operator | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      op = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const kerr = labelKeyErrors(key);
    if (kerr.length) throw new Error(invalid('<nil>', key, kerr.join('; ')));
    const after = this.look(true).tok;
    // `!key` is complete by itself; `!key=v` then fails at the caller on the `=`, as in Kubernetes.
    if (op === '!') return newRequirement(key, '!', []);
    if (after === 'eos' || after === ',') return newRequirement(key, 'exists', []);
    const o = this.next(false);
    let operator: Operator;
    switch (o.tok) {
      case 'in':
        operator = 'in';
        break;
      case '=':
        operator = '=';
        break;
      case '==':
        operator = '==';
        break;
      case '>':
        operator = 'gt';
        break;
      case '<':
        operator = 'lt';
        break;
      case 'notin':
        operator = 'notin';
        break;
      case '!=':
        operator = '!=';
        break;
      default:
        throw new Error(`found '${o.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, operator, [...values].sort());
  }

  private setValues(): Set<string> {
    const t = this.next(true);
    if (t.tok !== '(') throw new Error(`found '${t.lit}' expected: '('`);
    const { tok, lit } = this.look(true);
    if (tok === 'id' || tok === ',') {
      const s = this.identifiers();
      if (this.next(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === ')') {
      this.next(true);
      return new Set(['']);
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private identifiers(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const t = this.next(true);
      if (t.tok === 'id') {
        s.add(t.lit);
        const t2 = this.look(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return s;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (s.size === 0) s.add(''); // "(,"
        const t2 = this.look(true).tok;
        if (t2 === ')') {
          s.add(''); // ",)"
          return s;
        }
        if (t2 === ',') s.add(''); // ",,"
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): Set<string> {
    const { tok } = this.look(true);
    if (tok === 'eos' || tok === ',') return new Set(['']);
    const t = this.next(true);
    if (t.tok === 'id') return new Set([t.lit]);
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: the string form used by `kubectl -l` and `?labelSelector=`.
 * '' (or only whitespace) → everything. Throws Error with Kubernetes' message on bad syntax.
 */
export function parseSelector(s: string): Selector {
  return new InternalSelector(new Parser(lex(s)).parse());
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined → nothing (matches no object),
 * `{}` → everything; matchLabels become `=` requirements, matchExpressions map
 * In/NotIn/Exists/DoesNotExist.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return nothing();
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  if (Object.keys(ml).length + me.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ml)) reqs.push(newRequirement(k, '=', [v]));
  for (const expr of me) {
    let op: Operator;
    switch (expr.operator) {
      case 'In':
        op = 'in';
        break;
      case 'NotIn':
        op = 'notin';
        break;
      case 'Exists':
        op = 'exists';
        break;
      case 'DoesNotExist':
        op = '!';
        break;
      default:
        throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return new InternalSelector(reqs);
}

/** metav1.FormatLabelSelector: the display form kubectl describe prints; `<none>` when empty, `<error>` when invalid. */
export function labelSelectorAsString(ls: LabelSelector | null | undefined): string {
  let sel: Selector;
  try {
    sel = labelSelectorAsSelector(ls);
  } catch {
    return '<error>';
  }
  return sel.toString() || '<none>';
}

/**
 * Does `sel` select an object with these labels? Accepts a parsed Selector, a
 * selector string (`''` = everything) or a metav1.LabelSelector (null = nothing).
 */
export function selectorMatches(sel: Selector | string | LabelSelector | null | undefined, labels: Labels): boolean {
  if (typeof sel === 'string') return cachedParse(sel).matches(labels);
  if (sel && typeof (sel as Selector).matches === 'function') return (sel as Selector).matches(labels);
  return cachedLabelSelector(sel as LabelSelector | null | undefined).matches(labels);
}

// Controllers match the same selectors against many objects on every sync.
// Objects from the store are deeply frozen, so a frozen LabelSelector can be
// compiled once per object identity; strings go through a small bounded cache.
const compiled = new WeakMap<object, Selector | Error>();
const parsedStrings = new Map<string, Selector>();
const MAX_CACHED_STRINGS = 256;

function cachedLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null || !Object.isFrozen(ls)) return labelSelectorAsSelector(ls);
  let hit = compiled.get(ls);
  if (!hit) {
    try {
      hit = labelSelectorAsSelector(ls);
    } catch (e) {
      hit = e as Error;
    }
    compiled.set(ls, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

function cachedParse(s: string): Selector {
  let sel = parsedStrings.get(s);
  if (!sel) {
    sel = parseSelector(s);
    if (parsedStrings.size >= MAX_CACHED_STRINGS) parsedStrings.delete(parsedStrings.keys().next().value!);
    parsedStrings.set(s, sel);
  }
  return sel;
}

/** labels.Set.String(): `a=b,c=d` sorted by key — how kubectl shows a Service selector. */
export function labelsToString(labels: Record<string, string> | undefined | null): string {
  return Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`)
    .join(',');
}
