// Folders with a kustomization are built, not read file by file: `kubectl
// kustomize <dir>` renders them, exactly as `kubectl apply -k` would. Without
// kubectl the folder is refused with a message that says what to do.
import { execFile } from 'node:child_process';

export type KustomizeBuild = (dir: string) => Promise<string>;

export class KubectlMissingError extends Error {}

/** Runs `kubectl kustomize dir` and returns the rendered multi-document YAML. */
export const kubectlKustomize: KustomizeBuild = (dir) =>
  new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', dir], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new KubectlMissingError('kubectl is not installed'));
      }
      reject(new Error(String(stderr || err.message).trim().replace(/^error:\s*/, ''), { cause: err }));
    });
  });

export function kustomizeMissingMessage(dir: string): string {
  return (
    `a kustomization was found in "${dir || '.'}" but kubectl is not installed: kubeterm builds kustomizations with ` +
    '"kubectl kustomize". Install kubectl, or remove the kustomization file to apply the folder\'s files as plain manifests'
  );
}
