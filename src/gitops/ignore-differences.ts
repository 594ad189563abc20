// Fields something else changes (an HPA's replicas, a mutating webhook's
// annotation, a controller's defaults), modelled on Argo CD's
// `ignoreDifferences`. An ignored field is never drift, is never healed, and
// is left out of the `:sync` diff (the diff shows the live value on both sides).
//
// Two places say which fields (both add up):
//   - the annotation `kubeterm.io/ignore-differences` on the manifest, a JSON
//     list of RFC 6901 JSON pointers: `'["/spec/replicas"]'`;
//   - `.kubeterm.yaml` at the folder's root (a dotfile: never read as a manifest):
//       ignoreDifferences:
//         - group: apps            # "" or omitted for the core group
//           kind: Deployment
//           name: web              # optional
//           namespace: default     # optional
//           jsonPointers: [/spec/replicas]
//           jqPathExpressions: [.spec.template.spec.containers[].image]
//     jqPathExpressions are supported as plain paths: `.a.b`, `.a[0]`, and
//     `.a[]` for every element; anything else (select(), pipes) is refused
//     with a message, as are pointers that do not start with `/`.
// Paths are kept as token lists, `*` standing for "every element" of a list.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../api/meta.js';
import { SYNC_CONFIG_FILE } from './ignore.js';

export const IGNORE_DIFFERENCES_ANNOTATION = 'kubeterm.io/ignore-differences';
export { SYNC_CONFIG_FILE };

/** A path as tokens; `*` matches every element of a list. */
export type FieldPath = string[];

export interface IgnoreRule {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  paths: FieldPath[];
}

export interface SyncConfig {
  ignoreDifferences: IgnoreRule[];
  /** What was refused, each naming the file and the entry. */
  errors: string[];
}

/** `/spec/template/spec/containers/0/image` → tokens (RFC 6901 unescaping). */
export function parsePointer(pointer: string): FieldPath {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `.spec.containers[].image`, `.metadata.annotations["a/b"]` → tokens; throws on anything jq does beyond paths. */
export function parseJqPath(expr: string): FieldPath {
  const out: FieldPath = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[\]|\["((?:[^"\\]|\\.)*)"\]|\.\["((?:[^"\\]|\\.)*)"\]/y;
  const s = expr.trim();
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`jqPathExpression "${expr}" is not supported: only plain paths such as .spec.replicas or .spec.template.spec.containers[].image`);
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2]);
    else if (m[3] !== undefined || m[4] !== undefined) out.push(JSON.parse(`"${m[3] ?? m[4]}"`) as string);
    else out.push('*');
    i = re.lastIndex;
  }
  if (!out.length) throw new Error(`jqPathExpression "${expr}" names no field`);
  return out;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Reads `.kubeterm.yaml`; a missing file is no rules. */
export async function loadSyncConfig(folder: string): Promise<SyncConfig> {
  let text: string;
  try {
    text = await readFile(join(folder, SYNC_CONFIG_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ignoreDifferences: [], errors: [] };
    return { ignoreDifferences: [], errors: [`${SYNC_CONFIG_FILE}: cannot be read: ${(e as Error).message}`] };
  }
  return parseSyncConfig(text);
}

export function parseSyncConfig(text: string): SyncConfig {
  const errors: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return { ignoreDifferences: [], errors: [`${SYNC_CONFIG_FILE}: ${(e as Error).message}`] };
  }
  const rules: IgnoreRule[] = [];
  const list = (doc as { ignoreDifferences?: unknown } | null)?.ignoreDifferences;
  asList(list).forEach((raw, i) => {
    const where = `${SYNC_CONFIG_FILE}: ignoreDifferences[${i}]`;
    const r = raw as Record<string, unknown>;
    if (!r || typeof r !== 'object' || typeof r.kind !== 'string' || !r.kind) {
      errors.push(`${where}: kind is required`);
      return;
    }
    const paths: FieldPath[] = [];
    for (const p of asList(r.jsonPointers)) {
      try {
        paths.push(parsePointer(String(p)));
      } catch (e) {
        errors.push(`${where}.jsonPointers: ${(e as Error).message}`);
      }
    }
    for (const p of asList(r.jqPathExpressions)) {
      try {
        paths.push(parseJqPath(String(p)));
      } catch (e) {
        errors.push(`${where}.jqPathExpressions: ${(e as Error).message}`);
      }
    }
    if (!paths.length) return;
    rules.push({
      group: typeof r.group === 'string' ? r.group : '',
      kind: r.kind,
      ...(typeof r.name === 'string' && r.name ? { name: r.name } : {}),
      ...(typeof r.namespace === 'string' && r.namespace ? { namespace: r.namespace } : {}),
      paths,
    });
  });
  return { ignoreDifferences: rules, errors };
}

const groupOf = (apiVersion: string | undefined): string => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');

