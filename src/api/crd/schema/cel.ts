// Length: the value bindings, type mapping and error wording of apiextensions' cel/validation.go in one place, kept in the Go file's order so the two can be read side by side.
// x-kubernetes-validations: CEL rules compiled once per schema with
// @bufbuild/cel and evaluated the way apiextensions-apiserver's
// schema/cel/validation.go does — `self` bound to the value at the rule's
// level (objects as maps with escaped property names, integers as CEL ints,
// date-time/duration/byte strings as timestamps/durations/bytes), `oldSelf`
// for transition rules on update when the value correlates with an old one,
// Kubernetes' messages (`failed rule: <rule>`, `<err> evaluating rule: …`) and
// the field path of the rule's level (`<nil>` at the root).
//
// @bufbuild/cel has no type checker in its public API, so compile-time errors
// are parse errors plus the checks kube-apiserver users hit most: undeclared
// identifiers, fields the schema does not declare, and rules that cannot
// evaluate to a bool.
import { CelScalar, celEnv, celFunc, celMethod, isCelError, isCelList, listType, parse, plan, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { FieldError } from '../../errors.js';
import { goQuote, isInt64 } from './gofmt.js';
import { additionalNode, correlateItem, deepEqual, isJsonObject, mapListKey, type RuleSpec, type SNode } from './node.js';
import { goRegExp } from './regex.js';

// ---------------------------------------------------------------- environment

const LIST = listType(CelScalar.DYN);

function listItems(l: unknown): unknown[] {
  return Array.isArray(l) ? l : [...(l as Iterable<unknown>)];
}

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error('no such overload');
}

function celEquals(a: unknown, b: unknown): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (isCelList(a) || Array.isArray(a)) {
    const x = listItems(a);
    const y = isCelList(b) || Array.isArray(b) ? listItems(b) : undefined;
    return !!y && x.length === y.length && x.every((v, i) => celEquals(v, y[i]));
  }
  return a === b;
}

const REGEXPS = new Map<string, RegExp>();
/** A Go (RE2) pattern as a JS RegExp, compiled once per pattern (bounded cache). */
function cachedRegExp(re: string): RegExp {
  let r = REGEXPS.get(re);
  if (!r) {
    const g = goRegExp(re);
    if (g instanceof Error) throw g;
    r = new RegExp(g.source, g.flags);
    if (REGEXPS.size >= 1024) REGEXPS.clear();
    REGEXPS.set(re, r);
  }
  return r;
}

