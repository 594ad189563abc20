// Turns the text of one manifest file into Kubernetes objects, or into errors
// that name the file, the document, the line, the object and the field — so a
// broken file in a GitOps folder is reported precisely and never takes its
// neighbours down with it. Pure: no I/O, no cluster access.
//
// Whether a kind exists is not the loader's call unless it is handed a
// KindCatalog: the folder sync resolves kinds afterwards, against what the
// cluster serves and the CRDs of the whole folder (kinds.ts).
//
// YAML is read as kubectl reads it (go-yaml v2, i.e. YAML 1.1 scalars: `0644`
// is octal, `yes` is a boolean) except that timestamps and sexagesimal numbers
// stay strings, which is what a Kubernetes string field expects.
import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node, type Tags } from 'yaml';
import type { KubeObject } from '../api/meta.js';
import type { KindCatalog } from './kinds.js';
import { formatLineRanges, normalizeNbsp } from './nbsp.js';
import { annotationProblems, isHook } from './sync-options.js';

/** Files larger than this are refused rather than parsed (a runaway generator, a binary). */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024;
/** Aliases allowed per document: enough for real anchors, far too few for a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

export interface ManifestError {
  /** Path as the user should see it (relative to the synced folder when known). */
  file: string;
  /** 1-based document number in a multi-document file. */
  doc?: number;
  /** 1-based line. */
  line?: number;
  /** `Kind/name` when the object is known. */
  object?: string;
  /** Field path, e.g. `spec.replicas`. */
  field?: string;
  message: string;
}

export interface LoadedObject {
  obj: KubeObject;
  /** 1-based document number. */
  doc: number;
  /** 1-based line where the object starts. */
  line: number;
  /** Line of a dotted field path (`spec.template.spec.containers[0].image`) inside this object, if present. */
  fieldLine(path: string): number | undefined;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: ManifestError[];
  /** Problems that did not stop the file from applying (NBSP indentation read as spaces, a deprecated kustomize field). */
  warnings?: ManifestError[];
}