/** The paths ignored for this object: its annotation's, then every matching rule's. Bad annotations are reported through onError. */
export function ignoredPaths(obj: KubeObject, rules: readonly IgnoreRule[], onError?: (message: string) => void): FieldPath[] {
  const out: FieldPath[] = [];
  const ann = obj.metadata.annotations?.[IGNORE_DIFFERENCES_ANNOTATION];
  if (ann !== undefined) {
    try {
      const parsed = JSON.parse(ann) as unknown;
      if (!Array.isArray(parsed)) throw new Error('expected a JSON list of JSON pointers, e.g. \'["/spec/replicas"]\'');
      for (const p of parsed) out.push(parsePointer(String(p)));
    } catch (e) {
      onError?.(`${obj.kind}/${obj.metadata.name}: annotation ${IGNORE_DIFFERENCES_ANNOTATION}: ${(e as Error).message}`);
    }
  }
  const group = groupOf(obj.apiVersion);
  const ns = obj.metadata.namespace ?? '';
  for (const r of rules) {
    if (r.kind !== obj.kind || r.group !== group) continue;
    if (r.name !== undefined && r.name !== obj.metadata.name) continue;
    if (r.namespace !== undefined && r.namespace !== ns) continue;
    out.push(...r.paths);
  }
  return out;
}

/** Expands `*` against a value: the concrete paths that exist in it. */
export function expandPaths(value: unknown, paths: readonly FieldPath[]): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (v: unknown, rest: FieldPath, done: FieldPath) => {
    if (!rest.length) {
      out.push(done);
      return;
    }
    const [t, ...more] = rest;
    if (t === '*') {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, more, [...done, String(i)]));
      return;
    }
    // A path into something absent is still a path (a field the live object may have).
    const next = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[Array.isArray(v) ? Number(t) : t] : undefined;
    walk(next, more, [...done, t]);
  };
  for (const p of paths) walk(value, p, []);
  return out;
}

/**
 * Paths as drift.ts names fields (`spec.template.spec.containers[0].image`),
 * expanded against the manifest: what `findDrift`'s `ignore` takes.
 */
export function driftPaths(manifest: KubeObject, paths: readonly FieldPath[]): string[] {
  return expandPaths(manifest, paths).map((tokens) => {
    let s = '';
    let v: unknown = manifest;
    for (const t of tokens) {
      if (Array.isArray(v) && /^\d+$/.test(t)) {
        s += `[${t}]`;
        v = v[Number(t)];
      } else {
        s += s ? `.${t}` : t;
        v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[t] : undefined;
      }
    }
    return s;
  });
}

function getAt(obj: unknown, path: FieldPath): { found: boolean; value?: unknown } {
  let v: unknown = obj;
  for (const t of path) {
    if (v === null || typeof v !== 'object') return { found: false };
    const key = Array.isArray(v) ? Number(t) : t;
    if (!(key in (v as object))) return { found: false };
    v = (v as Record<string | number, unknown>)[key];
  }
  return { found: true, value: v };
}

/** Sets (or with `found: false`, removes) a field in place, creating maps on the way. Lists are never grown. */
function setAt(obj: unknown, path: FieldPath, to: { found: boolean; value?: unknown }): void {
  if (!path.length) return;
  let v: unknown = obj;
  for (let i = 0; i < path.length - 1; i++) {
    if (v === null || typeof v !== 'object') return;
    const key = Array.isArray(v) ? Number(path[i]) : path[i];
    let next = (v as Record<string | number, unknown>)[key];
    if (next === undefined) {
      if (!to.found || Array.isArray(v)) return;
      next = {};
      (v as Record<string, unknown>)[key] = next;
    }
    v = next;
  }
  if (v === null || typeof v !== 'object') return;
  const last = path[path.length - 1];
  if (Array.isArray(v)) {
    const i = Number(last);
    if (to.found && i < v.length) v[i] = structuredClone(to.value);
    return;
  }
  if (to.found) (v as Record<string, unknown>)[last] = structuredClone(to.value);
  else delete (v as Record<string, unknown>)[last];
}

/** A copy of `target` whose ignored fields hold the values of `from` (absent where `from` lacks them). */
export function withFieldsFrom<T>(target: T, from: unknown, paths: readonly FieldPath[]): T {
  const out = structuredClone(target);
  const concrete = expandPaths(from, paths).concat(expandPaths(target, paths));
  for (const p of concrete) setAt(out, p, getAt(from, p));
  return out;
}

/** A copy of the manifest without the ignored fields: what self-heal applies, so it never resets them. */
export function withoutPaths<T>(manifest: T, paths: readonly FieldPath[]): T {
  const out = structuredClone(manifest);
  for (const p of expandPaths(manifest, paths)) setAt(out, p, { found: false });
  return out;
}
