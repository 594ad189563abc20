// Folders with a kustomization are built, not read file by file: `kubectl
// kustomize <dir>` renders them, exactly as `kubectl apply -k` would. Without
// kubectl the folder is refused with a message that says what to do.
//
// A kustomization that another kustomization of the folder includes (through
// `resources:`, the deprecated `bases:`, or `components:`) is part of that
// build, not a source of its own: a base/ with overlays/dev/ applies what
// `kubectl kustomize overlays/dev` renders, not the base as well. kustomize
// merges `bases:` into `resources:` (printing a deprecation warning); so does
// kubectl, and the sync passes its warning on, naming the file and line.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { KUSTOMIZATION_FILES } from './ignore.js';
import type { ManifestError } from './loader.js';

/** What a build printed: the rendered YAML, and kustomize's warnings (stderr `# Warning: …` lines). */
export interface KustomizeOutput {
  yaml: string;
  warnings?: string[];
}

export type KustomizeBuild = (dir: string) => Promise<string | KustomizeOutput>;

export class KubectlMissingError extends Error {}

/** kustomize's own words for `bases:` (api/types/kustomization.go). */
export const BASES_DEPRECATED = "'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically.";

/** Runs `kubectl kustomize dir` and returns the rendered multi-document YAML, with the warnings it printed. */
export const kubectlKustomize: KustomizeBuild = (dir) =>
  new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', dir], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ yaml: stdout, warnings: kustomizeWarnings(String(stderr)) });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new KubectlMissingError('kubectl is not installed'));
      }
      reject(new Error(String(stderr || err.message).trim().replace(/^error:\s*/, ''), { cause: err }));
    });
  });

/** The distinct `# Warning: …` lines of kustomize's stderr, without the prefix. */
export function kustomizeWarnings(stderr: string): string[] {
  const out = new Set<string>();
  for (const line of stderr.split(/\r?\n/)) {
    const m = /^#?\s*Warning:\s*(.+)$/i.exec(line.trim());
    if (m) out.add(m[1].trim());
  }
  return [...out];
}

export function kustomizeMissingMessage(dir: string): string {
  return (
    `a kustomization was found in "${dir || '.'}" but kubectl is not installed: kubeterm builds kustomizations with ` +
    '"kubectl kustomize". Install kubectl, or remove the kustomization file to apply the folder\'s files as plain manifests'
  );
}

/** What one kustomization file says about the folder: the folders it includes, and its use of `bases:`. */
export interface KustomizationRefs {
  /** The kustomization file, relative to the synced folder. */
  file: string;
  /** Folders inside the synced folder it includes (`resources:`, `bases:`, `components:`), relative, `/`-separated. */
  dirs: string[];
  /** 1-based line of a `bases:` field. */
  basesLine?: number;
}

/** Reads the kustomization of `dir` (relative to root; '' for the root). undefined when there is none or it does not parse. */
export function readKustomization(root: string, dir: string): KustomizationRefs | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    let text: string;
    try {
      text = readFileSync(join(root, dir, name), 'utf8');
    } catch {
      continue;
    }
    const file = dir ? `${dir}/${name}` : name;
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc });
    if (doc.errors.length || !isMap(doc.contents)) return { file, dirs: [] };
    const dirs = new Set<string>();
    let basesLine: number | undefined;
    for (const field of ['resources', 'bases', 'components']) {
      const node = doc.contents.get(field, true);
      if (field === 'bases' && node !== undefined) {
        const pair = doc.contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'bases');
        const at = (pair?.key as { range?: [number, number, number] } | null)?.range?.[0];
        if (at !== undefined) basesLine = lc.linePos(at).line;
      }
      if (!isSeq(node)) continue;
      for (const item of node.items) {
        const v = (item as { value?: unknown } | null)?.value;
        if (typeof v !== 'string' || isRemote(v) || isAbsolute(v)) continue;
        const rel = posix.normalize(posix.join(dir || '.', v)).replace(/\/+$/, '');
        if (rel === '.' || rel === '' || rel === '..' || rel.startsWith('../')) continue; // the root, or outside the synced folder (not watched)
        if (KUSTOMIZATION_FILES.some((k) => exists(join(root, rel, k)))) dirs.add(rel);
      }
    }
    return { file, dirs: [...dirs], ...(basesLine !== undefined ? { basesLine } : {}) };
  }
  return undefined;
}

const isRemote = (v: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.startsWith('git@') || /^(github|gitlab|bitbucket)\.(com|org)\//.test(v);

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The kustomize folders of a folder, split into the ones built as sources (not
 * included by another) and, for each of those, every folder its build reads
 * (itself excluded). A ring of kustomizations that include one another (which
 * kustomize refuses) keeps them all as sources, so the refusal is shown.
 */
export function kustomizeRoots(root: string, dirs: readonly string[]): Map<string, KustomizationRefs[]> {
  const refs = new Map<string, KustomizationRefs | undefined>(dirs.map((d) => [d, readKustomization(root, d)]));
  const read = (d: string): KustomizationRefs | undefined => {
    if (!refs.has(d)) refs.set(d, readKustomization(root, d));
    return refs.get(d);
  };
  const closure = (d: string): KustomizationRefs[] => {
    const seen = new Set<string>([d]);
    const out: KustomizationRefs[] = [];
    const stack = [d];
    while (stack.length) {
      const r = read(stack.pop()!);
      if (!r) continue;
      out.push(r);
      for (const x of r.dirs) {
        if (seen.has(x)) continue;
        seen.add(x);
        stack.push(x);
      }
    }
    return out;
  };
  const closures = new Map(dirs.map((d) => [d, closure(d)]));
  const included = new Set<string>();
  for (const [d, c] of closures) {
    for (const r of c) {
      const rd = dirOf(r.file);
      if (rd !== d) included.add(rd);
    }
  }
  const out = new Map<string, KustomizationRefs[]>();
  for (const [d, c] of closures) if (!included.has(d) || c.some((r) => r.dirs.includes(d))) out.set(d, c);
  if (!out.size) for (const [d, c] of closures) out.set(d, c);
  return out;
}

const dirOf = (file: string): string => file.split('/').slice(0, -1).join('/');

/** The warnings a build carries: `bases:` (named by file and line) and whatever else kustomize printed. */
export function buildWarnings(source: string, refs: readonly KustomizationRefs[], printed: readonly string[]): ManifestError[] {
  const out: ManifestError[] = [];
  for (const r of refs) if (r.basesLine !== undefined) out.push({ file: r.file, line: r.basesLine, field: 'bases', message: BASES_DEPRECATED });
  const basesTold = out.length > 0;
  for (const w of printed) {
    if (basesTold && w.includes("'bases' is deprecated")) continue;
    out.push({ file: source, message: `kustomize: ${w}` });
  }
  return out;
}