export interface LoadOptions {
  /** Read non-breaking spaces used as indentation or spacing as spaces, with a warning (nbsp.ts). Default true. */
  nbsp?: boolean;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** True for files the folder sync reads: .yaml, .yml and .json. */
export function isManifestFile(path: string): boolean {
  return MANIFEST_EXT.test(path);
}

/** `file:line (document N, Kind/name): field: message` — the one-line form used in Events, logs and the UI. */
export function formatManifestError(e: ManifestError): string {
  let where = e.file;
  if (e.line !== undefined) where += `:${e.line}`;
  const ctx: string[] = [];
  if (e.doc !== undefined) ctx.push(`document ${e.doc}`);
  if (e.object) ctx.push(e.object);
  if (ctx.length) where += ` (${ctx.join(', ')})`;
  return `${where}: ${e.field ? `${e.field}: ` : ''}${e.message}`;
}

// YAML 1.1 as go-yaml v2 reads it, minus the tags that would turn a string field into a Date or a number.
const customTags = (tags: Tags): Tags =>
  tags.filter((t) => {
    const tag = (t as { tag?: string; format?: string }).tag ?? '';
    const format = (t as { format?: string }).format;
    return format !== 'TIME' && !tag.endsWith(':timestamp');
  });

/** `kinds`: also refuse kinds it does not resolve (the folder sync resolves them later, across files). */
export function loadManifestFile(path: string, text: string, kinds?: KindCatalog, options: LoadOptions = {}): LoadResult {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestError[] = [];
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES) {
    errors.push({ file: path, message: `file is larger than ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB; refusing to parse it` });
    return { objects, errors };
  }
  // NBSPs become spaces one for one: offsets and lines still point into the file as written.
  const normalized = options.nbsp === false ? { text, lines: [] } : normalizeNbsp(text);
  const nbspLines = normalized.lines;
  text = normalized.text;
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', customTags, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    errors.push({ file: path, message: `error parsing: ${(e as Error).message}` });
    return { objects, errors };
  }
  if (!Array.isArray(docs)) docs = []; // an empty stream
  const lineOf = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lc.linePos(offset).line);
  if (nbspLines.length) warnings.push(...nbspWarnings(path, nbspLines, docs.length > 1 ? docs.map((d) => lineOf(d.range?.[0]) ?? 1) : []));

  docs.forEach((doc, i) => {
    const docNo = i + 1;
    if (doc.errors.length) {
      for (const err of doc.errors) {
        errors.push({ file: path, doc: docNo, line: err.linePos?.[0]?.line ?? lineOf(err.pos[0]), message: `error converting YAML to JSON: ${firstLine(err.message)}` });
      }
      return;
    }
    if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) return; // an empty document: `---` at the end
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      errors.push({ file: path, doc: docNo, line: lineOf(doc.contents.range?.[0]), message: `error converting YAML to JSON: ${(e as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return;
    const startLine = lineOf(doc.contents.range?.[0]) ?? 1;
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ file: path, doc: docNo, line: startLine, message: 'error unmarshaling JSON: the document is not a Kubernetes object (expected a mapping with apiVersion and kind)' });
      return;
    }
    const obj = value as KubeObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray((obj as { items?: unknown }).items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      const items = (obj as unknown as { items: unknown[] }).items;
      items.forEach((item, j) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[j] as Node | undefined) : undefined;
        const line = lineOf(node?.range?.[0]) ?? startLine;
        accept(item, docNo, line, node, `items[${j}]`);
      });
      return;
    }
    accept(obj, docNo, startLine, doc.contents as Node, '');
  });
  return warnings.length ? { objects, errors, warnings } : { objects, errors };

  function accept(value: unknown, docNo: number, line: number, node: Node | undefined, prefix: string): void {
    const fieldLine = (p: string): number | undefined => lineOf(nodeAt(node, p)?.range?.[0]);
    const problems = checkObject(value, kinds);
    const obj = value as KubeObject;
    const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : typeof obj?.metadata?.generateName === 'string' ? obj.metadata.generateName : '';
    const label = typeof obj?.kind === 'string' && obj.kind ? `${obj.kind}/${name}` : undefined;
    if (problems.length) {
      for (const p of problems) {
        errors.push({
          file: path,
          doc: docNo,
          line: (p.field ? fieldLine(p.field) : undefined) ?? line,
          object: label,
          field: p.field ? (prefix ? `${prefix}.${p.field}` : p.field) : undefined,
          message: p.message,
        });
      }
      return;
    }
    objects.push({ obj, doc: docNo, line, fieldLine });
  }
}

/**
 * One warning per document that had NBSPs read as spaces, naming its lines.
 * `docStarts`: first line of each document of a multi-document file (empty: one document).
 */
function nbspWarnings(file: string, lines: number[], docStarts: number[]): ManifestError[] {
  const byDoc = new Map<number, number[]>();
  for (const line of lines) {
    let doc = 0;
    for (let i = 0; i < docStarts.length; i++) if (docStarts[i] <= line) doc = i;
    byDoc.set(doc, [...(byDoc.get(doc) ?? []), line]);
  }
  return [...byDoc].map(([doc, ls]) => ({
    file,
    ...(docStarts.length ? { doc: doc + 1 } : {}),
    line: ls[0],
    message:
      `non-breaking spaces (U+00A0) read as spaces on line${ls.length > 1 ? 's' : ''} ${formatLineRanges(ls)}: ` +
      'the text was probably copied from a web page; replace them with ordinary spaces (kubectl refuses them)',
  }));
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

interface Problem {
  field?: string;
  message: string;
}

/** The checks kubectl makes before a request reaches the server: type meta, a name, well-typed basics (and a known kind, given `kinds`). */
export function checkObject(value: unknown, kinds?: KindCatalog): Problem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ message: 'error unmarshaling JSON: the item is not a Kubernetes object' }];
  }
  const o = value as Record<string, unknown>;
  const out: Problem[] = [];
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) out.push({ message: "Object 'apiVersion' is missing in object", field: undefined });
  if (typeof o.kind !== 'string' || !o.kind) out.push({ message: "Object 'Kind' is missing in object" });
  if (out.length) return out;
  const kind = o.kind as string;
  const apiVersion = o.apiVersion as string;
  const resolved = kinds?.resolve(kind, apiVersion);
  if (resolved && !resolved.ok) return [{ message: resolved.message }];
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (meta === undefined || meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    return [{ field: 'metadata', message: 'Required value: metadata is required' }];
  }
  const annotations = meta.annotations && typeof meta.annotations === 'object' && !Array.isArray(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined;
  // A hook (Argo CD or Helm annotations) may use generateName: a new object per sync, as Argo CD makes.
  const hookWithGenerateName = typeof meta.generateName === 'string' && !!meta.generateName && isHook(annotations);
  if ((typeof meta.name !== 'string' || !meta.name) && !hookWithGenerateName) {
    const gen = typeof meta.generateName === 'string' && meta.generateName;
    out.push({
      field: 'metadata.name',
      message: gen
        ? 'Required value: a folder sync needs a fixed name (generateName would create a new object on every sync; only hooks, argocd.argoproj.io/hook or helm.sh/hook, may use it)'
        : 'Required value: name or generateName is required',
    });
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') {
    out.push({ field: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(meta.namespace)}: expected a string` });
  }
  for (const m of ['labels', 'annotations'] as const) {
    const map = meta[m];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) {
      out.push({ field: `metadata.${m}`, message: `Invalid value: ${JSON.stringify(map)}: expected a map of strings` });
      continue;
    }
    for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
      if (typeof v !== 'string') out.push({ field: `metadata.${m}.${k}`, message: `Invalid value: ${JSON.stringify(v)}: expected a string` });
    }
  }
  if (annotations) out.push(...annotationProblems(annotations));
  const spec = o.spec as Record<string, unknown> | undefined;
  if (spec && typeof spec === 'object' && 'replicas' in spec && spec.replicas !== null && !Number.isInteger(spec.replicas)) {
    out.push({ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(spec.replicas)}: expected an integer` });
  }
  return out;
}

/** Finds the YAML node at a dotted path with `[i]` indexes, e.g. `spec.containers[0].image`. */
function nodeAt(root: Node | undefined, path: string): Node | undefined {
  if (!root || !path) return root;
  const parts: (string | number)[] = [];
  for (const seg of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return undefined;
    if (m[1]) parts.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  let cur: unknown = root;
  for (const p of parts) {
    if (isMap(cur)) cur = cur.get(p, true);
    else if (isSeq(cur) && typeof p === 'number') cur = cur.items[p];
    else return undefined;
  }
  return cur as Node | undefined;
}
