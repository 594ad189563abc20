// Field edits on the text of a manifest file, for write-through: change only
// the bytes of the fields that change, in the one document that defines the
// object. The yaml library's Document API finds the nodes (with their source
// ranges); the edit splices new scalar text into those ranges, so comments,
// key order, quoting, the other documents, indentation (JSON too) and line
// endings stay exactly as they were. Every edit is checked by parsing the
// result: the target document must equal the old one with the changes applied
// and every other document must be unchanged, else the edit is refused.
// Pure: no I/O.
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parse, parseAllDocuments, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** A path step: a map key, a sequence index, or the sequence item whose `name` is this (containers). */
export type Seg = string | number | { name: string };

export interface FieldChange {
  path: Seg[];
  value: string | number | boolean;
}

/** Which object of the file: kind and name (and namespace when the manifest names one); `doc` is a 1-based hint. */
export interface Locator {
  kind: string;
  name: string;
  namespace?: string;
  doc?: number;
  /** The file's only document, whatever it is (a kustomization has no name). */
  only?: boolean;
}

export type EditResult = { ok: true; text: string; doc: number; line: number; unchanged?: boolean } | { ok: false; reason: string };

export interface EditOptions {
  /** JSON file: inserted keys are quoted and strings are JSON strings. */
  json?: boolean;
}

interface Splice {
  at: number;
  end: number;
  text: string;
}

const YAML_OPTIONS = { version: '1.1' as const, prettyErrors: false };

export const pathString = (path: Seg[]): string =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : typeof s === 'string' ? `${i ? '.' : ''}${s}` : `[name=${s.name}]`)).join('');

export function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** Parses every document; undefined when any of them has errors. */
function parseDocs(text: string): { docs: Document.Parsed[]; lc: LineCounter } | { error: string } {
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lc }) as Document.Parsed[];
  } catch (e) {
    return { error: `the file does not parse: ${(e as Error).message}` };
  }
  if (!Array.isArray(docs)) docs = [];
  for (const [i, d] of docs.entries()) {
    if (d.errors.length) return { error: `document ${i + 1} does not parse: ${d.errors[0].message.split('\n')[0]}` };
  }
  return { docs, lc };
}