/** Kubernetes' CEL libraries available to CRD rules at 1.31 that the standard environment lacks: lists, regex, sets. */
const K8S_LIBRARY: CelFunc[] = [
  celMethod('isSorted', LIST, [], CelScalar.BOOL, function () {
    const a = listItems(this);
    for (let i = 1; i < a.length; i++) if (cmp(a[i - 1], a[i]) > 0) return false;
    return true;
  }),
  celMethod('sum', LIST, [], CelScalar.DYN, function () {
    const a = listItems(this);
    if (a.length === 0) return 0n;
    if (a.every((v) => typeof v === 'bigint')) return (a as bigint[]).reduce((s, v) => s + v, 0n);
    return a.reduce<number>((s, v) => s + Number(v), 0);
  }),
  celMethod('min', LIST, [], CelScalar.DYN, function () {
    const a = listItems(this);
    if (a.length === 0) throw new Error('min called on empty list');
    return a.reduce((m, v) => (cmp(v, m) < 0 ? v : m)) as never;
  }),
  celMethod('max', LIST, [], CelScalar.DYN, function () {
    const a = listItems(this);
    if (a.length === 0) throw new Error('max called on empty list');
    return a.reduce((m, v) => (cmp(v, m) > 0 ? v : m)) as never;
  }),
  celMethod('indexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(listItems(this).findIndex((v) => celEquals(v, x)));
  }),
  celMethod('lastIndexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    const a = listItems(this);
    for (let i = a.length - 1; i >= 0; i--) if (celEquals(a[i], x)) return BigInt(i);
    return -1n;
  }),
  // `matches` with the compiled pattern cached: the standard one builds a new RE2 program per call,
  // which made one `matches` rule most of a CRD's validation time.
  celMethod('matches', CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (re) {
    return cachedRegExp(re).test(this);
  }),
  celFunc('matches', [CelScalar.STRING, CelScalar.STRING], CelScalar.BOOL, (s, re) => cachedRegExp(re).test(s)),
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (re) {
    const r = goRegExp(re);
    if (r instanceof Error) throw r;
    return new RegExp(r.source, r.flags).exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (re) {
    const r = goRegExp(re);
    if (r instanceof Error) throw r;
    return [...this.matchAll(new RegExp(r.source, r.flags + 'g'))].map((m) => m[0]);
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING, CelScalar.INT], listType(CelScalar.STRING), function (re, limit) {
    const r = goRegExp(re);
    if (r instanceof Error) throw r;
    const all = [...this.matchAll(new RegExp(r.source, r.flags + 'g'))].map((m) => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
  celFunc('sets.contains', [LIST, LIST], CelScalar.BOOL, (a, b) => listItems(b).every((x) => listItems(a).some((y) => celEquals(x, y)))),
  celFunc('sets.equivalent', [LIST, LIST], CelScalar.BOOL, (a, b) => {
    const x = listItems(a);
    const y = listItems(b);
    return y.every((v) => x.some((w) => celEquals(v, w))) && x.every((v) => y.some((w) => celEquals(v, w)));
  }),
  celFunc('sets.intersects', [LIST, LIST], CelScalar.BOOL, (a, b) => listItems(b).some((x) => listItems(a).some((y) => celEquals(x, y)))),
];

const ENV = celEnv({ funcs: [...strings, ...K8S_LIBRARY] });

type Program = (bindings: Record<string, unknown>) => unknown;

function compileProgram(expr: string): { program?: Program; parsed?: ReturnType<typeof parse>; error?: string } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expr);
  } catch (e) {
    return { error: syntaxError(expr, e) };
  }
  try {
    const fn = plan(ENV, parsed) as unknown as Program;
    return { program: fn, parsed };
  } catch (e) {
    return { error: `ERROR: <input>:1:1: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** cel-go's issue rendering: `ERROR: <input>:1:10: Syntax error: …\n | <line>\n | .........^` */
function issue(expr: string, line: number, col: number, msg: string): string {
  const src = expr.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col}: ${msg}\n | ${src}\n | ${'.'.repeat(Math.max(0, col - 1))}^`;
}

function syntaxError(expr: string, e: unknown): string {
  const err = e as { message?: string; rawMessage?: string };
  const m = /<input>:(\d+):(\d+):\s*(.*)$/s.exec(err.message ?? '');
  if (!m) return issue(expr, 1, 1, `Syntax error: ${err.message ?? String(e)}`);
  return issue(expr, Number(m[1]), Number(m[2]), `Syntax error: ${err.rawMessage ?? m[3]}`);
}

function offsetToLineCol(expr: string, offset: number): [number, number] {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < expr.length; i++) {
    if (expr[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return [line, col];
}

// ---------------------------------------------------------------- property names and types

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const escapeCache = new Map<string, string | undefined>();

function escapeChunk(c: string): string | undefined {
  switch (c) {
    case '__':
      return '__underscores__';
    case '.':
      return '__dot__';
    case '-':
      return '__dash__';
    case '/':
      return '__slash__';
    default:
      return undefined;
  }
}

/** apiserver cel.Escape: how a property name is spelled in CEL, or undefined when it cannot be accessed. */
export function escapeProperty(name: string): string | undefined {
  if (escapeCache.has(name)) return escapeCache.get(name);
  let out: string | undefined;
  if (name.length === 0 || (name[0] >= '0' && name[0] <= '9')) out = undefined;
  else if (RESERVED.has(name)) out = `__${name}__`;
  else {
    out = '';
    for (const m of name.matchAll(/__|[-./]|[^a-zA-Z0-9\-./_]|[a-zA-Z0-9_]/g)) {
      const c = m[0];
      if (c.length === 1 && /[a-zA-Z0-9_]/.test(c)) out += c;
      else {
        const e = escapeChunk(c);
        if (e === undefined) {
          out = undefined;
          break;
        }
        out += e;
      }
    }
  }
  escapeCache.set(name, out);
  return out;
}

/** Whether model.SchemaDeclType gives the node a CEL type (untyped nodes are invisible to rules). */
function hasDeclType(n: SNode): boolean {
  if (n.intOrString) return true;
  switch (n.type) {
    case 'array':
      return n.items !== undefined && hasDeclType(n.items);
    case 'object': {
      const add = additionalNode(n);
      return add ? hasDeclType(add) : true;
    }
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return true;
    default:
      return false;
  }
}

let converters: { timestamp: Program; duration: Program } | undefined;
function convert(kind: 'timestamp' | 'duration', s: string): unknown {
  converters ??= {
    timestamp: plan(ENV, parse('timestamp(s)')) as unknown as Program,
    duration: plan(ENV, parse('duration(s)')) as unknown as Program,
  };
  const v = converters[kind]({ s });
  return isCelError(v) ? s : v;
}

interface FieldPlan {
  name: string;
  esc: string;
  node: SNode;
}

const fieldPlans = new WeakMap<SNode, FieldPlan[]>();

/** The properties of an object node that CEL can see, with their escaped names (computed once per node). */
function fieldPlan(n: SNode): FieldPlan[] {
  let plan = fieldPlans.get(n);
  if (!plan) {
    plan = [];
    for (const [name, node] of n.properties ?? []) {
      const esc = escapeProperty(name);
      if (esc !== undefined && hasDeclType(node)) plan.push({ name, esc, node });
    }
    fieldPlans.set(n, plan);
  }
  return plan;
}

/** UnstructuredToVal: the CEL value of `v` under schema `n`. */
export function toCel(v: unknown, n: SNode, resourceRoot: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (n.intOrString) return typeof v === 'number' && isInt64(v) ? BigInt(v) : v;
  switch (n.type) {
    case 'object': {
      if (!isJsonObject(v)) return v;
      const add = additionalNode(n);
      const out = new Map<string, unknown>();
      if (add) {
        if (!hasDeclType(add)) return out;
        for (const [k, x] of Object.entries(v)) out.set(k, toCel(x, add, add.embedded));
        return out;
      }
      for (const f of fieldPlan(n)) {
        if (v[f.name] === undefined || !Object.prototype.hasOwnProperty.call(v, f.name)) continue;
        if (resourceRoot && (f.name === 'apiVersion' || f.name === 'kind' || f.name === 'metadata')) continue;
        out.set(f.esc, toCel(v[f.name], f.node, f.node.embedded));
      }
      if (resourceRoot) {
        // model.WithTypeAndObjectMeta: apiVersion, kind and metadata.name/generateName
        for (const k of ['apiVersion', 'kind']) if (typeof v[k] === 'string') out.set(k, v[k]);
        if (isJsonObject(v.metadata)) {
          const m = new Map<string, unknown>();
          for (const k of ['name', 'generateName']) if (typeof v.metadata[k] === 'string') m.set(k, v.metadata[k]);
          out.set('metadata', m);
        }
      }
      return out;
    }
    case 'array':
      if (!Array.isArray(v) || !n.items) return v;
    {
      const items = n.items;
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = toCel(v[i], items, items.embedded);
      return out;
    }
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
    case 'string':
      if (typeof v !== 'string') return v;
      switch (n.format) {
        case 'date-time':
        case 'datetime':
          return convert('timestamp', v);
        case 'date':
          return convert('timestamp', `${v}T00:00:00Z`);
        case 'duration':
          return convert('duration', v);
        case 'byte':
          return new Uint8Array(Buffer.from(v, 'base64'));
        default:
          return v;
      }
    default:
      return v;
  }
}

// ---------------------------------------------------------------- static checks

type Ty = { kind: string; node?: SNode; root?: boolean };
const DYN: Ty = { kind: 'dyn' };

function nodeType(n: SNode | undefined, root: boolean): Ty {
  if (!n) return DYN;
  if (n.intOrString) return DYN;
  if (n.type === 'string' && (n.format === 'date-time' || n.format === 'datetime' || n.format === 'date')) return { kind: 'timestamp' };
  if (n.type === 'string' && n.format === 'duration') return { kind: 'duration' };
  if (n.type === 'string' && n.format === 'byte') return { kind: 'bytes' };
  const kinds: Record<string, string> = { object: 'object', array: 'list', string: 'string', integer: 'int', number: 'double', boolean: 'bool' };
  return { kind: kinds[n.type] ?? 'dyn', node: n, root };
}

const BOOL_FUNCS = new Set([
  '_==_',
  '_!=_',
  '_<_',
  '_<=_',
  '_>_',
  '_>=_',
  '_&&_',
  '_||_',
  '!_',
  '@in',
  'matches',
  'startsWith',
  'endsWith',
  'contains',
  'isSorted',
  'sets.contains',
  'sets.equivalent',
  'sets.intersects',
]);

interface Expr {
  id: bigint;
  exprKind: { case?: string; value?: any };
}

class StaticCheck {
  errors: string[] = [];
  usesOldSelf = false;
  constructor(
    private readonly expr: string,
    private readonly positions: Record<string, number>,
    private readonly self: SNode,
    private readonly root: boolean,
  ) {}

  private fail(e: Expr, msg: string): void {
    const off = this.positions[String(e.id)] ?? 0;
    const [line, col] = offsetToLineCol(this.expr, off);
    this.errors.push(issue(this.expr, line, col, msg));
  }

  check(e: Expr, scope: Map<string, Ty>): Ty {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr': {
        const c = k.value.constantKind?.case as string | undefined;
        const map: Record<string, string> = { boolValue: 'bool', int64Value: 'int', uint64Value: 'uint', doubleValue: 'double', stringValue: 'string', bytesValue: 'bytes', nullValue: 'null' };
        return { kind: map[c ?? ''] ?? 'dyn' };
      }
      case 'identExpr': {
        const name = k.value.name as string;
        if (scope.has(name)) return scope.get(name) as Ty;
        if (name === 'self') return nodeType(this.self, this.root);
        if (name === 'oldSelf') {
          this.usesOldSelf = true;
          return nodeType(this.self, this.root);
        }
        if (['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type'].includes(name)) return DYN;
        this.fail(e, `undeclared reference to '${name}' (in container '')`);
        return DYN;
      }
      case 'selectExpr': {
        const operand = k.value.operand as Expr;
        const field = k.value.field as string;
        if (operand.exprKind.case === 'identExpr' && operand.exprKind.value.name === 'sets') return DYN;
        const t = this.check(operand, scope);
        let out: Ty = DYN;
        if (t.kind === 'object' && t.node) {
          const add = additionalNode(t.node);
          if (add) out = nodeType(add, add.embedded);
          else out = this.field(e, t, field);
        } else if (t.kind === 'object-meta') {
          out = field === 'name' || field === 'generateName' ? { kind: 'string' } : (this.fail(e, `undefined field '${field}'`), DYN);
        } else if (['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'null'].includes(t.kind)) {
          this.fail(e, `type '${t.kind === 'null' ? 'null_type' : t.kind}' does not support field selection`);
        }
        return k.value.testOnly ? { kind: 'bool' } : out;
      }
      case 'callExpr': {
        const fn = k.value.function as string;
        if (k.value.target) this.check(k.value.target as Expr, scope);
        for (const a of k.value.args as Expr[]) this.check(a, scope);
        if (BOOL_FUNCS.has(fn)) return { kind: 'bool' };
        if (fn === 'size' || fn === 'int' || fn === 'indexOf' || fn === 'lastIndexOf') return { kind: 'int' };
        if (fn === 'string' || fn === 'lowerAscii' || fn === 'upperAscii' || fn === 'trim' || fn === 'replace' || fn === 'substring') return { kind: 'string' };
        return DYN;
      }
      case 'listExpr':
        for (const el of k.value.elements as Expr[]) this.check(el, scope);
        return { kind: 'list' };
      case 'structExpr':
        for (const en of k.value.entries as Array<{ keyKind: { case?: string; value?: Expr }; value?: Expr }>) {
          if (en.keyKind.case === 'mapKey' && en.keyKind.value) this.check(en.keyKind.value, scope);
          if (en.value) this.check(en.value, scope);
        }
        return { kind: 'map' };
      case 'comprehensionExpr': {
        const c = k.value;
        const range = this.check(c.iterRange as Expr, scope);
        const inner = new Map(scope);
        let elem: Ty = DYN;
        if (range.kind === 'list' && range.node?.items) elem = nodeType(range.node.items, range.node.items.embedded);
        else if (range.kind === 'object') elem = { kind: 'string' };
        inner.set(c.iterVar as string, elem);
        if (c.iterVar2) inner.set(c.iterVar2 as string, DYN);
        const init = this.check(c.accuInit as Expr, inner);
        inner.set(c.accuVar as string, init);
        this.check(c.loopCondition as Expr, inner);
        this.check(c.loopStep as Expr, inner);
        const res = this.check(c.result as Expr, inner);
        return res.kind === 'bool' || init.kind === 'bool' ? { kind: 'bool' } : res;
      }
      default:
        return DYN;
    }
  }

  private field(e: Expr, t: Ty, field: string): Ty {
    const n = t.node as SNode;
    if (t.root || n.embedded) {
      if (field === 'apiVersion' || field === 'kind') return { kind: 'string' };
      if (field === 'metadata') return { kind: 'object-meta' };
    }
    for (const [name, p] of n.properties ?? []) {
      if (escapeProperty(name) === field && hasDeclType(p)) return nodeType(p, p.embedded);
    }
    if (n.preserveUnknown && !n.properties) return DYN;
    this.fail(e, `undefined field '${field}'`);
    return DYN;
  }
}

// ---------------------------------------------------------------- compiled rules

export interface CompiledRule {
  spec: RuleSpec;
  program?: Program;
  /** Detail of a compile error ("compilation failed: …"). */
  error?: string;
  usesOldSelf: boolean;
  messageProgram?: Program;
  messageError?: string;
  /** The rule's fieldPath as a field path relative to the rule's level, or the reason it is invalid. */
  fieldPath?: string;
  fieldPathError?: string;
}

function compileRule(spec: RuleSpec, self: SNode, root: boolean): CompiledRule {
  const out: CompiledRule = { spec, usesOldSelf: false };
  if (spec.rule.trim() === '') return out;
  const c = compileProgram(spec.rule);
  if (c.error || !c.parsed) {
    out.error = `compilation failed: ${c.error}`;
  } else {
    const sc = new StaticCheck(spec.rule, (c.parsed.sourceInfo?.positions ?? {}) as Record<string, number>, self, root);
    const t = sc.check(c.parsed.expr as unknown as Expr, new Map());
    out.usesOldSelf = sc.usesOldSelf;
    if (sc.errors.length) out.error = `compilation failed: ${sc.errors.join('\n')}`;
    else if (t.kind !== 'bool' && t.kind !== 'dyn') out.error = 'cel expression must evaluate to a bool';
    else out.program = c.program;
  }
  if (spec.messageExpression !== undefined && spec.messageExpression.trim() !== '') {
    const m = compileProgram(spec.messageExpression);
    if (m.error) out.messageError = `messageExpression compilation failed: ${m.error}`;
    else out.messageProgram = m.program;
  }
  if (spec.fieldPath) {
    const fp = validFieldPath(spec.fieldPath, self);
    if (typeof fp === 'string') out.fieldPath = fp;
    else out.fieldPathError = fp.error;
  }
  return out;
}

/** cel.ValidFieldPath: `.a.b`, `['a.b']` and map keys, normalized to a field path (`a.b`, `labels[x]`). */
function validFieldPath(jsonPath: string, schema: SNode): string | { error: string } {
  const tokens: string[] = [];
  for (let i = 0; i < jsonPath.length; ) {
    const c = jsonPath[i];
    if (c === '.' || c === '[' || c === ']') {
      tokens.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === "'" && jsonPath[j - 1] !== '\\')) j++;
      tokens.push(jsonPath.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < jsonPath.length && !'.[]'.includes(jsonPath[j])) j++;
      tokens.push(jsonPath.slice(i, j));
      i = j;
    }
  }
  let s: SNode | undefined = schema;
  let path = '';
  const append = (name: string): string | undefined => {
    if (!s) return 'does not refer to a valid field';
    if (s.properties) {
      path = path ? `${path}.${name}` : name;
      s = s.properties.get(name);
      if (!s) return 'does not refer to a valid field';
    } else if (s.additionalProperties !== undefined) {
      path = `${path}[${name}]`;
      s = additionalNode(s);
    } else return 'does not refer to a valid field';
    return undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '[') {
      const q = tokens[++i];
      if (q === undefined) return { error: 'unexpected end of JSON path' };
      if (q.length < 2 || q[0] !== "'" || q[q.length - 1] !== "'") return { error: `expected single quoted string but got ${q}` };
      const e = append(q.slice(1, -1).replace(/\\(.)/g, '$1'));
      if (e) return { error: e };
      if (tokens[++i] !== ']') return { error: `expected ] but got ${tokens[i] ?? ''}` };
    } else if (t === '.') {
      const name = tokens[++i];
      if (name === undefined) return { error: 'unexpected end of JSON path' };
      const e = append(name);
      if (e) return { error: e };
    } else return { error: `expected [ or . but got: ${t}` };
  }
  return path;
}

