// Write-through into a kustomization.yaml, as `kustomize edit set replicas`
// and `kustomize edit set image` write it: an object built by kustomize gets
// its new replica count as a `replicas:` entry ({name, count}) and its new
// image as an `images:` entry ({name, newName, newTag | digest}). An existing
// entry is updated in place; otherwise one is appended (the list created when
// there is none). Same rules as yaml-edit.ts: only these bytes change, and the
// result is verified by parsing it. Pure: no I/O.
import { isMap, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { eolOf, formatScalar, parseManifestDocs, setFields, verify, type EditResult } from './yaml-edit.js';

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

/** `registry:5000/app:1.2@sha256:…` → name, tag, digest (a port's colon is not a tag). */
export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

interface Entry {
  [k: string]: string | number;
}

function kustomizationDoc(text: string): { root: YAMLMap; js: Record<string, unknown> } | { error: string } {
  const parsed = parseManifestDocs(text);
  if ('error' in parsed) return { error: `the kustomization ${parsed.error}` };
  const docs = parsed.docs;
  if (docs.length !== 1 || !isMap(docs[0].contents)) return { error: 'the kustomization is not one YAML mapping' };
  return { root: docs[0].contents as YAMLMap, js: docs[0].toJS() as Record<string, unknown> };
}

/** Adds `entry` to the list at top-level `key` (creating the list), or returns why not. */
function appendEntry(text: string, key: string, entry: Entry): EditResult {
  const k = kustomizationDoc(text);
  if ('error' in k) return { ok: false, reason: k.error };
  const eol = eolOf(text);
  const fields = Object.entries(entry);
  const scalar = (v: string | number) => formatScalar(v, undefined, false);
  const list = k.root.get(key, true) as Node | undefined;
  const expected = structuredClone(k.js);
  const arr = (expected[key] as unknown[] | undefined) ?? [];
  arr.push(entry);
  expected[key] = arr;
  let out: string;
  let at: number;
  if (list === undefined || list === null) {
    const end = k.root.range?.[2] ?? text.length;
    at = end > 0 && text[end - 1] !== '\n' ? text.indexOf('\n', end) + 1 || text.length : end;
    const pre = at === text.length && text.length && !text.endsWith('\n') ? eol : '';
    const body = fields.map(([f, v], i) => `${i ? '  ' : '- '}${f}: ${scalar(v)}${eol}`).join('');
    out = text.slice(0, at) + `${pre}${key}:${eol}${body}` + text.slice(at);
    at += pre.length + key.length + 1 + eol.length;
  } else if (isSeq(list) && !(list as YAMLSeq).flow && (list as YAMLSeq).items.length) {
    const seq = list as YAMLSeq;
    const start = seq.range![0];
    const indent = ' '.repeat(start - (text.lastIndexOf('\n', start - 1) + 1));
    const lastEnd = (seq.items[seq.items.length - 1] as Node).range![2];
    at = lastEnd > 0 && text[lastEnd - 1] === '\n' ? lastEnd : text.indexOf('\n', lastEnd) + 1 || text.length;
    const pre = at === text.length && !text.endsWith('\n') ? eol : '';
    const body = fields.map(([f, v], i) => `${indent}${i ? '  ' : '- '}${f}: ${scalar(v)}${eol}`).join('');
    out = text.slice(0, at) + pre + body + text.slice(at);
  } else if (isSeq(list) && (list as YAMLSeq).flow) {
    const seq = list as YAMLSeq;
    const close = text.lastIndexOf(']', seq.range![1]);
    const item = `{${fields.map(([f, v]) => `${f}: ${scalar(v)}`).join(', ')}}`;
    at = close;
    out = text.slice(0, close) + (seq.items.length ? `, ${item}` : item) + text.slice(close);
  } else {
    return { ok: false, reason: `"${key}" in the kustomization is not a list` };
  }
  const bad = verify(text, out, 0, expected);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, text: out, doc: 1, line: out.slice(0, at).split('\n').length };
}

function entries(js: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = js[key];
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
}

/** `kustomize edit set replicas NAME=COUNT`. */
export function kustomizeSetReplicas(text: string, name: string, count: number): EditResult {
  const k = kustomizationDoc(text);
  if ('error' in k) return { ok: false, reason: k.error };
  const existing = entries(k.js, 'replicas').find((e) => e?.name === name);
  if (existing) return setTop(text, [['replicas', { name }, 'count', count]]);
  return appendEntry(text, 'replicas', { name, count });
}

/**
 * `kustomize edit set image`: `current` is the image the built object has now
 * (after any earlier images entry); `next` the one it should get.
 */
export function kustomizeSetImage(text: string, current: string, next: string): EditResult {
  const k = kustomizationDoc(text);
  if ('error' in k) return { ok: false, reason: k.error };
  const cur = parseImage(current);
  const want = parseImage(next);
  const list = entries(k.js, 'images');
  const existing = list.find((e) => (e?.newName ?? e?.name) === cur.name);
  if (existing) {
    const sel = { name: String(existing.name) };
    const changes: [string, { name: string }, string, string][] = [];
    if (want.name !== (existing.newName ?? existing.name)) changes.push(['images', sel, 'newName', want.name]);
    if (want.tag && want.tag !== existing.newTag) changes.push(['images', sel, 'newTag', want.tag]);
    if (want.digest && want.digest !== existing.digest) changes.push(['images', sel, 'digest', want.digest]);
    if (!want.tag && !want.digest) return { ok: false, reason: `image "${next}" has neither tag nor digest` };
    if ((want.tag && existing.digest) || (want.digest && existing.newTag)) {
      return { ok: false, reason: `the kustomization's images entry for ${String(existing.name)} uses ${existing.digest ? 'a digest' : 'a tag'}; edit it by hand` };
    }
    return setTop(text, changes);
  }
  const entry: Entry = { name: cur.name };
  if (want.name !== cur.name) entry.newName = want.name;
  if (want.tag) entry.newTag = want.tag;
  if (want.digest) entry.digest = want.digest;
  return appendEntry(text, 'images', entry);
}

function setTop(text: string, changes: [string, { name: string }, string, string | number][]): EditResult {
  if (!changes.length) return { ok: true, text, doc: 1, line: 1, unchanged: true };
  return setFields(
    text,
    { kind: 'Kustomization', name: '', only: true },
    changes.map(([a, b, c, v]) => ({ path: [a, b, c], value: v })),
  );
}
