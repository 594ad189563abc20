// Finds and reads the folder's sources. A source is one manifest file, or one
// folder with a kustomization (built as a unit). Names are relative to the
// synced folder with `/` separators; a kustomize source is named by its
// kustomization file, e.g. `overlays/dev/kustomization.yaml`.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isIgnoredName, isSyncedFile, KUSTOMIZATION_FILES } from './ignore.js';
import { buildWarnings, KubectlMissingError, kustomizeMissingMessage, kustomizeRoots, readKustomization, type KustomizationRefs, type KustomizeBuild } from './kustomize.js';
import { loadManifestFile, MAX_MANIFEST_BYTES, type LoadResult } from './loader.js';

export interface SourceRef {
  /** The source's name (relative file path). */
  name: string;
  /** For a kustomize source: its folder (relative, '' for the root). */
  kustomizeDir?: string;
  /** For a kustomize source: the other folders of the synced folder its build reads (bases, components). */
  kustomizeIncludes?: string[];
}

/** True when a change to `path` (relative) changes what kustomize source `ref` builds. */
export function kustomizeCovers(ref: SourceRef, path: string): boolean {
  if (ref.kustomizeDir === undefined) return false;
  const under = (dir: string) => dir === '' || path === dir || path.startsWith(`${dir}/`);
  return under(ref.kustomizeDir) || (ref.kustomizeIncludes ?? []).some(under);
}

/** Walks the folder: every manifest file outside kustomize folders, plus one source per kustomize folder. */
export async function scanSources(root: string): Promise<SourceRef[]> {
  const out: SourceRef[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return; // removed while we looked
    }
    const kfile = entries.find((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name));
    if (kfile) {
      out.push({ name: rel ? `${rel}/${kfile.name}` : kfile.name, kustomizeDir: rel });
      return;
    }
    const dirs: Promise<void>[] = [];
    for (const e of entries) {
      if (isIgnoredName(e.name)) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) dirs.push(walk(p));
      else if (e.isFile() && isSyncedFile(p)) out.push({ name: p });
    }
    await Promise.all(dirs);
  };
  await walk('');
  // A kustomization another one includes (a base, a component) is built as part of it, not on its own.
  const kdirs = out.filter((r) => r.kustomizeDir !== undefined).map((r) => r.kustomizeDir!);
  if (kdirs.length > 1 || (kdirs.length === 1 && readKustomization(root, kdirs[0])?.dirs.length)) {
    const roots = kustomizeRoots(root, kdirs);
    for (let i = out.length - 1; i >= 0; i--) {
      const dir = out[i].kustomizeDir;
      if (dir === undefined) continue;
      const refs = roots.get(dir);
      if (!refs) out.splice(i, 1);
      else {
        const includes = refs.map((r) => r.file.split('/').slice(0, -1).join('/')).filter((d) => d !== dir);
        if (includes.length) out[i] = { ...out[i], kustomizeIncludes: includes };
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export interface ReadSource {
  /** undefined when the source no longer exists. */
  text?: string;
  result?: LoadResult;
}

/** Reads and parses one source. Never throws: problems come back as errors naming the source. */
export async function readSource(root: string, ref: SourceRef, kustomize: KustomizeBuild): Promise<ReadSource> {
  if (ref.kustomizeDir !== undefined) {
    try {
      await stat(join(root, ref.name));
    } catch {
      return {};
    }
    try {
      const built = await kustomize(join(root, ref.kustomizeDir));
      const { yaml, warnings: printed = [] } = typeof built === 'string' ? { yaml: built } : built;
      // kubectl's output is plain YAML: no NBSP reading there.
      const result = loadManifestFile(ref.name, yaml, undefined, { nbsp: false });
      const refs = [ref.kustomizeDir, ...(ref.kustomizeIncludes ?? [])].map((d) => readKustomization(root, d)).filter((r): r is KustomizationRefs => !!r);
      const warnings = [...buildWarnings(ref.name, refs, printed), ...(result.warnings ?? [])];
      // The text the sync compares between reads: changed warnings or included folders are a change too.
      const extra = warnings.length || ref.kustomizeIncludes?.length ? `\u0000${JSON.stringify({ warnings, includes: ref.kustomizeIncludes ?? [] })}` : '';
      return { text: yaml + extra, result: warnings.length ? { ...result, warnings } : result };
    } catch (e) {
      const message = e instanceof KubectlMissingError ? kustomizeMissingMessage(ref.kustomizeDir) : `kubectl kustomize failed: ${(e as Error).message}`;
      return { text: `\u0000error:${message}`, result: { objects: [], errors: [{ file: ref.name, message }] } };
    }
  }
  const path = join(root, ref.name);
  // Synchronous reads: manifests are small, and the thread-pool round trips of
  // fs.promises cost more than the reads themselves (a 1,000-file cold sync).
  try {
    // Symlinks are never followed: a link (or a linked folder on the way) could
    // lead outside the watched folder or loop. Such a path counts as no manifest.
    const st = lstatSync(path);
    if (!st.isFile() || !insideRealRoot(root, ref.name)) return {};
    if (st.size > MAX_MANIFEST_BYTES) {
      const message = `file is larger than ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB; refusing to parse it`;
      return { text: `\u0000size:${st.size}:${st.mtimeMs}`, result: { objects: [], errors: [{ file: ref.name, message }] } };
    }
    const text = readFileSync(path, 'utf8');
    return { text };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return {};
    const message = `cannot read file: ${(e as Error).message}`;
    return { text: `\u0000error:${message}`, result: { objects: [], errors: [{ file: ref.name, message }] } };
  }
}

/** True when no folder on the way from the root to `rel` is a symlink (the real path stays where the name says). */
function insideRealRoot(root: string, rel: string): boolean {
  try {
    return realpathSync(dirname(join(root, rel))) === join(realpathSync(root), dirname(rel));
  } catch {
    return false;
  }
}