export interface CelNode {
  spine: SNode;
  rules: CompiledRule[];
  resourceRoot: boolean;
  properties?: Map<string, CelNode>;
  additional?: CelNode;
  items?: CelNode;
  allOf?: CelNode[];
}

/** validator(): the CEL rules of `v` (the node or an allOf branch of it) applied with the spine node `n`'s types. */
export function buildCelTree(v: SNode, n: SNode, resourceRoot: boolean): CelNode | undefined {
  const rules = v.rules.map((r) => compileRule(r, n, resourceRoot));
  const out: CelNode = { spine: n, rules, resourceRoot };
  if (v.items && n.items) {
    const it = buildCelTree(v.items, n.items, n.items.embedded);
    if (it) out.items = it;
  }
  if (v.properties && n.properties) {
    for (const [k, vp] of v.properties) {
      const np = n.properties.get(k);
      if (!np || !hasDeclType(np)) continue;
      const p = buildCelTree(vp, np, np.embedded);
      if (p) (out.properties ??= new Map()).set(k, p);
    }
  }
  const va = additionalNode(v);
  const na = additionalNode(n);
  if (va && na) {
    const a = buildCelTree(va, na, na.embedded);
    if (a) out.additional = a;
  }
  for (const b of v.allOf ?? []) {
    const a = buildCelTree(b, n, resourceRoot);
    if (a) (out.allOf ??= []).push(a);
  }
  return rules.length || out.items || out.properties || out.additional || out.allOf ? out : undefined;
}

