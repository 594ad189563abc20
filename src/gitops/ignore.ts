// Which paths in a GitOps folder are never manifests: dotfiles and dot-folders
// (.git, .github, editor state), editor swap/backup/temp files, and anything
// that is not .yaml/.yml/.json. Paths are relative to the folder, `/`-separated.
import { isManifestFile } from './loader.js';

const EDITOR_JUNK = [
  /\.sw[a-p]x?$/i, // vim swap: .foo.yaml.swp, .swo, .swx
  /~$/, // emacs/vim backup: foo.yaml~
  /^#.*#$/, // emacs autosave: #foo.yaml#
  /^4913$/, // vim's write-permission probe
  /\.(bak|orig|tmp|temp|rej)$/i,
  /\.crswap$/i, // Chrome/VS Code web
  /___jb_(tmp|old)___$/, // JetBrains safe write
];

/** True when a path segment (a file or folder name) is never part of the sync. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || EDITOR_JUNK.some((re) => re.test(name)) || name === 'node_modules';
}

/** True when any segment of a relative path is ignored. */
export function isIgnoredPath(rel: string): boolean {
  return rel.split('/').some((seg) => seg !== '' && isIgnoredName(seg));
}

/** A file the sync reads: a manifest extension and no ignored segment. */
export function isSyncedFile(rel: string): boolean {
  return isManifestFile(rel) && !isIgnoredPath(rel);
}

/**
 * The folder's own settings (ignore rules, see ignore-differences.ts): a dotfile,
 * so never read as a manifest, but watched so that a change takes effect at once.
 */
export const SYNC_CONFIG_FILE = '.kubeterm.yaml';

/** Whether the watcher reports changes of a path: every path that is not ignored, and the settings file. */
export function isWatchedPath(rel: string): boolean {
  return rel === SYNC_CONFIG_FILE || !isIgnoredPath(rel);
}

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationFile(rel: string): boolean {
  return KUSTOMIZATION_FILES.includes(rel.split('/').pop() ?? '');
}