function toJs(d: Document.Parsed): unknown {
  try {
    return d.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function matches(js: unknown, loc: Locator): boolean {
  if (!js || typeof js !== 'object' || Array.isArray(js)) return false;
  const o = js as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (o.kind !== loc.kind || o.metadata?.name !== loc.name) return false;
  const ns = o.metadata?.namespace;
  return ns === undefined || ns === null || ns === '' || !loc.namespace || ns === loc.namespace;
}

/** The document defining the object: the hinted one when it still matches, else the one that does (the file changed). */
export function findDocument(docs: Document.Parsed[], loc: Locator): number | { error: string } {
  if (loc.only) return docs.length === 1 ? 0 : { error: 'the file is not one YAML document' };
  const hint = loc.doc !== undefined ? loc.doc - 1 : -1;
  if (hint >= 0 && hint < docs.length && matches(toJs(docs[hint]), loc)) return hint;
  const found = docs.map((d, i) => (matches(toJs(d), loc) ? i : -1)).filter((i) => i >= 0);
  if (found.length === 1) return found[0];
  const what = `${loc.kind}/${loc.name}`;
  if (!found.length) return { error: `no document in the file defines ${what} any more` };
  return { error: `${found.length} documents in the file define ${what}; refusing to guess` };
}

function childOf(node: unknown, seg: Seg): { node: Node | undefined; pair?: Pair } | undefined {
  if (typeof seg === 'string') {
    if (!isMap(node)) return undefined;
    const pair = (node as YAMLMap).items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg) as Pair | undefined;
    return { node: pair?.value as Node | undefined, pair };
  }
  if (!isSeq(node)) return undefined;
  const items = (node as YAMLSeq).items as Node[];
  if (typeof seg === 'number') return { node: items[seg] };
  return { node: items.find((it) => isMap(it) && (it as YAMLMap).get('name') === seg.name) };
}

/** A scalar as YAML (or JSON) text, in the style the old value used where it can. */
export function formatScalar(value: string | number | boolean, style: string | undefined, json: boolean): string {
  if (typeof value !== 'string') return String(value);
  if (json || style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return plainSafe(value) ? value : JSON.stringify(value);
}

/** True when `value` written plain reads back as the same string (YAML 1.1, as the loader reads it). */
function plainSafe(value: string): boolean {
  if (!value || /[\n\r\t]/.test(value) || value !== value.trim() || /^[-?:,[\]{}#&*!|>'"%@`]/.test(value) || / #|: |:$/.test(value)) return false;
  try {
    return (parse(`v: ${value}`, YAML_OPTIONS) as { v?: unknown })?.v === value;
  } catch {
    return false;
  }
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function nextLineStart(text: string, at: number): number {
  if (at > 0 && text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

/** Text splice that adds `key: value` to a map that does not have the key. */
function insertInMap(text: string, map: YAMLMap, key: string, value: string, isRoot: boolean, json: boolean): Splice | { error: string } {
  const eol = eolOf(text);
  const k = json ? JSON.stringify(key) : plainSafe(key) ? key : JSON.stringify(key);
  const pairs = map.items as Pair[];
  const range = map.range;
  if (!range) return { error: 'the map has no position in the file' };
  if (map.flow) {
    const open = text.indexOf('{', range[0]);
    if (open < 0) return { error: 'cannot find the flow map' };
    if (!pairs.length) return { at: open + 1, end: open + 1, text: `${k}: ${value}` };
    const first = (pairs[0].key as Node | undefined)?.range?.[0];
    if (first === undefined) return { error: 'cannot find the first key of the map' };
    const multiLine = text.slice(open, first).includes('\n');
    const indent = text.slice(lineStart(text, first), first);
    return { at: first, end: first, text: multiLine ? `${k}: ${value},${eol}${indent}` : `${k}: ${value}, ` };
  }
  if (!pairs.length) return { error: 'the map is empty' };
  const firstKey = pairs[0].key as Node | undefined;
  const first = firstKey?.range?.[0];
  if (first === undefined) return { error: 'cannot find the first key of the map' };
  const ls = lineStart(text, first);
  const indent = text.slice(ls, first);
  if (isRoot) {
    // A new top-level key goes last, as kustomize edit writes one.
    const last = pairs[pairs.length - 1];
    const end = (last.value as Node | undefined)?.range?.[2] ?? (last.key as Node | undefined)?.range?.[2];
    if (end === undefined) return { error: 'cannot find the end of the map' };
    const at = nextLineStart(text, end);
    const pre = at === text.length && text.length && !text.endsWith('\n') ? eol : '';
    return { at, end: at, text: `${pre}${indent.replace(/\S/g, ' ')}${k}: ${value}${eol}` };
  }
  if (/^\s*$/.test(indent)) {
    // Above the first key, but below the parent's line: comments that belong to the first key stay with it.
    let at = ls;
    for (;;) {
      if (at === 0) break;
      const prev = lineStart(text, at - 1);
      const line = text.slice(prev, at).replace(/\r?\n$/, '');
      if (!/^\s*#/.test(line) || line.indexOf('#') !== indent.length) break;
      at = prev;
    }
    return { at, end: at, text: `${indent}${k}: ${value}${eol}` };
  }
  // `- name: web` — the map starts after a sequence dash: add the key after the first pair.
  const firstEnd = (pairs[0].value as Node | undefined)?.range?.[2] ?? firstKey?.range?.[2];
  if (firstEnd === undefined) return { error: 'cannot find the end of the first key' };
  const at = nextLineStart(text, firstEnd);
  const pad = ' '.repeat(first - ls);
  return { at, end: at, text: `${at === text.length && !text.endsWith('\n') ? eol : ''}${pad}${k}: ${value}${eol}` };
}

/** True when an alias elsewhere in the document refers to this node's anchor. */
function anchorUsed(doc: Document.Parsed, node: Node): boolean {
  const anchor = (node as { anchor?: string }).anchor;
  if (!anchor) return false;
  let used = false;
  visit(doc, {
    Alias(_k, a) {
      if (a.source === anchor) used = true;
    },
  });
  return used;
}

function setJs(target: unknown, path: Seg[], value: unknown): boolean {
  let cur = target as Record<string, unknown> | unknown[];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    let key: string | number;
    if (typeof seg === 'object') {
      if (!Array.isArray(cur)) return false;
      key = cur.findIndex((x) => (x as { name?: unknown } | null)?.name === seg.name);
      if (key < 0) return false;
    } else key = seg;
    if (last) {
      (cur as Record<string | number, unknown>)[key] = value;
      return true;
    }
    const next = (cur as Record<string | number, unknown>)[key];
    if (next === null || typeof next !== 'object') return false;
    cur = next as Record<string, unknown>;
  }
  return false;
}

/** Deep equality that ignores key order (an added key goes where the file wants it). */
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.text + out.slice(s.end);
  return out;
}

/**
 * Sets scalar fields of the object `loc` names, touching nothing else. A field
 * whose map exists but lacks the key is added to that map; a missing map on the
 * way, a collection where a scalar is expected, or an anchored value that other
 * fields share are refused.
 */
export function setFields(text: string, loc: Locator, changes: FieldChange[], opts: EditOptions = {}): EditResult {
  const parsed = parseDocs(text);
  if ('error' in parsed) return { ok: false, reason: parsed.error };
  const { docs } = parsed;
  const idx = findDocument(docs, loc);
  if (typeof idx !== 'number') return { ok: false, reason: idx.error };
  const doc = docs[idx];
  const splices: Splice[] = [];
  const expected = toJs(doc);
  let firstAt: number | undefined;
  for (const ch of changes) {
    let node: unknown = doc.contents;
    let parent: unknown;
    let missing: string | undefined;
    for (const [i, seg] of ch.path.entries()) {
      if (isAlias(node)) return { ok: false, reason: `${pathString(ch.path.slice(0, i))} is an alias (*${node.source}) in the file; edit its anchor by hand` };
      const c = childOf(node, seg);
      if (!c) return { ok: false, reason: `${pathString(ch.path.slice(0, i)) || 'the document'} is not a ${typeof seg === 'string' ? 'map' : 'list'} in the file` };
      if (c.node === undefined || c.node === null) {
        if (i === ch.path.length - 1 && typeof seg === 'string') {
          parent = node;
          missing = seg;
          break;
        }
        return { ok: false, reason: `${pathString(ch.path.slice(0, i + 1))} is not in the manifest` };
      }
      parent = node;
      node = c.node;
    }
    if (missing !== undefined) {
      const s = insertInMap(text, parent as YAMLMap, missing, formatScalar(ch.value, undefined, !!opts.json), parent === doc.contents, !!opts.json);
      if ('error' in s) return { ok: false, reason: `cannot add ${pathString(ch.path)}: ${s.error}` };
      splices.push(s);
      firstAt = Math.min(firstAt ?? Infinity, s.at);
    } else if (isAlias(node)) {
      const r = node.range!;
      splices.push({ at: r[0], end: r[1], text: formatScalar(ch.value, undefined, !!opts.json) });
      firstAt = Math.min(firstAt ?? Infinity, r[0]);
    } else if (isScalar(node)) {
      if (anchorUsed(doc, node)) return { ok: false, reason: `${pathString(ch.path)} is anchored (&${node.anchor}) and shared with other fields; edit it by hand` };
      const r = node.range!;
      if (node.value === ch.value) continue;
      const style = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL' ? 'QUOTE_DOUBLE' : node.type;
      splices.push({ at: r[0], end: r[1], text: formatScalar(ch.value, style, !!opts.json) });
      firstAt = Math.min(firstAt ?? Infinity, r[0]);
    } else {
      return { ok: false, reason: `${pathString(ch.path)} is not a single value in the file` };
    }
    if (!setJs(expected, ch.path, ch.value)) return { ok: false, reason: `${pathString(ch.path)} cannot be set` };
  }
  if (!splices.length) return { ok: true, text, doc: idx + 1, line: lineOfDoc(parsed.lc, doc), unchanged: true };
  const out = applySplices(text, splices);
  const check = verify(text, out, idx, expected);
  if (check) return { ok: false, reason: check };
  const lc = new LineCounter();
  parseAllDocuments(out, { ...YAML_OPTIONS, lineCounter: lc });
  return { ok: true, text: out, doc: idx + 1, line: lc.linePos(firstAt ?? 0).line };
}

function lineOfDoc(lc: LineCounter, d: Document.Parsed): number {
  return lc.linePos(d.contents?.range?.[0] ?? 0).line;
}

/** Undefined when `after` is `before` with only document `idx` changed, and that one to `expected`. */
export function verify(before: string, after: string, idx: number, expected: unknown): string | undefined {
  const a = parseDocs(before);
  const b = parseDocs(after);
  if ('error' in b) return `the edit would break the file (${b.error}); nothing was written`;
  if ('error' in a) return a.error;
  if (a.docs.length !== b.docs.length) return 'the edit would change the number of documents; nothing was written';
  for (let i = 0; i < a.docs.length; i++) {
    const want = i === idx ? expected : toJs(a.docs[i]);
    if (!same(toJs(b.docs[i]), want)) {
      return i === idx ? 'the edit would not produce exactly the change asked for; nothing was written' : `the edit would change document ${i + 1}; nothing was written`;
    }
  }
  return undefined;
}

export { parseDocs as parseManifestDocs };