// ---------------------------------------------------------------- evaluation

function fieldOf(path: string): string {
  return path === '' ? '<nil>' : path;
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** cel-go's wording for the runtime errors rules hit most. */
function runtimeMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  let m = /^field not found: (.*)$/.exec(msg);
  if (m) return `no such key: ${m[1]}`;
  if (/divide by zero/.test(msg)) return 'division by zero';
  if (/modulus by zero/.test(msg)) return 'modulus by zero';
  if (/overflow/.test(msg)) return 'integer overflow';
  m = /^index (-?\d+) out of bounds/.exec(msg);
  if (m) return `index out of bounds: ${m[1]}`;
  if (/no matching overload/.test(msg)) return 'no such overload';
  return msg;
}

function ruleErrorString(r: RuleSpec): string {
  return r.message && r.message.length > 0 ? r.message.trim() : r.rule.trim();
}

function celDetail(r: RuleSpec): string {
  return r.message && r.message.length > 0 ? r.message.trim() : `failed rule: ${r.rule.trim()}`;
}

interface EvalCtx {
  errors: FieldError[];
  hasOld: boolean;
}

/** A rule error on update is dropped (kube-apiserver warns instead) when the value it judged did not change. */
interface Ratchet {
  old: unknown;
  found: boolean;
}

function messageFromExpression(cr: CompiledRule, bindings: Record<string, unknown>): string | undefined {
  if (!cr.messageProgram) return undefined;
  let v: unknown;
  try {
    v = cr.messageProgram(bindings);
  } catch {
    return undefined;
  }
  if (isCelError(v) || typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t.length === 0 || t.length > 5 * 1024 || /\n/.test(t)) return undefined;
  return t;
}

function validateExpressions(cn: CelNode, path: string, obj: unknown, oldSelf: unknown, hasOldSelf: boolean, ratchet: Ratchet, ctx: EvalCtx): void {
  if (cn.rules.length === 0) return;
  const sts = cn.spine.type;
  let bindings: Record<string, unknown> | undefined;
  let ratcheted: boolean | undefined;
  for (const cr of cn.rules) {
    const r = cr.spec;
    if (cr.error) {
      ctx.errors.push({ type: 'Invalid', field: fieldOf(path), value: sts, detail: `rule compile error: ${cr.error}` });
      continue;
    }
    if (!cr.program) continue;
    if (cr.usesOldSelf && !hasOldSelf) continue; // transition rules need a correlated old value
    bindings ??= { self: toCel(obj, cn.spine, cn.resourceRoot), ...(hasOldSelf ? { oldSelf: toCel(oldSelf, cn.spine, cn.resourceRoot) } : {}) };
    let result: unknown;
    try {
      result = cr.program(bindings);
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (result === true) continue;
    const failed = isCelError(result) || result instanceof Error;
    if (!cr.usesOldSelf && ctx.hasOld) {
      ratcheted ??= ratchet.found && deepEqual(obj, ratchet.old);
      if (ratcheted) continue;
    }
    if (failed) {
      const msg = runtimeMessage(result);
      const detail =
        msg === 'no such overload'
          ? `'${msg}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(r)}`
          : `${msg} evaluating rule: ${ruleErrorString(r)}`;
      ctx.errors.push({ type: 'Invalid', field: fieldOf(path), value: sts, detail });
      continue;
    }
    const at = cr.fieldPath ? (path === '' ? cr.fieldPath : cr.fieldPath.startsWith('[') ? `${path}${cr.fieldPath}` : `${path}.${cr.fieldPath}`) : path;
    const detail = messageFromExpression(cr, bindings) ?? celDetail(r);
    switch (r.reason) {
      case 'FieldValueForbidden':
        ctx.errors.push({ type: 'Forbidden', field: fieldOf(at), detail });
        break;
      case 'FieldValueRequired':
        ctx.errors.push({ type: 'Required', field: fieldOf(at), detail });
        break;
      case 'FieldValueDuplicate':
        ctx.errors.push({ type: 'Duplicate', field: fieldOf(at), value: sts });
        break;
      default:
        ctx.errors.push({ type: 'Invalid', field: fieldOf(at), value: sts, detail });
    }
  }
}

/** Validator.validate: the node's rules, its allOf branches, then additionalProperties, properties or items. */
export function validateCel(cn: CelNode, path: string, obj: unknown, oldSelf: unknown, hasOldSelf: boolean, ratchet: Ratchet, ctx: EvalCtx): void {
  if (obj === null || obj === undefined) return;
  if (oldSelf === null) hasOldSelf = false;
  validateExpressions(cn, path, obj, oldSelf, hasOldSelf, ratchet, ctx);
  for (const a of cn.allOf ?? []) validateCel(a, path, obj, oldSelf, hasOldSelf, ratchet, ctx);
  if (Array.isArray(obj)) {
    if (!cn.items) return;
    const items = cn.items;
    const mapList = cn.spine.listType === 'map' && Array.isArray(oldSelf) && hasOldSelf ? oldMapList(cn.spine, oldSelf) : undefined;
    const cache = {};
    obj.forEach((v, i) => {
      let old: unknown;
      let has = false;
      if (mapList && isJsonObject(v)) {
        const k = mapListKey(v, cn.spine.listMapKeys ?? []);
        has = mapList.has(k);
        old = mapList.get(k);
      }
      const rc = ratchet.found ? correlateItem(cn.spine, obj, ratchet.old, i, cache) : { old: undefined, found: false };
      validateCel(items, `${path}[${i}]`, v, old, has, rc, ctx);
    });
    return;
  }
  if (!isJsonObject(obj)) return;
  const correlatable = cn.spine.mapType === undefined || cn.spine.mapType === 'granular' || cn.spine.mapType === 'atomic';
  const oldMap = hasOldSelf && correlatable && isJsonObject(oldSelf) ? oldSelf : undefined;
  const sub = (k: string): Ratchet =>
    ratchet.found && isJsonObject(ratchet.old) && Object.prototype.hasOwnProperty.call(ratchet.old, k) ? { old: ratchet.old[k], found: true } : { old: undefined, found: false };
  if (cn.additional) {
    for (const [k, v] of Object.entries(obj)) {
      const has = oldMap !== undefined && Object.prototype.hasOwnProperty.call(oldMap, k);
      validateCel(cn.additional, `${path}[${k}]`, v, has ? oldMap[k] : undefined, has, sub(k), ctx);
    }
  }
  if (cn.properties) {
    for (const [k, p] of cn.properties) {
      if (obj[k] === undefined || !Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const has = oldMap !== undefined && Object.prototype.hasOwnProperty.call(oldMap, k);
      validateCel(p, child(path, k), obj[k], has ? oldMap[k] : undefined, has, sub(k), ctx);
    }
  }
}

function oldMapList(n: SNode, old: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const o of old) if (isJsonObject(o)) m.set(mapListKey(o, n.listMapKeys ?? []), o);
  return m;
}

// ---------------------------------------------------------------- CRD-time errors

/** Go's %#v of an apiextensions.ValidationRule, the bad value kube-apiserver prints for a rule that does not compile. */
function ruleValueText(r: RuleSpec): string {
  const ptr = (t: string, set: boolean) => (set ? `(*${t})(0xc000000000)` : `(*${t})(nil)`);
  return (
    `apiextensions.ValidationRule{Rule:${goQuote(r.rule)}, Message:${goQuote(r.message ?? '')}, ` +
    `MessageExpression:${goQuote(r.messageExpression ?? '')}, Reason:${ptr('apiextensions.FieldValueErrorReason', r.reason !== undefined)}, ` +
    `FieldPath:${goQuote(r.fieldPath ?? '')}, OptionalOldSelf:${ptr('bool', r.optionalOldSelf !== undefined)}}`
  );
}

/** Compile-time errors of every rule in the schema, with the CRD field paths kube-apiserver reports. */
export function ruleErrors(v: SNode, n: SNode, path: string, resourceRoot: boolean, out: FieldError[]): void {
  v.rules.forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (r.rule.trim() === '') {
      out.push({ type: 'Required', field: `${at}.rule`, detail: 'rule is not specified' });
      return;
    }
    const cr = compileRule(r, n, resourceRoot);
    if (cr.error) out.push({ type: 'Invalid', field: `${at}.rule`, value: r, valueText: ruleValueText(r), detail: cr.error });
    if (cr.messageError) out.push({ type: 'Invalid', field: `${at}.messageExpression`, value: r, valueText: ruleValueText(r), detail: cr.messageError });
    if (cr.fieldPathError) out.push({ type: 'Invalid', field: `${at}.fieldPath`, value: r.fieldPath, detail: `fieldPath must be a valid path: ${cr.fieldPathError}` });
    if (r.reason !== undefined && !['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'].includes(r.reason)) {
      out.push({
        type: 'NotSupported',
        field: `${at}.reason`,
        value: r.reason,
        detail: `supported values: ${['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'].map(goQuote).join(', ')}`,
      });
    }
  });
  if (v.properties) {
    for (const [k, vp] of v.properties) {
      const np = n.properties?.get(k) ?? vp;
      ruleErrors(vp, np, `${path}.properties[${k}]`, np.embedded, out);
    }
  }
  if (v.items) ruleErrors(v.items, n.items ?? v.items, `${path}.items`, (n.items ?? v.items).embedded, out);
  const va = additionalNode(v);
  if (va) {
    const na = additionalNode(n) ?? va;
    ruleErrors(va, na, `${path}.additionalProperties`, na.embedded, out);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) (v[key] ?? []).forEach((b, i) => ruleErrors(b, n, `${path}.${key}[${i}]`, resourceRoot, out));
  if (v.not) ruleErrors(v.not, n, `${path}.not`, resourceRoot, out);
}

